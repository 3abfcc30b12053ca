//! The vtctld gRPC client: endpoints, TLS, static auth, typed and legacy APIs, alias look-up, and
//! retries that rotate through the servers within one deadline.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tokio::time::Instant;
use tonic::metadata::AsciiMetadataValue;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic::{Code, Request, Status};

use crate::alias::TabletAlias;
use crate::cli::Api;
use crate::event::HostPort;
use crate::exit::ExitStatus;
use crate::plan::Target;
use crate::proto::topodata::Tablet;
use crate::proto::vtctldata::{
    ExecuteVtctlCommandRequest, GetTabletRequest, GetTabletsRequest,
    TabletExternallyReparentedRequest,
};
use crate::proto::vtctlservice::vtctl_client::VtctlClient;
use crate::proto::vtctlservice::vtctld_client::VtctldClient;
use crate::settings::{ServerAddr, Settings, TlsSettings};
use crate::tablet_match;

pub const TYPED_REPARENT_METHOD: &str = "/vtctlservice.Vtctld/TabletExternallyReparented";
pub const LEGACY_METHOD: &str = "/vtctlservice.Vtctl/ExecuteVtctlCommand";
pub const GET_TABLETS_METHOD: &str = "/vtctlservice.Vtctld/GetTablets";
pub const GET_TABLET_METHOD: &str = "/vtctlservice.Vtctld/GetTablet";
/// The `rpc` of a reparent attempt in the record, whichever API carried it.
pub const REPARENT_RPC: &str = "TabletExternallyReparented";

/// GetTablets lists every tablet of the cluster; large fleets exceed tonic's 4 MiB default.
const MAX_TABLETS_RESPONSE: usize = 64 * 1024 * 1024;
/// Streamed legacy log lines kept for the record; the rest are counted, not kept.
const MAX_EVENTS: usize = 200;

/// First and largest back-off between attempts (full jitter: a random wait up to the cap).
const BACKOFF_BASE: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);

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

/// One call to one server, for the record.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub rpc: &'static str,
    pub server: String,
    pub api: ApiKind,
    pub status: String,
    pub duration: Duration,
}

impl Attempt {
    pub fn to_json(&self) -> Value {
        json!({
            "rpc": self.rpc,
            "server": self.server,
            "api": self.api.as_str(),
            "status": self.status,
            "ms": millis(self.duration),
        })
    }
}

pub fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
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
    /// Log lines the legacy API streamed back.
    pub events: Vec<String>,
}

/// Why the run could not finish, with the exit status it calls for.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: ExitStatus,
    pub message: String,
}

impl Failure {
    fn new(status: ExitStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

/// The calls the tool makes; each goes through the same retry loop.
#[derive(Debug, Clone)]
enum Rpc {
    GetTablets,
    GetTablet(TabletAlias),
    Reparent(TabletAlias),
}

impl Rpc {
    fn name(&self) -> &'static str {
        match self {
            Self::GetTablets => "GetTablets",
            Self::GetTablet(_) => "GetTablet",
            Self::Reparent(_) => REPARENT_RPC,
        }
    }
}

/// A call's answer. Invariant: `attempt` builds the variant of its `Rpc` (GetTablets → Tablets,
/// GetTablet → Tablet, Reparent → Reparented), so callers may treat any other as unreachable.
enum Reply {
    Tablets(Vec<Tablet>),
    Tablet(Box<Tablet>),
    Reparented(Reparented),
}

enum AttemptError {
    /// The server was never reached (refused, unresolvable, connect timeout).
    Connect(String),
    /// The TLS handshake failed: wrong CA, name or client certificate.
    Tls(String),
    /// The attempt's time ran out.
    Timeout(Duration),
    Status(Status),
}

impl AttemptError {
    /// tonic enforces the `grpc-timeout` it sends and reports its own expiry as CANCELLED
    /// ("Timeout expired"); that is this attempt timing out, not vtctld cancelling anything.
    fn local_timeout_as_timeout(self, budget: Duration) -> Self {
        match self {
            Self::Status(status)
                if status.code() == Code::Cancelled
                    && status.message() == tonic::TimeoutExpired(()).to_string() =>
            {
                Self::Timeout(budget)
            }
            other => other,
        }
    }

