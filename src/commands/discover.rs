//! `discover`: what Vitess's tablets once told Orchestrator themselves. From vtctld's tablet
//! list, every MySQL instance is registered (`discover`), given its promotion rule
//! (`register-candidate`), and every shard's cluster is given its `keyspace.shard` alias
//! (`set-cluster-alias`). One pass, or one every `--interval` until a signal.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::IgnoredAny;
use serde_json::{Value, json};

use crate::cli::DiscoverArgs;
use crate::connection::ConnectionSettings;
use crate::exit::{ExitStatus, Failure, FailureKind};
use crate::orchestrator_api::{self, ApiError, OrchestratorApi};
use crate::output;
use crate::output::OutputFormat;
use crate::proto::topodata::{Tablet, TabletType};
use crate::proto::vtctldata::GetTabletsRequest;
use crate::recorder;
use crate::settings::{Problems, Setting};
use crate::signals;
use crate::tablet::{self, Shard};
use crate::vtctld::{Client, Rpc, Session};

const RULES: Setting = Setting::new("--promotion-rule", "ORC_VITESS_HOOK_PROMOTION_RULES");
const CONCURRENCY: Setting = Setting::new("--concurrency", "ORC_VITESS_HOOK_CONCURRENCY");
const INTERVAL: Setting = Setting::new("--interval", "ORC_VITESS_HOOK_INTERVAL");
const EXPIRY: Setting = Setting::new("--candidate-expiry", "(no variable)");
const FORGET_AFTER: Setting = Setting::new("--forget-after", "ORC_VITESS_HOOK_FORGET_AFTER");
const FORGET_MAX_SHRINK: Setting =
    Setting::new("--forget-max-shrink", "ORC_VITESS_HOOK_FORGET_MAX_SHRINK");

/// Orchestrator's promotion rules, from the most to the least promotable: of two rules, the
/// later one is the more restrictive.
const RULE_NAMES: &[&str] = &["prefer", "neutral", "prefer_not", "must_not"];

/// How long a stopping run waits for the calls in flight.
const STOP_WAIT: Duration = Duration::from_secs(1);

/// One MySQL instance to register: one endpoint, whatever the number of tablets naming it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Instance {
    host: String,
    port: u16,
    rule: &'static str,
    /// The tablets naming this endpoint, described, comma-separated.
    tablet: String,
    #[serde(skip)]
    tablets: Vec<String>,
    #[serde(skip)]
    types: BTreeSet<i32>,
    /// The shards of those tablets, as `keyspace/shard`.
    #[serde(skip)]
    shards: BTreeSet<String>,
}

impl Instance {
    fn key(&self) -> String {
        crate::endpoint::HostPort {
            host: self.host.clone(),
            port: self.port,
        }
        .to_string()
    }
}

/// Of two promotion rules, the more restrictive.
fn stricter(a: &'static str, b: &'static str) -> &'static str {
    let rank = |rule| RULE_NAMES.iter().position(|r| *r == rule);
    if rank(b) > rank(a) { b } else { a }
}

/// What one pass is to do.
#[derive(Debug, Default)]
struct Plan {
    instances: Vec<Instance>,
    /// Tablets without a usable MySQL endpoint, described with the reason.
    skipped: Vec<String>,
    /// Every shard, with its primary's instance when it has one.
    shards: BTreeMap<String, Option<usize>>,
    /// Shards listing more than one PRIMARY: their alias is not set.
    ambiguous: BTreeMap<String, Vec<String>>,
    /// Endpoints named by tablets of different types, described.
    warnings: Vec<String>,
}

/// What Orchestrator answered `discover` for each registered instance (by index in the plan):
/// its cluster's name, and the key it stores the instance under (it may resolve host names).
type Registered = BTreeMap<usize, Answered>;

#[derive(Debug)]
struct Answered {
    cluster: Option<String>,
    key: Option<(String, u16)>,
}

impl Answered {
    fn of(details: Option<&orchestrator_api::Instance>) -> Self {
        Self {
            cluster: details
                .and_then(|d| d.cluster_name.clone())
                .filter(|c| !c.is_empty()),
            key: details
                .and_then(|d| d.key.as_ref())
                .and_then(orchestrator_api::InstanceKey::endpoint),
        }
    }
}

/// vtctld's tablets, and whether the list is whole.
struct Listing {
    tablets: Vec<Tablet>,
    /// Why the strict listing failed, when what was listed leaves out what vtctld could not read.
    partial: Option<String>,
}

/// What one pass did.
#[derive(Debug, Default, Serialize)]
struct Pass {
    registered: Vec<Instance>,
    aliases: Vec<Value>,
    forgotten: Vec<String>,
    /// Instances no tablet names that were not forgotten, with the reason.
    kept: Vec<String>,
    skipped: Vec<String>,
    warnings: Vec<String>,
    failures: Vec<String>,
    #[serde(skip)]
    kinds: Vec<FailureKind>,
    /// How many tablets vtctld listed, when it listed them all.
    #[serde(skip)]
    listed: Option<usize>,
}

