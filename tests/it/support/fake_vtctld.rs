//! A fake vtctld: a real tonic gRPC server on 127.0.0.1 speaking Vitess's wire format for both
//! the typed `Vtctld` and the legacy `Vtctl` service, with switchable behaviour, recording every
//! request it receives. Shared by the integration tests, the benchmark and
//! `cargo run --example fake-vtctld`.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use orc_vitess_hook::proto::logutil::{Event, Level};
use orc_vitess_hook::proto::topodata::{Tablet, TabletAlias, TabletType};
use orc_vitess_hook::proto::vtctldata::{
    ExecuteVtctlCommandRequest, ExecuteVtctlCommandResponse, GetCellInfoNamesRequest,
    GetCellInfoNamesResponse, GetTabletRequest, GetTabletResponse, GetTabletsRequest,
    GetTabletsResponse, TabletExternallyReparentedRequest, TabletExternallyReparentedResponse,
};
use orc_vitess_hook::proto::vttime::Time;
use server_stubs::vtctl_server::{Vtctl, VtctlServer};
use server_stubs::vtctld_server::{Vtctld, VtctldServer};
use tokio_stream::Stream;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic::{Code, Request, Response, Status};

/// The gRPC server stubs build.rs generates for the tests only (kept out of the shipped binary).
#[allow(clippy::all, missing_debug_implementations)]
mod server_stubs {
    include!(concat!(env!("OUT_DIR"), "/server/vtctlservice.rs"));
}

/// How the fake answers. Change it at any time through [`FakeVtctld::behaviour`].
#[derive(Debug, Clone)]
pub struct Behaviour {
    /// Serve the typed Vtctld service (current Vitess); otherwise answer UNIMPLEMENTED.
    pub typed: bool,
    /// Serve the legacy Vtctl service (old Vitess); otherwise answer UNIMPLEMENTED.
    pub legacy: bool,
    /// Answer every call UNIMPLEMENTED without naming a missing service, like something that
    /// is no vtctld (a proxy's HTTP 404 reaches the client that way).
    pub not_vtctld: bool,
    /// Codes to answer reparent calls (either API) with, one per call, before answering normally.
    pub script: VecDeque<Code>,
    /// The message of scripted errors, instead of "scripted <code>".
    pub script_message: Option<String>,
    /// Accept every call and never answer it.
    pub hang: bool,
    /// Required static auth `(username, password)`: missing → UNAUTHENTICATED, wrong → PERMISSION_DENIED.
    pub auth: Option<(String, String)>,
    pub tablets: Vec<Tablet>,
    /// Cells whose topology cannot be read: a strict GetTablets fails naming one, as vtctld
    /// does; any other leaves their tablets out.
    pub unreadable_cells: Vec<String>,
    /// Codes to answer GetTablets with, one per call, before answering normally.
    pub tablets_script: VecDeque<Code>,
    /// End the legacy stream with this status after its event lines.
    pub legacy_stream_error: Option<Code>,
    /// The shard records' primaries, once a reparent has set them; before that, a shard's first
    /// PRIMARY tablet.
    pub shard_primaries: HashMap<(String, String), TabletAlias>,
    /// Primary terms started by reparents, in order (tablets PRIMARY from the start have 0).
    pub primary_terms: HashMap<(String, u32), u64>,
    /// How long every call takes before it is answered (the benchmark's loaded vtctld).
    pub delay: Duration,
    /// Answer the legacy listings (ListShardTablets, ListAllTablets) as vtctl prints them; an
    /// old vtctld without them answers "unknown command".
    pub legacy_listing: bool,
    /// Every Nth reparent call (either API) answers UNAVAILABLE; 0 never does.
    pub unavailable_every: u32,
    /// Reparent calls received so far, for `unavailable_every`.
    pub reparent_calls: u32,
    /// A newer failover: once this many tablet listings (either API) have been answered, the
    /// tablet becomes its shard's PRIMARY with a newer primary term, as a reparent makes it.
    pub newer_primary_after: Option<(u32, TabletAlias)>,
    /// Tablet listings received so far, for `newer_primary_after`.
    pub listings: u32,
}