    fn label(&self) -> String {
        match self {
            Self::Connect(_) => "CONNECT_ERROR".into(),
            Self::Tls(_) => "TLS_ERROR".into(),
            Self::Timeout(_) => "TIMEOUT".into(),
            Self::Status(status) => code_name(status.code()).into(),
        }
    }

    fn describe(&self, server: &ServerAddr) -> String {
        match self {
            Self::Connect(e) => format!("cannot connect to {server}: {e}"),
            Self::Tls(e) => format!("TLS handshake with {server} failed: {e}"),
            Self::Timeout(t) => format!("{server} did not answer within {} ms", millis(*t)),
            Self::Status(s) => {
                format!("{server} answered {}: {}", code_name(s.code()), s.message())
            }
        }
    }
}

/// gRPC status codes as Vitess and grpc-go print them.
fn code_name(code: Code) -> &'static str {
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

/// What the retry loop does after a failed attempt.
enum Next {
    Retry,
    /// The server lacks the typed API: ask it again, at once, through the legacy one.
    UseLegacy,
    Stop(ExitStatus),
}

#[derive(Debug)]
struct Server {
    addr: ServerAddr,
    endpoint: Endpoint,
    channel: Option<Channel>,
    /// Learnt in `--api auto` when the typed API answered UNIMPLEMENTED.
    legacy_only: bool,
}

/// One run's conversation with vtctld: the servers, the deadline and every attempt made.
pub struct Session {
    servers: Vec<Server>,
    next_server: usize,
    api: Api,
    attempt_timeout: Duration,
    deadline: Instant,
    auth: Option<(AsciiMetadataValue, AsciiMetadataValue)>,
    verbose: bool,
    /// Whether any server was ever reached: tells "unreachable" (69) from "kept failing" (75).
    reached: bool,
    /// Every attempt so far, kept here so an interrupted run can still record them.
    pub attempts: Vec<Attempt>,
    /// The alias the reparent targets, once known (from Orchestrator or the look-up).
    pub alias: Option<TabletAlias>,
    /// The successor's tablet record, when a look-up or verification fetched it.
    pub tablet: Option<Tablet>,
}

impl std::fmt::Debug for Session {
    // Written out so the static auth password can never reach a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("servers", &self.servers)
            .field("api", &self.api)
            .field("deadline", &self.deadline)
            .field("static_auth", &self.auth.is_some())
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Prepares endpoints and credentials; makes no connection. `started` anchors the deadline.
    pub fn new(settings: &Settings, started: Instant, verbose: bool) -> Result<Self> {
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
                    legacy_only: false,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        anyhow::ensure!(
            !servers.is_empty(),
            "no vtctld server given: set --server HOST:PORT or ORC_VITESS_HOOK_SERVER"
        );
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
            next_server: 0,
            api: settings.api,
            attempt_timeout: settings.attempt_timeout,
            deadline: started + settings.deadline,
            auth,
            verbose,
            reached: false,
            attempts: Vec::new(),
            alias: None,
            tablet: None,
        })
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Resolves the target's alias (look-up or verification if asked) and reparents to it.
    pub async fn reparent(&mut self, target: &Target) -> Result<Reparented, Failure> {
        let alias = match target {
            Target::Alias {
                alias,
                verify_against,
            } => {
                self.alias = Some(alias.clone());
                if let Some(successor) = verify_against {
                    self.verify(alias, successor).await?;
                }
                alias.clone()
            }
            Target::Lookup(successor) => {
                let alias = self.look_up(successor).await?;
                self.alias = Some(alias.clone());
                alias
            }
        };
        match self.call(Rpc::Reparent(alias)).await? {
            Reply::Reparented(result) => Ok(result),
            Reply::Tablets(_) | Reply::Tablet(_) => unreachable!("Reparent answers Reparented"),
        }
    }

