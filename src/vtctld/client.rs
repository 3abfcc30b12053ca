//! The vtctld gRPC client: endpoints, TLS, static auth, and one method per RPC. Each method is
//! one attempt against one server; retrying is `retry`'s business.

use std::time::Duration;

use anyhow::{Context, Result};
use tonic::metadata::AsciiMetadataValue;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic::{Code, Request, Status};

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

/// Why one attempt failed.
#[derive(Debug)]
pub enum CallError {
    /// The server was never reached (refused, unresolvable, connect timeout, broken connection).
    Connect(String),
    /// The connection failed the way a plain text/TLS mismatch or a missing client certificate
    /// makes it fail; the text is what the transport said.
    Handshake(Mismatch, String),
    /// The TLS handshake or certificate was refused: wrong CA, name or client certificate.
    Tls(String),
    /// The attempt's time ran out.
    Timeout(Duration),
    Status(Status),
    /// The server answered something that is not what the call returns (a legacy listing with
    /// a line that is no tablet).
    Unreadable(String),
}

impl CallError {
    /// The attempt's status as the record shows it.
    pub fn label(&self) -> String {
        match self {
            Self::Connect(_) => "CONNECT_ERROR".into(),
            Self::Handshake(Mismatch::ClientCertificateRefused, _) | Self::Tls(_) => {
                "TLS_ERROR".into()
            }
            Self::Handshake(..) => "CONNECT_ERROR".into(),
            Self::Timeout(_) => "TIMEOUT".into(),
            Self::Status(status) => code_name(status.code()).into(),
            Self::Unreadable(_) => "UNREADABLE_ANSWER".into(),
        }
    }

    pub fn describe(&self, server: &ServerAddr) -> String {
        match self {
            Self::Connect(e) => format!("cannot connect to {server}: {e}"),
            Self::Handshake(Mismatch::ServerSpeaksTls, e) => format!(
                "{server} speaks TLS (it answered with {e}) but no --tls-ca/--vtctld-grpc-ca \
                 was given"
            ),
            Self::Handshake(Mismatch::ServerSpeaksPlainText, e) => {
                format!("{server} answered in plain text but TLS is configured ({e})")
            }
            Self::Handshake(Mismatch::ClientCertificateRefused, e) => format!(
                "{server} refused the TLS handshake ({e}): it requires a client certificate it \
                 accepts (--tls-cert/--tls-key, --vtctld-grpc-cert/--vtctld-grpc-key)"
            ),
            Self::Tls(e) => format!("TLS with {server} failed: {e}"),
            Self::Timeout(t) => format!("{server} did not answer within {} ms", millis(*t)),
            Self::Status(s) => {
                format!("{server} answered {}: {}", code_name(s.code()), s.message())
            }
            Self::Unreadable(e) => format!("{server} answered something unreadable: {e}"),
        }
    }

    /// tonic enforces the `grpc-timeout` it sends and reports its own expiry as CANCELLED
    /// ("Timeout expired"); that is this attempt timing out, not vtctld cancelling anything.
    pub fn local_timeout_as_timeout(self, budget: Duration) -> Self {
        match self {
            Self::Status(status)
                if status.code() == Code::Cancelled
                    && status.message() == tonic::TimeoutExpired(()).to_string() =>
            {
                Self::Timeout(budget)
            }
            Self::Timeout(_) => Self::Timeout(budget),
            other => other,
        }
    }
}

/// gRPC status codes as Vitess and grpc-go print them.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

pub fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
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