impl Behaviour {
    /// The primary the shard record names, as vtctld answers it as `old_primary`.
    pub fn shard_primary(&self, keyspace: &str, shard: &str) -> Option<TabletAlias> {
        self.shard_primaries
            .get(&(keyspace.to_owned(), shard.to_owned()))
            .cloned()
            .or_else(|| {
                self.tablets
                    .iter()
                    .find(|t| {
                        t.keyspace == keyspace
                            && t.shard == shard
                            && t.r#type == TabletType::Primary as i32
                    })
                    .and_then(|t| t.alias.clone())
            })
    }
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            typed: true,
            legacy: true,
            not_vtctld: false,
            script: VecDeque::new(),
            script_message: None,
            hang: false,
            auth: None,
            tablets: demo_tablets(),
            tablets_script: VecDeque::new(),
            unreadable_cells: Vec::new(),
            legacy_stream_error: None,
            shard_primaries: HashMap::new(),
            primary_terms: HashMap::new(),
            delay: Duration::ZERO,
            legacy_listing: true,
            unavailable_every: 0,
            reparent_calls: 0,
            newer_primary_after: None,
            listings: 0,
        }
    }
}

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// gRPC method path, e.g. `/vtctlservice.Vtctld/TabletExternallyReparented`.
    pub method: &'static str,
    /// The tablet alias the request names, as `cell-uid` (unpadded parts).
    pub tablet: Option<(String, u32)>,
    /// Legacy `args`.
    pub args: Vec<String>,
    /// Legacy `action_timeout`, nanoseconds.
    pub action_timeout: i64,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The `grpc-timeout` header the client sent, if any.
    pub grpc_timeout: Option<String>,
    /// GetTablets' keyspace and shard filter (empty when unfiltered).
    pub filter: (String, String),
    /// GetTablets' cells (empty when every cell).
    pub cells: Vec<String>,
    /// GetTablets' `strict`.
    pub strict: bool,
    pub at: Instant,
}

#[derive(Debug, Clone, Default)]
struct Service {
    behaviour: Arc<Mutex<Behaviour>>,
    received: Arc<Mutex<Vec<Received>>>,
}

/// TLS material for the fake's listener.
#[derive(Debug, Clone)]
pub struct ServerTls {
    pub cert_pem: String,
    pub key_pem: String,
    /// Require client certificates signed by this CA (mutual TLS).
    pub client_ca_pem: Option<String>,
}