    /// Finds the one tablet whose MySQL is the successor's host:port.
    async fn look_up(&mut self, successor: &HostPort) -> Result<TabletAlias, Failure> {
        let Reply::Tablets(tablets) = self.call(Rpc::GetTablets).await? else {
            unreachable!("GetTablets answers Tablets")
        };
        let matches: Vec<&Tablet> = tablets
            .iter()
            .filter(|t| tablet_match::tablet_matches(t, successor))
            .collect();
        match matches.as_slice() {
            [tablet] => {
                let alias = tablet.alias.as_ref().map(TabletAlias::from_proto);
                let tablet = (*tablet).clone();
                self.tablet = Some(tablet);
                alias.ok_or_else(|| {
                    Failure::new(
                        ExitStatus::InvalidInput,
                        format!("the tablet of {successor} has no alias in its record"),
                    )
                })
            }
            [] => {
                let candidates: Vec<String> = tablets
                    .iter()
                    .take(20)
                    .map(tablet_match::describe)
                    .collect();
                Err(Failure::new(
                    ExitStatus::InvalidInput,
                    format!(
                        "alias look-up: no tablet has MySQL at {successor}; {} tablets known{}{}",
                        tablets.len(),
                        if candidates.is_empty() { "" } else { ": " },
                        candidates.join(", ")
                    ),
                ))
            }
            several => {
                let candidates: Vec<String> =
                    several.iter().map(|t| tablet_match::describe(t)).collect();
                Err(Failure::new(
                    ExitStatus::InvalidInput,
                    format!(
                        "alias look-up: {} tablets have MySQL at {successor}, refusing to guess: {}",
                        several.len(),
                        candidates.join(", ")
                    ),
                ))
            }
        }
    }

    /// Checks that `alias` is the tablet of the successor's MySQL (catches stale metadata).
    async fn verify(&mut self, alias: &TabletAlias, successor: &HostPort) -> Result<(), Failure> {
        let Reply::Tablet(tablet) = self.call(Rpc::GetTablet(alias.clone())).await? else {
            unreachable!("GetTablet answers Tablet")
        };
        let matches = tablet_match::tablet_matches(&tablet, successor);
        let described = tablet_match::describe(&tablet);
        self.tablet = Some(*tablet);
        if matches {
            Ok(())
        } else {
            Err(Failure::new(
                ExitStatus::InvalidInput,
                format!(
                    "--verify-alias: tablet {described} is not the successor {successor}; \
                     the alias Orchestrator passed may be stale"
                ),
            ))
        }
    }

    fn api_for(&self, server: usize, rpc: &Rpc) -> ApiKind {
        match (rpc, self.api) {
            (Rpc::Reparent(_), Api::Vtctl) => ApiKind::Vtctl,
            (Rpc::Reparent(_), Api::Auto) if self.servers[server].legacy_only => ApiKind::Vtctl,
            _ => ApiKind::Vtctld,
        }
    }