impl Pass {
    fn fail(&mut self, kind: FailureKind, message: String) {
        self.kinds.push(kind);
        self.failures.push(message);
    }

    /// The exit status: the first failing class, as every command folds several results.
    fn status(&self) -> ExitStatus {
        crate::exit::fold(&self.kinds)
    }
}

/// Validated settings.
struct Discover {
    settings: ConnectionSettings,
    api: Option<Arc<OrchestratorApi>>,
    filter: GetTabletsRequest,
    rules: BTreeMap<i32, &'static str>,
    concurrency: usize,
    interval: Option<Duration>,
    forget_missing: bool,
    /// How long Orchestrator must have failed to reach an instance before it is forgotten.
    forget_after: Duration,
    /// The fraction the listing may shrink by from one pass to the next with forgetting on.
    forget_max_shrink: f64,
    dry_run: bool,
    format: OutputFormat,
}

pub fn run(args: DiscoverArgs, output: &OsStr) -> ExitStatus {
    let discover = match validate(&args, output) {
        Ok(discover) => discover,
        Err(failure) => {
            output::err(&format!("error: {}", failure.message));
            return failure.kind.status();
        }
    };
    match discover.interval {
        None => {
            let pass = discover.pass(None);
            discover.report(&pass);
            pass.status()
        }
        Some(interval) => discover.repeat(interval),
    }
}

fn validate(args: &DiscoverArgs, output: &OsStr) -> Result<Discover, Failure> {
    let mut problems = Problems::default();
    let format = recorder::output_format(output, &mut problems);
    let settings = ConnectionSettings::from_args(&args.connection)
        .and_then(|s| s.require_servers().map(|()| s));
    let api = OrchestratorApi::from_args(&args.orchestrator, &mut problems);
    if api.is_none() && !args.dry_run && args.orchestrator.orc_api_url.is_none() {
        problems.push_message(
            "no Orchestrator API given: set --orc-api-url URL or ORC_VITESS_HOOK_ORC_API_URL"
                .into(),
        );
    }
    let mut rules = default_rules();
    for raw in &args.promotion_rules {
        let Some(text) = problems.text(RULES, raw) else {
            continue;
        };
        let parsed = text.split_once('=').and_then(|(kind, rule)| {
            let kind = tablet::parse_type(kind)?;
            let rule = RULE_NAMES.iter().find(|r| **r == rule.trim())?;
            Some((kind as i32, *rule))
        });
        match parsed {
            Some((kind, rule)) => {
                rules.insert(kind, rule);
            }
            None => problems.push(
                RULES,
                raw,
                "expected TYPE=RULE, a tablet type and one of prefer, neutral, prefer_not, must_not",
            ),
        }
    }
    let concurrency = problems
        .text(CONCURRENCY, &args.concurrency)
        .and_then(|t| t.trim().parse::<usize>().ok())
        .filter(|n| (1..=256).contains(n));
    if concurrency.is_none() {
        problems.push(
            CONCURRENCY,
            &args.concurrency,
            "expected a number from 1 to 256",
        );
    }
    let interval = args.interval.as_deref().and_then(|raw| {
        problems.duration(
            INTERVAL,
            raw,
            Duration::from_secs(1),
            Duration::from_secs(86_400),
        )
    });
    let expiry = problems.duration(
        EXPIRY,
        &args.candidate_expiry,
        Duration::from_secs(60),
        Duration::from_secs(30 * 86_400),
    );
    let forget_after = problems.duration(
        FORGET_AFTER,
        &args.forget_after,
        Duration::from_secs(60),
        Duration::from_secs(30 * 86_400),
    );
    let forget_max_shrink = problems
        .text(FORGET_MAX_SHRINK, &args.forget_max_shrink)
        .map(|t| t.trim())
        .and_then(|t| t.strip_suffix('%').unwrap_or(t).trim().parse::<f64>().ok())
        .filter(|p| (0.0..=100.0).contains(p));
    if forget_max_shrink.is_none() {
        problems.push(
            FORGET_MAX_SHRINK,
            &args.forget_max_shrink,
            "expected a percentage from 0 to 100, like 10%",
        );
    }
    let text = |raw: &Option<std::ffi::OsString>, problems: &mut Problems, setting| {
        raw.as_deref()
            .and_then(|raw| problems.text(setting, raw))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let keyspace = text(
        &args.keyspace,
        &mut problems,
        Setting::new("--keyspace", "(no variable)"),
    );
    let shard = text(
        &args.shard,
        &mut problems,
        Setting::new("--shard", "(no variable)"),
    );
    if keyspace.is_empty() && !shard.is_empty() {
        problems.push_message("--shard needs --keyspace".into());
    }
    let cells: Vec<String> = args
        .cells
        .iter()
        .filter_map(|c| problems.text(Setting::new("--cell", "(no variable)"), c))
        .map(str::to_owned)
        .collect();
    if args.forget_missing && !cells.is_empty() {
        problems.push_message(
            "--forget-missing cannot be combined with --cell: a shard's tablets in other cells \
             would look missing and be forgotten"
                .into(),
        );
    }
    let config =
        |message: String| Failure::new(FailureKind::Config, format!("configuration: {message}"));
    let settings = match (settings, problems.into_message()) {
        (Ok(settings), None) => settings,
        (settings, others) => {
            let all: Vec<String> = others
                .into_iter()
                .chain(settings.err().map(|e| format!("{e:#}")))
                .collect();
            return Err(config(all.join("; ")));
        }
    };
    if let (Some(interval), Some(expiry)) = (interval, expiry)
        && interval > expiry / 2
    {
        output::err(&format!(
            "warning: --interval {} is more than half the candidate expiry ({}): promotion rules \
             may expire between passes",
            humantime::format_duration(interval),
            humantime::format_duration(expiry)
        ));
    }
    Ok(Discover {
        settings,
        api: api.map(Arc::new),
        filter: GetTabletsRequest {
            keyspace,
            shard,
            cells,
            // A cell vtctld cannot read must fail the listing, not leave that cell's tablets
            // out of it; `tablets` then lists again, not strictly, and says what is missing.
            strict: true,
            ..GetTabletsRequest::default()
        },
        rules,
        concurrency: concurrency.unwrap_or(8),
        interval,
        forget_missing: args.forget_missing,
        forget_after: forget_after.unwrap_or(Duration::from_secs(600)),
        forget_max_shrink: forget_max_shrink.unwrap_or(10.0) / 100.0,
        dry_run: args.dry_run,
        format,
    })
}

/// Vitess's own rules: a type that serves may be promoted, one that does not never.
fn default_rules() -> BTreeMap<i32, &'static str> {
    let mut rules = BTreeMap::new();
    for kind in [TabletType::Primary, TabletType::Replica] {
        rules.insert(kind as i32, "neutral");
    }
    for kind in [
        TabletType::Unknown,
        TabletType::Rdonly,
        TabletType::Spare,
        TabletType::Experimental,
        TabletType::Backup,
        TabletType::Restore,
        TabletType::Drained,
    ] {
        rules.insert(kind as i32, "must_not");
    }
    rules
}