/// A running fake vtctld. Dropping it stops accepting new connections.
#[derive(Debug)]
pub struct FakeVtctld {
    pub addr: SocketAddr,
    service: Service,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FakeVtctld {
    pub fn start(behaviour: Behaviour) -> Self {
        Self::start_on(
            "127.0.0.1:0".parse().expect("literal address"),
            behaviour,
            None,
        )
    }

    pub fn start_tls(behaviour: Behaviour, tls: ServerTls) -> Self {
        Self::start_on(
            "127.0.0.1:0".parse().expect("literal address"),
            behaviour,
            Some(tls),
        )
    }

    pub fn start_on(bind: SocketAddr, behaviour: Behaviour, tls: Option<ServerTls>) -> Self {
        let service = Service {
            behaviour: Arc::new(Mutex::new(behaviour)),
            received: Arc::default(),
        };
        let shared = service.clone();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("fake vtctld runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(bind)
                    .await
                    .expect("fake vtctld bind");
                addr_tx
                    .send(listener.local_addr().expect("local addr"))
                    .expect("send addr");
                let mut builder = Server::builder();
                if let Some(tls) = tls {
                    let mut config = ServerTlsConfig::new()
                        .identity(Identity::from_pem(&tls.cert_pem, &tls.key_pem));
                    if let Some(ca) = &tls.client_ca_pem {
                        config = config.client_ca_root(Certificate::from_pem(ca));
                    }
                    builder = builder.tls_config(config).expect("fake vtctld TLS");
                }
                // Like grpc-go's vtctld, answer without Nagle's delay.
                let incoming = tokio_stream::StreamExt::map(
                    tokio_stream::wrappers::TcpListenerStream::new(listener),
                    |stream| {
                        stream.inspect(|s| {
                            let _ = s.set_nodelay(true);
                        })
                    },
                );
                let _ = builder
                    .add_service(VtctldServer::new(service.clone()))
                    .add_service(VtctlServer::new(service))
                    .serve_with_incoming_shutdown(incoming, async {
                        let _ = shutdown_rx.await;
                    })
                    .await;
            });
        });
        let addr = addr_rx.recv().expect("fake vtctld started");
        Self {
            addr,
            service: shared,
            shutdown: Some(shutdown_tx),
        }
    }

    /// `127.0.0.1:PORT`, as `--server` takes it.
    pub fn server(&self) -> String {
        self.addr.to_string()
    }

    pub fn behaviour(&self) -> MutexGuard<'_, Behaviour> {
        lock(&self.service.behaviour)
    }

    pub fn received(&self) -> Vec<Received> {
        lock(&self.service.received).clone()
    }

    /// Requests for one method path.
    pub fn received_for(&self, method: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.method == method)
            .collect()
    }

    /// The tablets typed TabletExternallyReparented calls named, in order, as `cell-uid` with
    /// the uid padded the way Vitess prints it.
    /// The aliases of every reparent request, through either API, in order.
    pub fn reparented(&self) -> Vec<String> {
        self.received()
            .iter()
            .filter_map(|r| match r.method {
                "/vtctlservice.Vtctld/TabletExternallyReparented" => r
                    .tablet
                    .as_ref()
                    .map(|(cell, uid)| format!("{cell}-{uid:010}")),
                _ => r
                    .args
                    .first()
                    .filter(|command| *command == "TabletExternallyReparented")
                    .and_then(|_| r.args.get(1).cloned()),
            })
            .collect()
    }

    /// Legacy requests that were reparents (not listings).
    pub fn legacy_reparents(&self) -> Vec<Received> {
        self.received_for("/vtctlservice.Vtctl/ExecuteVtctlCommand")
            .into_iter()
            .filter(|r| {
                r.args
                    .first()
                    .is_some_and(|c| c == "TabletExternallyReparented")
            })
            .collect()
    }

    /// Waits until the fake has received `n` requests (for tests that act mid-call).
    pub fn wait_for_requests(&self, n: usize, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.received().len() >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }
}