    /// Calls `rpc`, rotating through the servers with back-off until it succeeds, fails for good,
    /// or the deadline passes.
    async fn call(&mut self, rpc: Rpc) -> Result<Reply, Failure> {
        let mut retries: u32 = 0;
        let mut last_error: Option<String> = None;
        loop {
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.deadline_failure(&rpc, last_error));
            }
            let index = self.next_server % self.servers.len();
            let api = self.api_for(index, &rpc);
            let budget = self.attempt_timeout.min(remaining);
            let started = Instant::now();
            let result = tokio::time::timeout(budget, self.attempt(index, &rpc, api, budget))
                .await
                .unwrap_or(Err(AttemptError::Timeout(budget)))
                .map_err(|e| e.local_timeout_as_timeout(budget));
            let server = &self.servers[index].addr;
            self.attempts.push(Attempt {
                rpc: rpc.name(),
                server: server.to_string(),
                api,
                status: result
                    .as_ref()
                    .map_or_else(AttemptError::label, |_| "OK".into()),
                duration: started.elapsed(),
            });
            let error = match result {
                Ok(reply) => return Ok(reply),
                Err(error) => error,
            };
            let message = error.describe(server);
            match self.next_step(&error, &rpc, api) {
                Next::UseLegacy => self.servers[index].legacy_only = true,
                Next::Stop(status) => return Err(Failure::new(status, message)),
                Next::Retry => {
                    self.next_server += 1;
                    let remaining = self.deadline.saturating_duration_since(Instant::now());
                    tokio::time::sleep(backoff(retries).min(remaining)).await;
                    retries += 1;
                }
            }
            last_error = Some(message);
        }
    }

    fn next_step(&self, error: &AttemptError, rpc: &Rpc, api: ApiKind) -> Next {
        let status = match error {
            AttemptError::Connect(_) | AttemptError::Timeout(_) => return Next::Retry,
            AttemptError::Tls(_) => return Next::Stop(ExitStatus::PermissionDenied),
            AttemptError::Status(status) => status,
        };
        match status.code() {
            Code::Unavailable
            | Code::DeadlineExceeded
            | Code::ResourceExhausted
            | Code::Aborted
            | Code::Unknown
            | Code::Internal => Next::Retry,
            Code::Unauthenticated | Code::PermissionDenied => {
                Next::Stop(ExitStatus::PermissionDenied)
            }
            Code::Unimplemented
                if matches!(rpc, Rpc::Reparent(_))
                    && self.api == Api::Auto
                    && api == ApiKind::Vtctld =>
            {
                Next::UseLegacy
            }
            _ => Next::Stop(ExitStatus::Refused),
        }
    }

    fn deadline_failure(&self, rpc: &Rpc, last_error: Option<String>) -> Failure {
        let tried: Vec<String> = self.servers.iter().map(|s| s.addr.to_string()).collect();
        let last = last_error.unwrap_or_else(|| "no attempt could start".into());
        let count = self.attempts.len();
        if self.reached {
            Failure::new(
                ExitStatus::DeadlinePassed,
                format!(
                    "deadline passed: {} did not succeed after {count} attempt{}; last: {last}",
                    rpc.name(),
                    plural(count)
                ),
            )
        } else {
            Failure::new(
                ExitStatus::Unavailable,
                format!(
                    "no vtctld reachable before the deadline ({}; {count} attempt{}); last: {last}",
                    tried.join(", "),
                    plural(count)
                ),
            )
        }
    }

    async fn channel(&mut self, index: usize) -> Result<Channel, AttemptError> {
        let server = &mut self.servers[index];
        if let Some(channel) = &server.channel {
            return Ok(channel.clone());
        }
        let channel = server.endpoint.connect().await.map_err(connect_error)?;
        server.channel = Some(channel.clone());
        self.reached = true;
        Ok(channel)
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

    async fn attempt(
        &mut self,
        index: usize,
        rpc: &Rpc,
        api: ApiKind,
        budget: Duration,
    ) -> Result<Reply, AttemptError> {
        let channel = self.channel(index).await?;
        let server = self.servers[index].addr.to_string();
        match (rpc, api) {
            (Rpc::GetTablets, _) => {
                let request = self.request(GetTabletsRequest::default(), budget);
                let response = VtctldClient::new(channel)
                    .max_decoding_message_size(MAX_TABLETS_RESPONSE)
                    .get_tablets(request)
                    .await;
                Ok(Reply::Tablets(
                    response.map_err(status_error)?.into_inner().tablets,
                ))
            }
            (Rpc::GetTablet(alias), _) => {
                let message = GetTabletRequest {
                    tablet_alias: Some(alias.to_proto()),
                };
                let response = VtctldClient::new(channel)
                    .get_tablet(self.request(message, budget))
                    .await
                    .map_err(status_error)?;
                response
                    .into_inner()
                    .tablet
                    .map(|t| Reply::Tablet(Box::new(t)))
                    .ok_or_else(|| {
                        AttemptError::Status(Status::not_found(format!(
                            "GetTablet answered no tablet for {alias}"
                        )))
                    })
            }
            (Rpc::Reparent(alias), ApiKind::Vtctld) => {
                let message = TabletExternallyReparentedRequest {
                    tablet: Some(alias.to_proto()),
                };
                let answer = VtctldClient::new(channel)
                    .tablet_externally_reparented(self.request(message, budget))
                    .await
                    .map_err(status_error)?
                    .into_inner();
                let non_empty = |s: String| Some(s).filter(|s| !s.is_empty());
                Ok(Reply::Reparented(Reparented {
                    keyspace: non_empty(answer.keyspace),
                    shard: non_empty(answer.shard),
                    new_primary: answer.new_primary.as_ref().map(TabletAlias::from_proto),
                    old_primary: answer.old_primary.as_ref().map(TabletAlias::from_proto),
                    server,
                    api,
                    events: Vec::new(),
                }))
            }
            (Rpc::Reparent(alias), ApiKind::Vtctl) => {
                let message = ExecuteVtctlCommandRequest {
                    args: legacy_args(alias),
                    action_timeout: i64::try_from(budget.as_nanos()).unwrap_or(i64::MAX),
                };
                let mut stream = VtctlClient::new(channel)
                    .execute_vtctl_command(self.request(message, budget))
                    .await
                    .map_err(status_error)?
                    .into_inner();
                let mut events = Vec::new();
                let mut dropped = 0usize;
                while let Some(response) = stream.message().await.map_err(status_error)? {
                    if let Some(event) = response.event {
                        if self.verbose {
                            eprintln!("vtctld {server}: {}", event.value.trim_end());
                        }
                        if events.len() < MAX_EVENTS {
                            events.push(event.value);
                        } else {
                            dropped += 1;
                        }
                    }
                }
                if dropped > 0 {
                    events.push(format!("({dropped} more lines not kept)"));
                }
                Ok(Reply::Reparented(Reparented {
                    keyspace: None,
                    shard: None,
                    new_primary: Some(alias.clone()),
                    old_primary: None,
                    server,
                    api,
                    events,
                }))
            }
        }
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

/// Tells a TLS failure (not worth retrying) from a plain connection failure.
fn connect_error(error: tonic::transport::Error) -> AttemptError {
    if let Some(tls) = tls_failure(&error) {
        return AttemptError::Tls(tls);
    }
    let innermost =
        std::iter::successors(Some(&error as &(dyn std::error::Error + 'static)), |e| {
            e.source()
        })
        .last()
        .map_or_else(|| error.to_string(), ToString::to_string);
    AttemptError::Connect(innermost)
}

/// A status caused by a TLS failure (e.g. the server refused our client certificate after the
/// handshake) is a TLS failure too.
fn status_error(status: Status) -> AttemptError {
    match tls_failure(&status) {
        Some(tls) => AttemptError::Tls(tls),
        None => AttemptError::Status(status),
    }
}

/// The rustls error somewhere in `error`'s source chain (io::Error hides it behind `get_ref`).
fn tls_failure(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    std::iter::successors(Some(error), |e| e.source()).find_map(|current| {
        current
            .downcast_ref::<rustls::Error>()
            .or_else(|| {
                current
                    .downcast_ref::<std::io::Error>()
                    .and_then(|io| io.get_ref())
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            })
            .map(ToString::to_string)
    })
}

/// Exponential back-off with full jitter: a random wait in [0, min(5 s, 100 ms × 2^retries)].
fn backoff(retries: u32) -> Duration {
    let cap = BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(retries))
        .min(BACKOFF_MAX);
    // RandomState is seeded randomly per process: enough randomness for jitter, no extra crate.
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u32(retries);
    let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    cap.mul_f64(fraction)
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_within_its_cap() {
        for retries in 0..40 {
            let cap = (BACKOFF_BASE * 2u32.saturating_pow(retries.min(20))).min(BACKOFF_MAX);
            for _ in 0..20 {
                assert!(backoff(retries) <= cap, "retry {retries}");
            }
        }
        let spread: std::collections::HashSet<u128> =
            (0..20).map(|_| backoff(6).as_micros()).collect();
        assert!(spread.len() > 10, "jitter should vary: {spread:?}");
    }

    #[test]
    fn legacy_args_use_the_padded_alias() {
        let alias: TabletAlias = "zone1-101".parse().unwrap();
        assert_eq!(
            legacy_args(&alias),
            ["TabletExternallyReparented", "zone1-0000000101"]
        );
    }
}