/// Tells a refused TLS handshake from a plain connection failure. A server that does not speak
/// TLS at all (plain text vtctld) answers bytes that are no TLS record: that is a connection
/// problem, not a refusal of our certificate.
fn connect_error(error: &tonic::transport::Error) -> CallError {
    match tls_failure(error) {
        Some(TlsFailure::NotTls(e)) => CallError::Handshake(Mismatch::ServerSpeaksPlainText, e),
        Some(TlsFailure::Refused(e)) => CallError::Tls(e),
        None => {
            let innermost =
                std::iter::successors(Some(error as &(dyn std::error::Error + 'static)), |e| {
                    e.source()
                })
                .last()
                .map_or_else(|| error.to_string(), ToString::to_string);
            CallError::Connect(innermost)
        }
    }
}

/// A status caused by a TLS failure is a TLS failure too; one tonic made from a transport error
/// (the connection broke, HTTP/2 could not be spoken) is a connection failure, or a handshake
/// mismatch where the transport's words say which (see [`mismatch`]). Only a status vtctld
/// itself sent stays a status.
fn status_error(status: Status, plain_text: bool) -> CallError {
    use std::error::Error;
    if let Some((found, words)) = status.source().and_then(|c| mismatch(c, plain_text)) {
        return CallError::Handshake(found, words);
    }
    match tls_failure(&status) {
        Some(TlsFailure::Refused(e)) => CallError::Tls(e),
        Some(TlsFailure::NotTls(e)) => CallError::Handshake(Mismatch::ServerSpeaksPlainText, e),
        None => match status.source() {
            // tonic's own expiry of the attempt's timeout: `local_timeout_as_timeout` takes it.
            Some(cause)
                if std::iter::successors(Some(cause), |e| (*e).source())
                    .any(|e| e.is::<tonic::TimeoutExpired>()) =>
            {
                CallError::Timeout(Duration::ZERO)
            }
            Some(cause) => CallError::Connect(format!(
                "{}: {} ({cause})",
                code_name(status.code()),
                status.message()
            )),
            None => CallError::Status(status),
        },
    }
}

/// What hyper and tokio-rustls report, as text, when a handshake cannot succeed as configured:
/// a plain-text client reads a TLS server's alert record (rustls sends one; Go's TLS closes the
/// connection without a word) as an HTTP/2 frame header whose length is beyond any frame's
/// ("frame with invalid size"); a TLS 1.3 client learns that its
/// certificate was wanted or refused only from the alert that ends the connection after the
/// handshake ("received fatal alert: CertificateRequired"), which tokio-rustls passes on as
/// text. tests/it/tls.rs pins both against a real TLS server.
fn mismatch(
    cause: &(dyn std::error::Error + 'static),
    plain_text: bool,
) -> Option<(Mismatch, String)> {
    std::iter::successors(Some(cause), |e| e.source()).find_map(|e| {
        let words = e.to_string();
        if plain_text && words.contains("frame with invalid size") {
            Some((
                Mismatch::ServerSpeaksTls,
                format!("no HTTP/2 frame ({words})"),
            ))
        } else if !plain_text && words.starts_with("received fatal alert") {
            Some((Mismatch::ClientCertificateRefused, words))
        } else {
            None
        }
    })
}

enum TlsFailure {
    NotTls(String),
    Refused(String),
}

/// The rustls error somewhere in `error`'s source chain (io::Error hides it behind `get_ref`).
fn tls_failure(error: &(dyn std::error::Error + 'static)) -> Option<TlsFailure> {
    std::iter::successors(Some(error), |e| e.source()).find_map(|current| {
        current
            .downcast_ref::<rustls::Error>()
            .or_else(|| {
                current
                    .downcast_ref::<std::io::Error>()
                    .and_then(|io| io.get_ref())
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            })
            .map(|e| match e {
                rustls::Error::InvalidMessage(_) => TlsFailure::NotTls(e.to_string()),
                _ => TlsFailure::Refused(e.to_string()),
            })
    })
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

    #[test]
    fn local_timeouts_are_timeouts() {
        let local = CallError::Status(Status::cancelled(tonic::TimeoutExpired(()).to_string()));
        assert!(matches!(
            local.local_timeout_as_timeout(Duration::from_secs(1)),
            CallError::Timeout(_)
        ));
        let remote = CallError::Status(Status::cancelled("context canceled"));
        assert_eq!(
            remote
                .local_timeout_as_timeout(Duration::from_secs(1))
                .label(),
            "CANCELLED"
        );
    }
}