impl Drop for FakeVtctld {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Where the fake's primary terms count from: 2026-01-01T00:00:00Z, so term 1 starts at
/// 2026-01-01T00:00:01Z.
pub const TERM_ORIGIN: i64 = 1_767_225_600;

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

type EventStream = Pin<Box<dyn Stream<Item = Result<ExecuteVtctlCommandResponse, Status>> + Send>>;

impl Service {
    /// Logs the request, then applies the behaviour common to every method: hang, auth.
    async fn receive<T>(
        &self,
        method: &'static str,
        request: &Request<T>,
        tablet: Option<&TabletAlias>,
        legacy: Option<&ExecuteVtctlCommandRequest>,
    ) -> Result<Behaviour, Status> {
        let text = |key: &str| {
            request
                .metadata()
                .get(key)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        lock(&self.received).push(Received {
            method,
            tablet: tablet.map(|a| (a.cell.clone(), a.uid)),
            args: legacy.map(|l| l.args.clone()).unwrap_or_default(),
            action_timeout: legacy.map_or(0, |l| l.action_timeout),
            username: text("username"),
            password: text("password"),
            grpc_timeout: text("grpc-timeout"),
            filter: Default::default(),
            cells: Vec::new(),
            strict: false,
            at: Instant::now(),
        });
        // Everything but the tablets, which fleets of 10,000 make costly to copy per call; the
        // methods that list tablets read them under the lock.
        let behaviour = {
            let mut shared = lock(&self.behaviour);
            let tablets = std::mem::take(&mut shared.tablets);
            let copy = shared.clone();
            shared.tablets = tablets;
            copy
        };
        if behaviour.not_vtctld {
            return Err(Status::unimplemented(
                "grpc-status header missing, mapped from HTTP status code 404",
            ));
        }
        if behaviour.hang {
            std::future::pending::<()>().await;
        }
        if !behaviour.delay.is_zero() {
            tokio::time::sleep(behaviour.delay).await;
        }
        if let Some((user, password)) = &behaviour.auth {
            match (text("username"), text("password")) {
                (Some(u), Some(p)) if &u == user && &p == password => {}
                (None, _) | (_, None) => {
                    return Err(Status::unauthenticated(
                        "username and password must be provided",
                    ));
                }
                _ => {
                    return Err(Status::permission_denied(
                        "auth failure: invalid credentials",
                    ));
                }
            }
        }
        Ok(behaviour)
    }

    /// The next scripted answer for a reparent call, if any.
    fn scripted(&self) -> Result<(), Status> {
        let mut behaviour = lock(&self.behaviour);
        behaviour.reparent_calls = behaviour.reparent_calls.wrapping_add(1);
        if behaviour.unavailable_every > 0
            && behaviour
                .reparent_calls
                .is_multiple_of(behaviour.unavailable_every)
        {
            return Err(Status::unavailable("loaded: try again"));
        }
        match behaviour.script.pop_front() {
            Some(Code::Ok) | None => Ok(()),
            Some(code) => Err(Status::new(
                code,
                behaviour
                    .script_message
                    .clone()
                    .unwrap_or_else(|| format!("scripted {code:?}")),
            )),
        }
    }

    /// Counts a tablet listing, and makes the newer failover of `newer_primary_after` happen
    /// before the listing it is due for is answered.
    fn listing(&self) {
        let due = {
            let mut behaviour = lock(&self.behaviour);
            let count = behaviour.listings;
            behaviour.listings += 1;
            match &behaviour.newer_primary_after {
                Some((after, tablet)) if *after == count => Some(tablet.clone()),
                _ => None,
            }
        };
        if let Some(tablet) = due {
            let _ = self.reparent(&tablet);
        }
    }

    /// What vtctld v0.24 does (tests/interop pins it): whatever the tablet's type, it becomes
    /// PRIMARY with a new primary term and the shard record's primary; the old primary's record
    /// is left as it is (its vttablet is dead), and GetTablets then reports it as UNKNOWN, its
    /// term being older. A tablet already PRIMARY in its record is a no-op. The answer's
    /// `old_primary` is the shard record's primary.
    fn reparent(&self, new: &TabletAlias) -> Result<(String, String, Option<TabletAlias>), Status> {
        let mut behaviour = lock(&self.behaviour);
        let tablet = behaviour
            .tablets
            .iter_mut()
            .find(|t| t.alias.as_ref() == Some(new))
            .ok_or_else(|| {
                Status::unknown(format!(
                    "node doesn't exist: tablets/{}-{:010}/Tablet",
                    new.cell, new.uid
                ))
            })?;
        let (keyspace, shard) = (tablet.keyspace.clone(), tablet.shard.clone());
        let already = tablet.r#type == TabletType::Primary as i32;
        tablet.r#type = TabletType::Primary as i32;
        let old = behaviour.shard_primary(&keyspace, &shard);
        if !already {
            behaviour
                .shard_primaries
                .insert((keyspace.clone(), shard.clone()), new.clone());
            let term = behaviour.primary_terms.values().max().copied().unwrap_or(0) + 1;
            behaviour
                .primary_terms
                .insert((new.cell.clone(), new.uid), term);
        }
        Ok((keyspace, shard, old))
    }
}

#[tonic::async_trait]
impl Vtctld for Service {
    async fn get_cell_info_names(
        &self,
        request: Request<GetCellInfoNamesRequest>,
    ) -> Result<Response<GetCellInfoNamesResponse>, Status> {
        let behaviour = self
            .receive(
                "/vtctlservice.Vtctld/GetCellInfoNames",
                &request,
                None,
                None,
            )
            .await?;
        if !behaviour.typed {
            return Err(Status::unimplemented("unknown service vtctlservice.Vtctld"));
        }
        Ok(Response::new(GetCellInfoNamesResponse {
            names: vec!["zone1".into()],
        }))
    }