impl Discover {
    /// vtctld's tablets, listed strictly; when a cell cannot be read, listed again without
    /// `strict` so the rest is still registered, with the strict listing's failure kept.
    fn tablets(&self) -> Result<Listing, Failure> {
        match self.list(true) {
            Ok(tablets) => Ok(Listing {
                tablets,
                partial: None,
            }),
            // A hopeless answer (a cell's topology that cannot be read among them); anything
            // else (vtctld unreachable, a signal) would fail the second listing as well.
            Err(strict) if strict.kind == FailureKind::VtctldRefused => {
                let tablets = self.list(false)?;
                Ok(Listing {
                    tablets,
                    partial: Some(strict.message),
                })
            }
            Err(failure) => Err(failure),
        }
    }

    /// One `GetTablets` (through the retry loop, within the deadline), ended by a signal.
    fn list(&self, strict: bool) -> Result<Vec<Tablet>, Failure> {
        let client = Client::new(&self.settings, false)
            .map_err(|e| Failure::new(FailureKind::Config, format!("configuration: {e:#}")))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::new(FailureKind::Internal, format!("runtime: {e}")))?;
        let deadline = tokio::time::Instant::now() + self.settings.deadline;
        let mut session = Session::new(
            client,
            self.settings.api,
            self.settings.attempt_timeout,
            deadline,
        );
        let request = GetTabletsRequest {
            strict,
            ..self.filter.clone()
        };
        let tablets = runtime.block_on(async {
            tokio::select! {
                tablets = session.call(
                    Rpc::GetTablets,
                    async |client, index, _, budget| {
                        client.get_tablets(index, request.clone(), budget).await
                    },
                ) => tablets,
                (number, name) = signals::wait() => Err(Failure::new(
                    FailureKind::Interrupted(number),
                    format!("{name} while listing vtctld's tablets"),
                )),
            }
        });
        runtime.shutdown_background();
        tablets
    }

    fn plan(&self, tablets: &[Tablet]) -> Plan {
        let mut plan = Plan::default();
        // Endpoints by host (case-insensitive) and port.
        let mut endpoints: BTreeMap<(String, u16), usize> = BTreeMap::new();
        // Each shard's PRIMARY tablets, described.
        let mut primaries: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in tablets {
            let shard = Shard::of(t).to_string();
            plan.shards.entry(shard.clone()).or_insert(None);
            let (raw_host, raw_port) = tablet::mysql_endpoint(t);
            let port = u16::try_from(raw_port).ok().filter(|p| *p != 0);
            let usable = match port {
                None => Err("no MySQL endpoint"),
                Some(_) if raw_host.is_empty() => Err("no MySQL endpoint"),
                Some(port) => crate::endpoint::registrable_host(raw_host).map(|host| (host, port)),
            };
            let (host, port) = match usable {
                Ok(endpoint) => endpoint,
                Err(why) => {
                    // The host as a quoted literal: it may hold spaces or control characters.
                    let alias = tablet::alias_of(t)
                        .map_or_else(|| "<no alias>".to_owned(), |a| a.to_string());
                    plan.skipped.push(format!(
                        "{alias} ({}, {shard}): MySQL host {raw_host:?} port {raw_port}: {why}",
                        tablet::type_name(t.r#type)
                    ));
                    continue;
                }
            };
            let rule = self.rules.get(&t.r#type).copied().unwrap_or("must_not");
            let index = *endpoints
                .entry((host.to_ascii_lowercase(), port))
                .or_insert_with(|| {
                    plan.instances.push(Instance {
                        host: host.to_owned(),
                        port,
                        rule,
                        tablet: String::new(),
                        tablets: Vec::new(),
                        types: BTreeSet::new(),
                        shards: BTreeSet::new(),
                    });
                    plan.instances.len() - 1
                });
            let instance = &mut plan.instances[index];
            // The same spelling whatever the order vtctld lists the tablets in.
            if host < instance.host.as_str() {
                host.clone_into(&mut instance.host);
            }
            instance.rule = stricter(instance.rule, rule);
            instance.tablets.push(tablet::describe(t));
            instance.types.insert(t.r#type);
            instance.shards.insert(shard.clone());
            if t.r#type == TabletType::Primary as i32 {
                primaries
                    .entry(shard.clone())
                    .or_default()
                    .push(tablet::describe(t));
                plan.shards.insert(shard, Some(index));
            }
        }
        for (shard, described) in primaries {
            if described.len() > 1 {
                plan.ambiguous.insert(shard, described);
            }
        }
        for instance in &mut plan.instances {
            instance.tablets.sort();
            instance.tablet = instance.tablets.join(", ");
            if instance.types.len() > 1 {
                plan.warnings.push(format!(
                    "{} is the MySQL of tablets of different types ({}): registered as {}, \
                     the most restrictive of their rules",
                    instance.key(),
                    instance.tablet,
                    instance.rule
                ));
            }
        }
        plan
    }

    /// One pass: list, register, alias, forget. `previous` is how many tablets the previous
    /// pass listed, in interval mode.
    fn pass(&self, previous: Option<usize>) -> Pass {
        let mut pass = Pass::default();
        let listing = match self.tablets() {
            Ok(listing) => listing,
            Err(failure) => {
                pass.fail(failure.kind, format!("vtctld: {}", failure.message));
                return pass;
            }
        };
        let tablets = &listing.tablets;
        if let Some(why) = &listing.partial {
            pass.fail(
                FailureKind::VtctldRefused,
                format!(
                    "vtctld: the tablet list is partial ({why}): registered what vtctld could \
                     read; no alias set, nothing forgotten"
                ),
            );
        } else {
            pass.listed = Some(tablets.len());
        }
        let plan = self.plan(tablets);
        pass.skipped = plan.skipped.clone();
        pass.warnings = plan.warnings.clone();
        let Some(api) = self.api.as_ref().filter(|_| !self.dry_run) else {
            self.dry_run_pass(&plan, &mut pass);
            return pass;
        };
        let clusters = self.register(api, &plan, &mut pass);
        if listing.partial.is_none() {
            self.alias(api, &plan, &clusters, &mut pass);
        }
        if self.forget_missing {
            self.forget_if_safe(api, &plan, &clusters, previous, &mut pass);
        }
        if let Some((number, name)) = signals::caught()
            && !pass
                .kinds
                .iter()
                .any(|k| matches!(k, FailureKind::Interrupted(_)))
        {
            pass.fail(
                FailureKind::Interrupted(number),
                format!("{name}: the pass stopped before its end"),
            );
        }
        pass
    }

    /// What a dry run reports: the plan, and the failures a real pass would have before
    /// calling Orchestrator, so that it exits as the pass would.
    fn dry_run_pass(&self, plan: &Plan, pass: &mut Pass) {
        pass.registered = plan.instances.clone();
        pass.aliases = plan
            .shards
            .iter()
            .map(|(shard, primary)| {
                json!({
                    "alias": shard.replacen('/', ".", 1),
                    "cluster_of": primary.map(|i| plan.instances[i].key()),
                })
            })
            .collect();
        for (shard, primary) in &plan.shards {
            let problem = match (plan.ambiguous.get(shard), primary) {
                (Some(primaries), _) => format!(
                    "vtctld lists more than one PRIMARY ({})",
                    primaries.join(", ")
                ),
                (None, None) => "vtctld lists no PRIMARY".to_owned(),
                (None, Some(_)) => continue,
            };
            pass.fail(
                FailureKind::VtctldRefused,
                format!("{shard}: {problem}, its alias would not be set"),
            );
        }
        for instance in plan.instances.iter().filter(|i| i.shards.len() > 1) {
            pass.fail(
                FailureKind::VtctldRefused,
                format!(
                    "{} is the MySQL of tablets of shards {}: its cluster's alias would not be \
                     set",
                    instance.key(),
                    shard_list(&instance.shards)
                ),
            );
        }
    }

    /// `discover` and `register-candidate` for every instance, `concurrency` at a time; the
    /// cluster names Orchestrator answered for the shards' primaries.
    fn register(&self, api: &Arc<OrchestratorApi>, plan: &Plan, pass: &mut Pass) -> Registered {
        let queue = Arc::new(Mutex::new((0..plan.instances.len()).collect::<Vec<_>>()));
        let (sender, results) = mpsc::channel();
        let shared = Arc::new(plan.instances.clone());
        for _ in 0..self.concurrency.min(plan.instances.len()) {
            let (queue, sender, api) = (Arc::clone(&queue), sender.clone(), Arc::clone(api));
            let instances = Arc::clone(&shared);
            std::thread::spawn(move || {
                loop {
                    let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                    let Some(index) = next.filter(|_| signals::caught().is_none()) else {
                        break;
                    };
                    let instance = &instances[index];
                    let port = instance.port.to_string();
                    let discovered = api.call::<orchestrator_api::Instance>(
                        &["discover", &instance.host, &port],
                        &[],
                    );
                    let result = match discovered {
                        Err(e) => Err((
                            ApiError::kind(&e),
                            format!("discover {}: {e}", instance.key()),
                        )),
                        Ok(details) => match api.call::<IgnoredAny>(
                            &["register-candidate", &instance.host, &port, instance.rule],
                            &[],
                        ) {
                            Ok(_) => Ok(details),
                            Err(e) => Err((
                                ApiError::kind(&e),
                                format!(
                                    "register-candidate {} {}: {e}",
                                    instance.key(),
                                    instance.rule
                                ),
                            )),
                        },
                    };
                    if sender.send((index, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut registered = Registered::new();
        let mut received = 0;
        let mut stop_at: Option<Instant> = None;
        while received < plan.instances.len() {
            // After a signal, the calls in flight get a second, then are abandoned.
            if stop_at.is_none() && signals::caught().is_some() {
                stop_at = Some(Instant::now() + STOP_WAIT);
            }
            let wait = stop_at.map_or(Duration::from_millis(100), |at| {
                at.saturating_duration_since(Instant::now())
            });
            match results.recv_timeout(wait.max(Duration::from_millis(1))) {
                Ok((index, result)) => {
                    received += 1;
                    match result {
                        Ok(details) => {
                            pass.registered.push(plan.instances[index].clone());
                            registered.insert(index, Answered::of(details.as_ref()));
                        }
                        Err((kind, message)) => pass.fail(kind, message),
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout)
                    if stop_at.is_none_or(|at| Instant::now() < at) => {}
                // The wait after a signal is over, or every worker stopped (after a signal).
                Err(_) => {
                    let left = plan.instances.len() - received;
                    match signals::caught() {
                        Some((number, name)) => pass.fail(
                            FailureKind::Interrupted(number),
                            format!(
                                "{name} while registering: stopped with {left} instance(s) left"
                            ),
                        ),
                        None => pass.fail(
                            FailureKind::Internal,
                            format!(
                                "the registration workers stopped with {left} instance(s) left"
                            ),
                        ),
                    }
                    break;
                }
            }
        }
        pass.registered.sort_by_key(Instance::key);
        registered
    }

    /// `set-cluster-alias` for every shard whose primary's cluster holds the tablets of that
    /// shard only.
    fn alias(
        &self,
        api: &Arc<OrchestratorApi>,
        plan: &Plan,
        clusters: &Registered,
        pass: &mut Pass,
    ) {
        // The shards of the tablets Orchestrator answered to be in each cluster.
        let mut shards_of: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (index, answered) in clusters {
            if let Some(cluster) = &answered.cluster {
                shards_of
                    .entry(cluster)
                    .or_default()
                    .extend(plan.instances[*index].shards.iter().cloned());
            }
        }
        let mut refused: BTreeSet<&str> = BTreeSet::new();
        for (shard, primary) in &plan.shards {
            if signals::caught().is_some() {
                return;
            }
            let alias = shard.replacen('/', ".", 1);
            if let Some(primaries) = plan.ambiguous.get(shard) {
                pass.fail(
                    FailureKind::VtctldRefused,
                    format!(
                        "{shard}: vtctld lists more than one PRIMARY ({}), alias {alias} not set",
                        primaries.join(", ")
                    ),
                );
                continue;
            }
            let Some(primary) = primary else {
                pass.fail(
                    FailureKind::VtctldRefused,
                    format!("{shard}: vtctld lists no PRIMARY, alias {alias} not set"),
                );
                continue;
            };
            let cluster = match clusters.get(primary).map(|a| &a.cluster) {
                Some(Some(cluster)) => cluster,
                Some(None) => {
                    pass.fail(
                        FailureKind::OrchestratorRefused,
                        format!(
                            "{shard}: Orchestrator named no cluster for the primary {}, alias \
                             {alias} not set",
                            plan.instances[*primary].key()
                        ),
                    );
                    continue;
                }
                // Its registration failed, and that failure is already reported.
                None => continue,
            };
            let shards = shards_of.get(cluster.as_str()).filter(|s| s.len() > 1);
            if let Some(shards) = shards {
                // One failure per cluster, naming every shard in it.
                if refused.insert(cluster) {
                    pass.fail(
                        FailureKind::VtctldRefused,
                        format!(
                            "cluster {cluster}: its instances are the MySQL of tablets of shards \
                             {}, so no keyspace.shard alias is set",
                            shard_list(shards)
                        ),
                    );
                }
                continue;
            }
            let call = {
                let (api, cluster, alias) = (Arc::clone(api), cluster.clone(), alias.clone());
                interruptible(move || {
                    api.call::<IgnoredAny>(&["set-cluster-alias", &cluster], &[("alias", &alias)])
                })
            };
            match call {
                Some(Ok(_)) => pass
                    .aliases
                    .push(json!({"alias": alias, "cluster": cluster})),
                Some(Err(e)) => pass.fail(
                    ApiError::kind(&e),
                    format!("set-cluster-alias {cluster} {alias}: {e}"),
                ),
                None => return stopped(pass, "setting aliases"),
            }
        }
    }

    /// Forgets what no tablet names, unless this pass gives reason to doubt what looks missing.
    fn forget_if_safe(
        &self,
        api: &Arc<OrchestratorApi>,
        plan: &Plan,
        clusters: &Registered,
        previous: Option<usize>,
        pass: &mut Pass,
    ) {
        if signals::caught().is_some() {
            return;
        }
        if !pass.failures.is_empty() {
            return pass.fail(
                FailureKind::VtctldRefused,
                "forgetting skipped: this pass had failures, so what looks missing may not be"
                    .into(),
            );
        }
        if !plan.skipped.is_empty() {
            // A tablet without a usable MySQL endpoint (its mysqld starting, a host given as
            // localhost) is live all the same, and Orchestrator may know its instance from
            // replication under another name.
            return pass.fail(
                FailureKind::VtctldRefused,
                format!(
                    "forgetting skipped: {} tablet(s) have no usable MySQL endpoint, so what \
                     looks missing may be one of them",
                    plan.skipped.len()
                ),
            );
        }
        if let (Some(previous), Some(now)) = (previous, pass.listed)
            && (now as f64) < previous as f64 * (1.0 - self.forget_max_shrink)
        {
            pass.warnings.push(format!(
                "forgetting skipped: vtctld listed {now} tablet(s), {previous} in the previous \
                 pass, a shrink of more than {}% (--forget-max-shrink)",
                self.forget_max_shrink * 100.0
            ));
            return;
        }
        self.forget(api, plan, clusters, pass);
    }

    /// Forgets instances of clusters carrying one of our shards' aliases that are no longer a
    /// tablet and that Orchestrator itself has not reached for `forget_after`; never a
    /// cluster's last instance.
    fn forget(
        &self,
        api: &Arc<OrchestratorApi>,
        plan: &Plan,
        registered: &Registered,
        pass: &mut Pass,
    ) {
        let ours: BTreeSet<String> = plan
            .shards
            .keys()
            .map(|s| s.replacen('/', ".", 1))
            .collect();
        let clusters = {
            let (api, ours) = (Arc::clone(api), ours.clone());
            interruptible(move || {
                api.list(&["clusters-info"], |c: &orchestrator_api::Cluster| {
                    ours.contains(&c.cluster_alias)
                })
            })
        };
        let ours_by_name: BTreeSet<String> = match clusters {
            Some(Ok(clusters)) => clusters.into_iter().map(|c| c.cluster_name).collect(),
            Some(Err(e)) => return pass.fail(ApiError::kind(&e), format!("clusters-info: {e}")),
            None => return stopped(pass, "forgetting"),
        };
        let instances = {
            let (api, names) = (Arc::clone(api), ours_by_name.clone());
            interruptible(move || {
                api.list(&["all-instances"], |i: &orchestrator_api::Instance| {
                    i.cluster_name.as_ref().is_some_and(|c| names.contains(c))
                })
            })
        };
        let instances = match instances {
            Some(Ok(instances)) => instances,
            Some(Err(e)) => return pass.fail(ApiError::kind(&e), format!("all-instances: {e}")),
            None => return stopped(pass, "forgetting"),
        };
        // A member is still a tablet when its key is one Orchestrator answered for a tablet, or its
        // host matches a tablet's MySQL host (case, trailing dot, short name against FQDN) on
        // the same port: Orchestrator may store names resolved differently from vtctld's.
        let known: Vec<(&str, u16)> = plan
            .instances
            .iter()
            .map(|i| (i.host.as_str(), i.port))
            .chain(
                registered
                    .values()
                    .filter_map(|a| a.key.as_ref())
                    .map(|(h, p)| (h.as_str(), *p)),
            )
            .collect();
        let is_tablet = |host: &str, port: u16| {
            known
                .iter()
                .any(|(h, p)| *p == port && crate::endpoint::host_match(h, host).is_some())
        };
        let mut by_cluster: BTreeMap<String, Vec<(String, u16, &orchestrator_api::Instance)>> =
            BTreeMap::new();
        for instance in &instances {
            let (Some(cluster), Some((host, port))) = (
                instance.cluster_name.as_ref(),
                instance
                    .key
                    .as_ref()
                    .and_then(orchestrator_api::InstanceKey::endpoint),
            ) else {
                continue;
            };
            by_cluster
                .entry(cluster.clone())
                .or_default()
                .push((host, port, instance));
        }
        for (cluster, members) in by_cluster {
            let mut left = members.len();
            for (host, port, instance) in members {
                if is_tablet(&host, port) || left <= 1 {
                    continue;
                }
                if let Err(why) = unreached_for(instance, self.forget_after) {
                    pass.kept
                        .push(format!("{host}:{port} (cluster {cluster}): {why}"));
                    continue;
                }
                let call = {
                    let (api, host) = (Arc::clone(api), host.clone());
                    interruptible(move || {
                        api.call::<IgnoredAny>(&["forget", &host, &port.to_string()], &[])
                    })
                };
                match call {
                    Some(Ok(_)) => {
                        left -= 1;
                        pass.forgotten
                            .push(format!("{host}:{port} (cluster {cluster})"));
                    }
                    Some(Err(e)) => {
                        pass.fail(ApiError::kind(&e), format!("forget {host}:{port}: {e}"))
                    }
                    None => return stopped(pass, "forgetting"),
                }
            }
        }
    }

    /// Passes until a signal, each after the interval varied by ±25 %, logging only changes.
    fn repeat(&self, interval: Duration) -> ExitStatus {
        // What was registered, and the failures by a key without their counts and timings (so
        // "7 attempts" and "6 attempts" are one failure, not a failure and a recovery).
        let mut registered: BTreeSet<String> = BTreeSet::new();
        let mut aliases: BTreeSet<String> = BTreeSet::new();
        let mut failing: BTreeMap<String, String> = BTreeMap::new();
        let mut warned: BTreeSet<String> = BTreeSet::new();
        // How many tablets the last whole listing held, for --forget-max-shrink.
        let mut listed: Option<usize> = None;
        loop {
            let pass = self.pass(listed);
            listed = pass.listed.or(listed);
            let now: BTreeSet<String> = pass
                .registered
                .iter()
                .map(|i| format!("{} {}", i.key(), i.rule))
                .collect();
            for line in now.difference(&registered) {
                self.event("registered", line);
            }
            // A pass that reached no instance (vtctld down) says nothing about what is registered.
            if !now.is_empty() || pass.failures.is_empty() {
                registered = now;
            }
            let now_aliases: BTreeSet<String> = pass.aliases.iter().map(Value::to_string).collect();
            for alias in now_aliases.difference(&aliases) {
                self.event("alias", alias);
            }
            aliases.extend(now_aliases);
            for forgotten in &pass.forgotten {
                self.event("forgot", forgotten);
            }
            let now_warned: BTreeSet<String> =
                pass.warnings.iter().map(|w| failure_key(w)).collect();
            for warning in &pass.warnings {
                if !warned.contains(&failure_key(warning)) {
                    self.event("warning", warning);
                }
            }
            warned = now_warned;
            let now_failing: BTreeMap<String, String> = pass
                .failures
                .iter()
                .map(|f| (failure_key(f), f.clone()))
                .collect();
            for (key, message) in &now_failing {
                if !failing.contains_key(key) {
                    self.event("failing", message);
                }
            }
            for (key, message) in &failing {
                if !now_failing.contains_key(key) {
                    self.event("recovered", message);
                }
            }
            failing = now_failing;
            if let Some((number, _)) = signals::caught() {
                return ExitStatus::Interrupted(number);
            }
            let pause = jitter(interval);
            let until = Instant::now() + pause;
            while Instant::now() < until {
                if let Some((number, _)) = signals::caught() {
                    return ExitStatus::Interrupted(number);
                }
                std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
            }
        }
    }

    fn event(&self, what: &str, detail: &str) {
        match self.format {
            OutputFormat::Text => output::out(&format!("{what}: {detail}")),
            OutputFormat::Json => {
                output::out(&json!({"event": what, "detail": detail}).to_string())
            }
        }
    }

    fn report(&self, pass: &Pass) {
        let status = pass.status();
        match self.format {
            OutputFormat::Json => {
                let mut object = serde_json::to_value(pass).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut object {
                    map.insert("dry_run".into(), self.dry_run.into());
                    map.insert("exit_status".into(), status.code().into());
                }
                output::out(&object.to_string());
            }
            OutputFormat::Text => {
                let verb = if self.dry_run {
                    "would register"
                } else {
                    "registered"
                };
                for instance in &pass.registered {
                    output::out(&format!(
                        "{verb} {} {} ({})",
                        instance.key(),
                        instance.rule,
                        instance.tablet
                    ));
                }
                for alias in &pass.aliases {
                    output::out(&format!("alias {alias}"));
                }
                for forgotten in &pass.forgotten {
                    output::out(&format!("forgot {forgotten}"));
                }
                for kept in &pass.kept {
                    output::out(&format!("kept {kept}"));
                }
                for skipped in &pass.skipped {
                    output::out(&format!("skipped {skipped}"));
                }
                for warning in &pass.warnings {
                    output::err(&format!("warning: {warning}"));
                }
                for failure in &pass.failures {
                    output::err(&format!("error: {failure}"));
                }
                output::out(&format!(
                    "{} instance{} {verb}, {} alias{}, {} failure{}",
                    pass.registered.len(),
                    crate::vtctld::retry::plural(pass.registered.len()),
                    pass.aliases.len(),
                    if pass.aliases.len() == 1 { "" } else { "es" },
                    pass.failures.len(),
                    crate::vtctld::retry::plural(pass.failures.len())
                ));
            }
        }
    }
}

/// A failure's message with its counts and timings (words that are only a number, like "7" in
/// "7 attempts" or "14514" in "14514 ms") as `#`: the same failure from pass to pass. Numbers
/// inside words (host names, ports, addresses) stay, so different instances stay different.
fn failure_key(message: &str) -> String {
    message
        .split(' ')
        .map(|word| {
            let bare = word.trim_matches(|c: char| "(),;:".contains(c));
            if !bare.is_empty() && bare.chars().all(|c| c.is_ascii_digit()) {
                word.replace(bare, "#")
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs one blocking call on its own thread; after a signal, waits [`STOP_WAIT`] for it at
/// most, then abandons it: `None` (also when the thread died).
fn interruptible<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone only once the call was abandoned: nobody wants the answer.
        let _ = sender.send(call());
    });
    let mut stop_at: Option<Instant> = None;
    loop {
        if stop_at.is_none() && signals::caught().is_some() {
            stop_at = Some(Instant::now() + STOP_WAIT);
        }
        let wait = stop_at.map_or(Duration::from_millis(50), |at| {
            at.saturating_duration_since(Instant::now())
        });
        match receiver.recv_timeout(wait.max(Duration::from_millis(1))) {
            Ok(answer) => return Some(answer),
            Err(mpsc::RecvTimeoutError::Timeout)
                if stop_at.is_none_or(|at| Instant::now() < at) => {}
            Err(_) => return None,
        }
    }
}

/// A call abandoned by [`interruptible`]: after a signal, the pass's interruption; otherwise
/// the calling thread died, an internal error.
fn stopped(pass: &mut Pass, phase: &str) {
    match signals::caught() {
        Some((number, name)) => pass.fail(
            FailureKind::Interrupted(number),
            format!("{name} while {phase}: the call in flight was abandoned"),
        ),
        None => pass.fail(
            FailureKind::Internal,
            format!("the call to Orchestrator stopped without an answer while {phase}"),
        ),
    }
}

/// `commerce/0, customer/-80`.
fn shard_list(shards: &BTreeSet<String>) -> String {
    shards.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// `Ok` when Orchestrator's own view says it has not reached the instance for at least
/// `after`: its last check failed (`IsLastCheckValid` false) and it last saw it
/// `SecondsSinceLastSeen` ago. Otherwise why it is kept. An Orchestrator that does not send
/// those fields, or never saw the instance, gives no such proof.
fn unreached_for(instance: &orchestrator_api::Instance, after: Duration) -> Result<(), String> {
    match (instance.is_last_check_valid, instance.seconds_since_last_seen) {
        (Some(true), _) => Err("Orchestrator's last check reached it".into()),
        (None, _) | (_, None) => Err(
            "Orchestrator's answer has no IsLastCheckValid and SecondsSinceLastSeen to show it              unreached"
                .into(),
        ),
        (Some(false), Some(seen)) if !seen.valid => {
            Err("Orchestrator has never reached it, so for how long is unknown".into())
        }
        (Some(false), Some(seen)) if u64::try_from(seen.int64).unwrap_or(0) < after.as_secs() => {
            Err(format!(
                "Orchestrator last reached it {} s ago, less than --forget-after {}",
                seen.int64,
                humantime::format_duration(after)
            ))
        }
        (Some(false), Some(_)) => Ok(()),
    }
}

/// `interval` varied randomly by up to ±25 %.
fn jitter(interval: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u64(interval.as_nanos() as u64);
    let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    interval.mul_f64(0.75 + fraction * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_keys_ignore_counts_not_instances() {
        assert_eq!(
            failure_key("vtctld: no vtctld answered (7 attempts within 14514 ms)"),
            failure_key("vtctld: no vtctld answered (6 attempts within 9000 ms)")
        );
        assert_ne!(
            failure_key("discover db1:3306: refused"),
            failure_key("discover db2:3306: refused")
        );
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        let base = Duration::from_secs(60);
        for _ in 0..200 {
            let d = jitter(base);
            assert!(
                d >= Duration::from_secs(45) && d <= Duration::from_secs(75),
                "{d:?}"
            );
        }
    }

    #[test]
    fn vitess_rules_by_default() {
        let rules = default_rules();
        assert_eq!(rules[&(TabletType::Replica as i32)], "neutral");
        assert_eq!(rules[&(TabletType::Primary as i32)], "neutral");
        assert_eq!(rules[&(TabletType::Rdonly as i32)], "must_not");
        assert_eq!(rules[&(TabletType::Drained as i32)], "must_not");
    }
}
