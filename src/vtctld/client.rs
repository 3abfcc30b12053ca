//! The vtctld gRPC client: endpoints, TLS, static auth, and one method per RPC. Each method is
//! one attempt against one server; retrying is `retry`'s business, and reading what a failed
//! attempt's error was is `call_error`'s.

use std::time::Duration;

use anyhow::{Context, Result};
use tonic::Request;
use tonic::metadata::AsciiMetadataValue;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

pub use super::call_error::{CallError, code_name, millis};
use super::call_error::{connect_error, status_error};
use super::diagnose::{self, Mismatch};
use super::legacy_listing;
use crate::alias::TabletAlias;
use crate::connection::{ConnectionSettings, ServerAddr, TlsSettings};
use crate::proto::topodata::Tablet;
use crate::proto::vtctldata::{
    ExecuteVtctlCommandRequest, GetCellInfoNamesRequest, GetTabletRequest, GetTabletsRequest,
    TabletExternallyReparentedRequest,
};
use crate::proto::vtctlservice::vtctl_client::VtctlClient;
use crate::proto::vtctlservice::vtctld_client::VtctldClient;

/// GetTablets lists every tablet of the fleet; large fleets exceed tonic's 4 MiB default.
const MAX_TABLETS_RESPONSE: usize = 64 * 1024 * 1024;
/// Streamed legacy log lines kept for the record; the rest are counted, not kept.
const MAX_EVENTS: usize = 200;

/// Which vtctld service a call went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKind {
    /// The typed `vtctlservice.Vtctld` service (vtctldclient).
    Vtctld,
    /// The legacy streaming `vtctlservice.Vtctl` service (vtctlclient).
    Vtctl,
}

impl ApiKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vtctld => "vtctld",
            Self::Vtctl => "vtctl",
        }
    }
}

/// The legacy call's arguments, exactly as `vtctlclient TabletExternallyReparented <alias>` sends.
pub fn legacy_args(alias: &TabletAlias) -> Vec<String> {
    vec!["TabletExternallyReparented".to_owned(), alias.to_string()]
}

/// What vtctld answered to TabletExternallyReparented.
#[derive(Debug, Clone)]
pub struct Reparented {
    pub keyspace: Option<String>,
    pub shard: Option<String>,
    pub new_primary: Option<TabletAlias>,
    pub old_primary: Option<TabletAlias>,
    pub server: String,
    pub api: ApiKind,
}

#[derive(Debug)]
struct Server {
    addr: ServerAddr,
    endpoint: Endpoint,
    channel: Option<Channel>,
}

/// Connections to the configured vtctld servers (made on first use) and the credentials sent.
pub struct Client {
    servers: Vec<Server>,
    connect_timeout: Duration,
    auth: Option<(AsciiMetadataValue, AsciiMetadataValue)>,
    /// No TLS is configured.
    plain_text: bool,
    /// For [`Self::diagnose`].
    tls: Option<TlsSettings>,
    verbose: bool,
    /// Log lines the legacy API streamed, kept even when the stream ends in an error.
    events: Vec<String>,
    dropped_events: usize,
}