    async fn get_tablet(
        &self,
        request: Request<GetTabletRequest>,
    ) -> Result<Response<GetTabletResponse>, Status> {
        let wanted = request.get_ref().tablet_alias.clone();
        let behaviour = self
            .receive(
                "/vtctlservice.Vtctld/GetTablet",
                &request,
                wanted.as_ref(),
                None,
            )
            .await?;
        if !behaviour.typed {
            return Err(Status::unimplemented("unknown service vtctlservice.Vtctld"));
        }
        let tablet = lock(&self.behaviour)
            .tablets
            .iter()
            .find(|t| t.alias.is_some() && t.alias == wanted)
            .cloned()
            .ok_or_else(|| {
                let (cell, uid) = wanted
                    .as_ref()
                    .map_or(("", 0), |a| (a.cell.as_str(), a.uid));
                Status::unknown(format!(
                    "node doesn't exist: tablets/{cell}-{uid:010}/Tablet"
                ))
            })?;
        Ok(Response::new(GetTabletResponse {
            tablet: Some(tablet),
        }))
    }

    async fn get_tablets(
        &self,
        request: Request<GetTabletsRequest>,
    ) -> Result<Response<GetTabletsResponse>, Status> {
        let filter = request.get_ref().clone();
        let behaviour = self
            .receive("/vtctlservice.Vtctld/GetTablets", &request, None, None)
            .await;
        if let Some(last) = lock(&self.received).last_mut() {
            last.filter = (filter.keyspace.clone(), filter.shard.clone());
            last.strict = filter.strict;
            last.cells = filter.cells.clone();
        }
        let behaviour = behaviour?;
        if !behaviour.typed {
            return Err(Status::unimplemented("unknown service vtctlservice.Vtctld"));
        }
        self.listing();
        if let Some(code) = lock(&self.behaviour).tablets_script.pop_front()
            && code != Code::Ok
        {
            return Err(Status::new(code, format!("scripted {code:?}")));
        }
        // Like vtctld, a shard without a keyspace is ignored: everything is listed.
        let filter = GetTabletsRequest {
            shard: if filter.keyspace.is_empty() {
                String::new()
            } else {
                filter.shard
            },
            ..filter
        };
        let shared = lock(&self.behaviour);
        let behaviour = &*shared;
        // vtctld reads a shard's tablet map from the shard record; a shard that does not exist
        // is the topology's NoNode error, which vtctld passes on as a plain Go error (UNKNOWN).
        if !filter.shard.is_empty()
            && !behaviour
                .tablets
                .iter()
                .any(|t| t.keyspace == filter.keyspace && t.shard == filter.shard)
        {
            return Err(Status::unknown(format!(
                "GetTabletMapForShard({}, {}) failed: node doesn't exist: keyspaces/{}/shards/{}/Shard",
                filter.keyspace, filter.shard, filter.keyspace, filter.shard
            )));
        }
        let unreadable = behaviour
            .unreadable_cells
            .iter()
            .find(|c| filter.cells.is_empty() || filter.cells.contains(c));
        if let (Some(cell), true) = (unreadable, filter.strict) {
            // What vtctld answers, as plain Go errors: tests/it/interop.rs pins the shard form.
            return Err(Status::unknown(if filter.shard.is_empty() {
                format!("node doesn't exist: /vitess/{cell}/tablets")
            } else {
                format!(
                    "GetTabletMapForShard({}, {}) failed: partial result: {cell}",
                    filter.keyspace, filter.shard
                )
            }));
        }
        // A PRIMARY whose term started before another PRIMARY's of the same shard is a stale
        // one: vtctld reports it as UNKNOWN.
        let term = |t: &Tablet| {
            t.alias
                .as_ref()
                .and_then(|a| behaviour.primary_terms.get(&(a.cell.clone(), a.uid)))
                .copied()
                .unwrap_or(0)
        };
        // The newest primary term of each shard, in one pass (fleets run to 10,000 tablets).
        let mut newest: HashMap<(&str, &str), u64> = HashMap::new();
        for t in &behaviour.tablets {
            if t.r#type == TabletType::Primary as i32 {
                let entry = newest.entry((&t.keyspace, &t.shard)).or_insert(0);
                *entry = (*entry).max(term(t));
            }
        }
        let stale = |t: &Tablet| {
            t.r#type == TabletType::Primary as i32
                && newest
                    .get(&(t.keyspace.as_str(), t.shard.as_str()))
                    .is_some_and(|&max| max > term(t))
        };
        let tablets = behaviour
            .tablets
            .iter()
            .filter(|t| filter.keyspace.is_empty() || t.keyspace == filter.keyspace)
            .filter(|t| filter.shard.is_empty() || t.shard == filter.shard)
            .filter(|t| {
                filter.cells.is_empty()
                    || t.alias
                        .as_ref()
                        .is_some_and(|a| filter.cells.contains(&a.cell))
            })
            // Not strict: an unreadable cell's tablets are silently left out.
            .filter(|t| {
                t.alias
                    .as_ref()
                    .is_none_or(|a| !behaviour.unreadable_cells.contains(&a.cell))
            })
            .cloned()
            .map(|mut t| {
                if stale(&t) {
                    t.r#type = TabletType::Unknown as i32;
                }
                // A term a reparent started, as vtctld reports it (a PRIMARY from the start
                // keeps the record it was given).
                if t.r#type == TabletType::Primary as i32
                    && t.primary_term_start_time.is_none()
                    && let Some(started) = t
                        .alias
                        .as_ref()
                        .and_then(|a| behaviour.primary_terms.get(&(a.cell.clone(), a.uid)))
                {
                    t.primary_term_start_time = Some(Time {
                        seconds: TERM_ORIGIN + i64::try_from(*started).unwrap_or(0),
                        nanoseconds: 0,
                    });
                }
                t
            })
            .collect();
        Ok(Response::new(GetTabletsResponse { tablets }))
    }

    async fn tablet_externally_reparented(
        &self,
        request: Request<TabletExternallyReparentedRequest>,
    ) -> Result<Response<TabletExternallyReparentedResponse>, Status> {
        let tablet = request.get_ref().tablet.clone();
        let behaviour = self
            .receive(
                "/vtctlservice.Vtctld/TabletExternallyReparented",
                &request,
                tablet.as_ref(),
                None,
            )
            .await?;
        if !behaviour.typed {
            return Err(Status::unimplemented("unknown service vtctlservice.Vtctld"));
        }
        self.scripted()?;
        let tablet = tablet.ok_or_else(|| {
            Status::invalid_argument("TabletExternallyReparentedRequest.Tablet must not be nil")
        })?;
        let (keyspace, shard, old_primary) = self.reparent(&tablet)?;
        Ok(Response::new(TabletExternallyReparentedResponse {
            keyspace,
            shard,
            new_primary: Some(tablet),
            old_primary,
        }))
    }
}

#[tonic::async_trait]
impl Vtctl for Service {
    type ExecuteVtctlCommandStream = EventStream;

    async fn execute_vtctl_command(
        &self,
        request: Request<ExecuteVtctlCommandRequest>,
    ) -> Result<Response<EventStream>, Status> {
        let legacy = request.get_ref().clone();
        let behaviour = self
            .receive(
                "/vtctlservice.Vtctl/ExecuteVtctlCommand",
                &request,
                None,
                Some(&legacy),
            )
            .await?;
        if !behaviour.legacy {
            return Err(Status::unimplemented("unknown service vtctlservice.Vtctl"));
        }
        if legacy.args == ["GetCellInfoNames"] {
            let line = Ok(ExecuteVtctlCommandResponse {
                event: Some(Event {
                    time: None,
                    level: Level::Console as i32,
                    file: String::new(),
                    line: 0,
                    value: "zone1\n".into(),
                }),
            });
            return Ok(Response::new(Box::pin(tokio_stream::iter(vec![line]))));
        }
        if let Some(command @ ("ListShardTablets" | "ListAllTablets")) =
            legacy.args.first().map(String::as_str)
        {
            if !behaviour.legacy_listing {
                return Err(Status::unknown(format!("unknown command: {command}")));
            }
            let shard = legacy.args.get(1).and_then(|s| s.split_once('/'));
            if let (Some(last), Some((keyspace, shard))) = (lock(&self.received).last_mut(), shard)
            {
                last.filter = (keyspace.to_owned(), shard.to_owned());
            }
            self.listing();
            if let Some(code) = lock(&self.behaviour).tablets_script.pop_front()
                && code != Code::Ok
            {
                return Err(Status::new(code, format!("scripted {code:?}")));
            }
            let lines = legacy_lines(&lock(&self.behaviour), shard)
                .into_iter()
                .map(|value| {
                    Ok(ExecuteVtctlCommandResponse {
                        event: Some(Event {
                            time: None,
                            level: Level::Console as i32,
                            file: String::new(),
                            line: 0,
                            value,
                        }),
                    })
                })
                .collect::<Vec<_>>();
            return Ok(Response::new(Box::pin(tokio_stream::iter(lines))));
        }
        self.scripted()?;
        let [command, target] = legacy.args.as_slice() else {
            return Err(Status::invalid_argument(format!(
                "unexpected args {:?}",
                legacy.args
            )));
        };
        if command != "TabletExternallyReparented" {
            return Err(Status::invalid_argument(format!(
                "unknown command: {command}"
            )));
        }
        let (cell, uid) = target
            .split_once('-')
            .and_then(|(cell, uid)| Some((cell.to_owned(), uid.parse::<u32>().ok()?)))
            .ok_or_else(|| Status::invalid_argument(format!("invalid tablet alias: {target}")))?;
        let (keyspace, shard, old) = self.reparent(&alias(&cell, uid))?;
        let line = |value: String| {
            Ok(ExecuteVtctlCommandResponse {
                event: Some(Event {
                    time: None,
                    level: Level::Info as i32,
                    file: "reparent.go".into(),
                    line: 1,
                    value,
                }),
            })
        };
        let events = vec![
            line(format!(
                "TabletExternallyReparented: {target} in {keyspace}/{shard}"
            )),
            line(format!(
                "old primary: {}",
                old.map_or_else(
                    || "none".to_owned(),
                    |a| format!("{}-{:010}", a.cell, a.uid)
                )
            )),
        ];
        let mut events = events;
        if let Some(code) = behaviour.legacy_stream_error {
            events.push(Err(Status::new(
                code,
                format!("scripted stream end {code:?}"),
            )));
        }
        Ok(Response::new(Box::pin(tokio_stream::iter(events))))
    }
}

/// The tablets as vtctl's ListShardTablets / ListAllTablets print them: alias, keyspace, shard,
/// type in lower case, tablet address, MySQL address, tags, primary term start (RFC 3339, or
/// `<null>`). Primary terms count seconds from 2026-01-01 (a PRIMARY from the start has term 0).
fn legacy_lines(behaviour: &Behaviour, shard: Option<(&str, &str)>) -> Vec<String> {
    behaviour
        .tablets
        .iter()
        .filter(|t| shard.is_none_or(|(k, s)| t.keyspace == k && t.shard == s))
        .map(|t| {
            let alias = t
                .alias
                .as_ref()
                .map_or_else(String::new, |a| format!("{}-{:010}", a.cell, a.uid));
            let kind = TabletType::try_from(t.r#type)
                .map_or("unknown", |k| k.as_str_name())
                .to_ascii_lowercase();
            let host = if t.mysql_hostname.contains(':') {
                format!("[{}]", t.mysql_hostname)
            } else {
                t.mysql_hostname.clone()
            };
            let term = if t.r#type == TabletType::Primary as i32 {
                let started = t
                    .alias
                    .as_ref()
                    .and_then(|a| behaviour.primary_terms.get(&(a.cell.clone(), a.uid)))
                    .copied()
                    .unwrap_or(0);
                let at = TERM_ORIGIN + i64::try_from(started).unwrap_or(0);
                chrono::DateTime::from_timestamp(at, 0).map_or_else(
                    || "<null>".to_owned(),
                    |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                )
            } else {
                "<null>".to_owned()
            };
            format!(
                "{alias} {} {} {kind} {}:15100 {host}:{} [] {term}\n",
                t.keyspace, t.shard, t.hostname, t.mysql_port
            )
        })
        .collect()
}

pub fn alias(cell: &str, uid: u32) -> TabletAlias {
    TabletAlias {
        cell: cell.into(),
        uid,
    }
}

/// A tablet record as current Vitess writes it (`mysql_hostname`/`mysql_port`), in commerce/0.
pub fn tablet(uid: u32, mysql_host: &str, mysql_port: i32, kind: TabletType) -> Tablet {
    tablet_in("commerce", "0", uid, mysql_host, mysql_port, kind)
}

pub fn tablet_in(
    keyspace: &str,
    shard: &str,
    uid: u32,
    mysql_host: &str,
    mysql_port: i32,
    kind: TabletType,
) -> Tablet {
    Tablet {
        alias: Some(alias("zone1", uid)),
        hostname: format!("vttablet-{uid}"),
        keyspace: keyspace.into(),
        shard: shard.into(),
        r#type: kind as i32,
        mysql_hostname: mysql_host.into(),
        mysql_port,
        ..Tablet::default()
    }
}

/// The demo fleet. commerce/0: zone1-100 primary on db1, replica zone1-101 (db2), rdonly
/// zone1-102 (db3). customer/-80: zone1-200 primary on db4, replica zone1-201 on db2.other.net
/// (the same short name as commerce's db2), drained zone1-202 (db6). All MySQL on port 3306.
pub fn demo_tablets() -> Vec<Tablet> {
    vec![
        tablet(100, "db1.example.com", 3306, TabletType::Primary),
        tablet(101, "db2.example.com", 3306, TabletType::Replica),
        tablet(102, "db3.example.com", 3306, TabletType::Rdonly),
        tablet_in(
            "customer",
            "-80",
            200,
            "db4.example.com",
            3306,
            TabletType::Primary,
        ),
        tablet_in(
            "customer",
            "-80",
            201,
            "db2.other.net",
            3306,
            TabletType::Replica,
        ),
        tablet_in(
            "customer",
            "-80",
            202,
            "db6.example.com",
            3306,
            TabletType::Drained,
        ),
    ]
}

/// A fleet of `shards` shards of `per_shard` tablets each (the first of each shard primary), on
/// MySQL hosts `db-<shard>-<n>.example.com:3306`, for look-ups at scale.
pub fn large_fleet(shards: u32, per_shard: u32) -> Vec<Tablet> {
    (0..shards)
        .flat_map(|s| {
            (0..per_shard).map(move |n| {
                let kind = if n == 0 {
                    TabletType::Primary
                } else {
                    TabletType::Replica
                };
                tablet_in(
                    "fleet",
                    &format!("s{s}"),
                    10_000 + s * per_shard + n,
                    &format!("db-{s}-{n}.example.com"),
                    3306,
                    kind,
                )
            })
        })
        .collect()
}