impl std::fmt::Debug for Client {
    // Written out so the static auth password can never reach a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("servers", &self.servers)
            .field("static_auth", &self.auth.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Prepares endpoints and credentials; connects nowhere.
    pub fn new(settings: &ConnectionSettings, verbose: bool) -> Result<Self> {
        let tls = settings.tls.as_ref().map(tls_config);
        let servers = settings
            .servers
            .iter()
            .map(|addr| {
                let mut endpoint = Endpoint::from_shared(addr.uri(tls.is_some()))
                    .with_context(|| format!("server {addr}: not a valid address"))?
                    .connect_timeout(settings.connect_timeout)
                    .tcp_nodelay(true);
                if let Some(tls) = &tls {
                    endpoint = endpoint
                        .tls_config(tls.clone())
                        .with_context(|| format!("server {addr}: cannot set up TLS"))?;
                }
                Ok(Server {
                    addr: addr.clone(),
                    endpoint,
                    channel: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let auth = match &settings.auth {
            Some(auth) => Some((
                AsciiMetadataValue::try_from(auth.username.as_str())
                    .context("static auth Username cannot be sent as gRPC metadata")?,
                AsciiMetadataValue::try_from(auth.password.as_str())
                    .context("static auth Password cannot be sent as gRPC metadata")?,
            )),
            None => None,
        };
        Ok(Self {
            servers,
            connect_timeout: settings.connect_timeout,
            auth,
            plain_text: tls.is_none(),
            tls: settings.tls.clone(),
            verbose,
            events: Vec::new(),
            dropped_events: 0,
        })
    }

    pub fn server_count(&self) -> usize {
        self.servers.len()
    }

    pub fn server(&self, index: usize) -> &ServerAddr {
        &self.servers[index % self.servers.len()].addr
    }

    /// Why connections to server `index` break, if a probe connection shows a handshake that
    /// cannot succeed as configured (see `diagnose`); within the connect timeout and `budget`.
    pub async fn diagnose(&self, index: usize, budget: Duration) -> Option<(Mismatch, String)> {
        let limit = self.connect_timeout.min(budget);
        diagnose::mismatch(self.server(index), self.tls.as_ref(), limit).await
    }

    /// Drops the connection to server `index`, so the next attempt makes a new one (and a
    /// handshake that failed shows again how it fails).
    pub fn disconnect(&mut self, index: usize) {
        self.servers[index].channel = None;
    }

    /// Whether a connection to server `index` stands.
    pub fn is_connected(&self, index: usize) -> bool {
        self.servers[index].channel.is_some()
    }

    /// The connection to server `index`, made on first use within the connect timeout (which
    /// bounds name resolution too) and the attempt's budget: a connection that does not come
    /// is a connection error, however the time ran out.
    async fn channel(&mut self, index: usize, budget: Duration) -> Result<Channel, CallError> {
        let server = &mut self.servers[index];
        if let Some(channel) = &server.channel {
            return Ok(channel.clone());
        }
        let limit = self.connect_timeout.min(budget);
        let connect = tokio::time::timeout(limit, server.endpoint.connect());
        let channel = match connect.await {
            Ok(Ok(channel)) => channel,
            Ok(Err(e)) => return Err(connect_error(&e)),
            Err(_) => {
                return Err(CallError::Connect(format!(
                    "no connection within {} ms (name resolution, TCP and TLS)",
                    millis(limit)
                )));
            }
        };
        server.channel = Some(channel.clone());
        Ok(channel)
    }

    /// The connection to server `index` and what is left of `budget` once it stands: time
    /// spent connecting is no longer vtctld's to spend (on the `grpc-timeout` or the legacy
    /// `action_timeout`).
    async fn connected(
        &mut self,
        index: usize,
        budget: Duration,
    ) -> Result<(Channel, Duration), CallError> {
        if let Some(channel) = &self.servers[index].channel {
            return Ok((channel.clone(), budget));
        }
        let started = std::time::Instant::now();
        let channel = self.channel(index, budget).await?;
        Ok((channel, budget.saturating_sub(started.elapsed())))
    }

    fn request<T>(&self, message: T, budget: Duration) -> Request<T> {
        let mut request = Request::new(message);
        request.set_timeout(budget);
        if let Some((username, password)) = &self.auth {
            request.metadata_mut().insert("username", username.clone());
            request.metadata_mut().insert("password", password.clone());
        }
        request
    }

    pub async fn get_tablets(
        &mut self,
        index: usize,
        message: GetTabletsRequest,
        budget: Duration,
    ) -> Result<Vec<Tablet>, CallError> {
        let (channel, budget) = self.connected(index, budget).await?;
        let request = self.request(message, budget);
        let response = VtctldClient::new(channel)
            .max_decoding_message_size(MAX_TABLETS_RESPONSE)
            .get_tablets(request)
            .await
            .map_err(|e| status_error(e, self.plain_text))?;
        Ok(response.into_inner().tablets)
    }

    /// Typed `Vtctld/GetCellInfoNames`: a harmless read, to see that the typed API answers.
    pub async fn get_cell_info_names(
        &mut self,
        index: usize,
        budget: Duration,
    ) -> Result<Vec<String>, CallError> {
        let (channel, budget) = self.connected(index, budget).await?;
        let request = self.request(GetCellInfoNamesRequest {}, budget);
        let response = VtctldClient::new(channel)
            .get_cell_info_names(request)
            .await
            .map_err(|e| status_error(e, self.plain_text))?;
        Ok(response.into_inner().names)
    }

    /// Legacy `Vtctl/ExecuteVtctlCommand ["GetCellInfoNames"]`: the same harmless read through
    /// the legacy API; its lines are the cell names.
    pub async fn legacy_cell_info_names(
        &mut self,
        index: usize,
        budget: Duration,
    ) -> Result<Vec<String>, CallError> {
        let lines = self.legacy_lines(index, "GetCellInfoNames", budget).await?;
        Ok(lines.iter().map(|l| l.trim_end().to_owned()).collect())
    }

    /// Legacy `Vtctl/ExecuteVtctlCommand ["ListAllTablets"]`, read back into tablet records.
    pub async fn list_tablets_legacy(
        &mut self,
        index: usize,
        budget: Duration,
    ) -> Result<Vec<Tablet>, CallError> {
        let lines = self.legacy_lines(index, "ListAllTablets", budget).await?;
        legacy_listing::parse(&lines).map_err(|e| CallError::Unreadable(e.to_string()))
    }

    /// The lines a legacy read-only command streams, at most `MAX_TABLETS_RESPONSE` bytes.
    async fn legacy_lines(
        &mut self,
        index: usize,
        command: &str,
        budget: Duration,
    ) -> Result<Vec<String>, CallError> {
        let (channel, budget) = self.connected(index, budget).await?;
        let message = ExecuteVtctlCommandRequest {
            args: vec![command.to_owned()],
            action_timeout: i64::try_from(budget.as_nanos()).unwrap_or(i64::MAX),
        };
        let mut stream = VtctlClient::new(channel)
            .max_decoding_message_size(MAX_TABLETS_RESPONSE)
            .execute_vtctl_command(self.request(message, budget))
            .await
            .map_err(|e| status_error(e, self.plain_text))?
            .into_inner();
        let mut lines = Vec::new();
        let mut bytes = 0usize;
        while let Some(response) = stream
            .message()
            .await
            .map_err(|e| status_error(e, self.plain_text))?
        {
            if let Some(event) = response.event {
                bytes = bytes.saturating_add(event.value.len());
                if bytes > MAX_TABLETS_RESPONSE {
                    return Err(CallError::Unreadable(format!(
                        "{command} answered over {} MiB",
                        MAX_TABLETS_RESPONSE >> 20
                    )));
                }
                lines.push(event.value);
            }
        }
        Ok(lines)
    }

    /// Typed `Vtctld/GetTablet`.
    pub async fn get_tablet(
        &mut self,
        index: usize,
        alias: &TabletAlias,
        budget: Duration,
    ) -> Result<Tablet, CallError> {
        let (channel, budget) = self.connected(index, budget).await?;
        let request = self.request(
            GetTabletRequest {
                tablet_alias: Some(alias.to_proto()),
            },
            budget,
        );
        let response = VtctldClient::new(channel)
            .get_tablet(request)
            .await
            .map_err(|e| status_error(e, self.plain_text))?;
        Ok(response.into_inner().tablet.unwrap_or_default())
    }

    /// Typed `Vtctld/TabletExternallyReparented`.
    pub async fn reparent_typed(
        &mut self,
        index: usize,
        alias: &TabletAlias,
        budget: Duration,
    ) -> Result<Reparented, CallError> {
        let (channel, budget) = self.connected(index, budget).await?;
        let message = TabletExternallyReparentedRequest {
            tablet: Some(alias.to_proto()),
        };
        let answer = VtctldClient::new(channel)
            .tablet_externally_reparented(self.request(message, budget))
            .await
            .map_err(|e| status_error(e, self.plain_text))?
            .into_inner();
        let non_empty = |s: String| Some(s).filter(|s| !s.is_empty());
        Ok(Reparented {
            keyspace: non_empty(answer.keyspace),
            shard: non_empty(answer.shard),
            new_primary: answer.new_primary.as_ref().map(TabletAlias::from_proto),
            old_primary: answer.old_primary.as_ref().map(TabletAlias::from_proto),
            server: self.servers[index].addr.to_string(),
            api: ApiKind::Vtctld,
        })
    }

    /// Legacy `Vtctl/ExecuteVtctlCommand ["TabletExternallyReparented", alias]`; the attempt's
    /// budget is also sent as `action_timeout`. Streamed lines land in `events` as they arrive.
    pub async fn reparent_legacy(
        &mut self,
        index: usize,
        alias: &TabletAlias,
        budget: Duration,
    ) -> Result<Reparented, CallError> {
        let (channel, budget) = self.connected(index, budget).await?;
        let server = self.servers[index].addr.to_string();
        let message = ExecuteVtctlCommandRequest {
            args: legacy_args(alias),
            action_timeout: i64::try_from(budget.as_nanos()).unwrap_or(i64::MAX),
        };
        let mut stream = VtctlClient::new(channel)
            .execute_vtctl_command(self.request(message, budget))
            .await
            .map_err(|e| status_error(e, self.plain_text))?
            .into_inner();
        while let Some(response) = stream
            .message()
            .await
            .map_err(|e| status_error(e, self.plain_text))?
        {
            if let Some(event) = response.event {
                self.keep_event(&server, event.value);
            }
        }
        Ok(Reparented {
            keyspace: None,
            shard: None,
            new_primary: Some(alias.clone()),
            old_primary: None,
            server,
            api: ApiKind::Vtctl,
        })
    }

    fn keep_event(&mut self, server: &str, line: String) {
        if self.verbose {
            crate::output::err(&format!("vtctld {server}: {}", line.trim_end()));
        }
        if self.events.len() < MAX_EVENTS {
            self.events.push(line);
        } else {
            self.dropped_events += 1;
        }
    }

    /// The kept lines, with a count of those not kept.
    pub fn take_events(&mut self) -> Vec<String> {
        let mut events = std::mem::take(&mut self.events);
        if self.dropped_events > 0 {
            events.push(format!("({} more lines not kept)", self.dropped_events));
        }
        events
    }
}

fn tls_config(tls: &TlsSettings) -> ClientTlsConfig {
    let mut config = ClientTlsConfig::new();
    config = match &tls.ca_pem {
        Some(ca) => config.ca_certificate(Certificate::from_pem(ca)),
        None => config.with_native_roots(),
    };
    if let Some((cert, key)) = &tls.identity_pem {
        config = config.identity(Identity::from_pem(cert, key));
    }
    if let Some(name) = &tls.server_name {
        config = config.domain_name(name.clone());
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_args_use_the_padded_alias() {
        let alias: TabletAlias = "zone1-101".parse().unwrap();
        assert_eq!(
            legacy_args(&alias),
            ["TabletExternallyReparented", "zone1-0000000101"]
        );
    }
}
