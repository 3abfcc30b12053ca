//! The calls to Orchestrator that register a plan: `discover` and `register-candidate` for
//! every instance, `set-cluster-alias` for every shard; and how a call is abandoned on a signal.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::de::IgnoredAny;
use serde_json::json;

use super::plan::{Plan, shard_list};
use super::report::Pass;
use crate::exit::FailureKind;
use crate::orchestrator::{self, ApiError, OrchestratorApi};
use crate::signals;

/// How long a stopping run waits for the calls in flight.
const STOP_WAIT: Duration = Duration::from_secs(1);

/// What Orchestrator answered `discover` for each registered instance (by index in the plan):
/// its cluster's name, and the key it stores the instance under (it may resolve host names).
pub(super) type Registered = BTreeMap<usize, Answered>;

#[derive(Debug)]
pub(super) struct Answered {
    pub(super) cluster: Option<String>,
    pub(super) key: Option<(String, u16)>,
}

impl Answered {
    fn of(details: Option<&orchestrator::Instance>) -> Self {
        Self {
            cluster: details
                .and_then(|d| d.cluster_name.clone())
                .filter(|c| !c.is_empty()),
            key: details
                .and_then(|d| d.key.as_ref())
                .and_then(orchestrator::InstanceKey::endpoint),
        }
    }
}

/// One worker's answer for one instance: Orchestrator's details, or the failure.
type Registration = (
    usize,
    Result<Option<orchestrator::Instance>, (FailureKind, String)>,
);

/// `discover` and `register-candidate` for every instance, `concurrency` at a time; the
/// cluster names Orchestrator answered for the shards' primaries.
pub(super) fn register(
    api: &Arc<OrchestratorApi>,
    concurrency: usize,
    plan: &Plan,
    pass: &mut Pass,
) -> Registered {
    let results = spawn_workers(api, concurrency, plan);
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
                crate::metrics::daemon::progress();
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
                workers_stopped(pass, plan.instances.len() - received);
                break;
            }
        }
    }
    pass.registered.sort_by_key(super::plan::Instance::key);
    registered
}

/// Starts `concurrency` workers (at most one per instance) that register the plan's instances
/// until none is left or a signal is caught; the channel of their answers.
fn spawn_workers(
    api: &Arc<OrchestratorApi>,
    concurrency: usize,
    plan: &Plan,
) -> mpsc::Receiver<Registration> {
    let queue = Arc::new(Mutex::new((0..plan.instances.len()).collect::<Vec<_>>()));
    let (sender, results) = mpsc::channel();
    let shared = Arc::new(plan.instances.clone());
    for _ in 0..concurrency.min(plan.instances.len()) {
        let (queue, sender, api) = (Arc::clone(&queue), sender.clone(), Arc::clone(api));
        let instances = Arc::clone(&shared);
        std::thread::spawn(move || {
            loop {
                let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                let Some(index) = next.filter(|_| signals::caught().is_none()) else {
                    break;
                };
                let result = register_one(&api, &instances[index]);
                if sender.send((index, result)).is_err() {
                    break;
                }
            }
        });
    }
    results
}

/// `discover`, then `register-candidate`, for one instance.
fn register_one(
    api: &OrchestratorApi,
    instance: &super::plan::Instance,
) -> Result<Option<orchestrator::Instance>, (FailureKind, String)> {
    let port = instance.port.to_string();
    let discovered = api.call::<orchestrator::Instance>(&["discover", &instance.host, &port], &[]);
    match discovered {
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
    }
}

/// The registration ended with `left` instances unanswered.
fn workers_stopped(pass: &mut Pass, left: usize) {
    match signals::caught() {
        Some((number, name)) => pass.fail(
            FailureKind::Interrupted(number),
            format!("{name} while registering: stopped with {left} instance(s) left"),
        ),
        None => pass.fail(
            FailureKind::Internal,
            format!("the registration workers stopped with {left} instance(s) left"),
        ),
    }
}

/// `set-cluster-alias` for every shard whose primary's cluster holds the tablets of that
/// shard only.
pub(super) fn alias(
    api: &Arc<OrchestratorApi>,
    plan: &Plan,
    clusters: &Registered,
    pass: &mut Pass,
) {
    let shards_of = shards_of_clusters(plan, clusters);
    let mut refused: BTreeSet<&str> = BTreeSet::new();
    for (shard, primary) in &plan.shards {
        if signals::caught().is_some() {
            return;
        }
        let alias = shard.replacen('/', ".", 1);
        let Some(cluster) = primary_cluster(plan, clusters, shard, *primary, &alias, pass) else {
            continue;
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

/// The shards of the tablets Orchestrator answered to be in each cluster.
fn shards_of_clusters<'a>(
    plan: &Plan,
    clusters: &'a Registered,
) -> BTreeMap<&'a str, BTreeSet<String>> {
    let mut shards_of: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (index, answered) in clusters {
        if let Some(cluster) = &answered.cluster {
            shards_of
                .entry(cluster)
                .or_default()
                .extend(plan.instances[*index].shards.iter().cloned());
        }
    }
    shards_of
}

/// The cluster of a shard's one primary, as Orchestrator answered it; `None`, with the failure
/// reported, when there is no such cluster to alias.
fn primary_cluster<'a>(
    plan: &Plan,
    clusters: &'a Registered,
    shard: &str,
    primary: Option<usize>,
    alias: &str,
    pass: &mut Pass,
) -> Option<&'a String> {
    if let Some(primaries) = plan.ambiguous.get(shard) {
        pass.fail(
            FailureKind::VtctldRefused,
            format!(
                "{shard}: vtctld lists more than one PRIMARY ({}), alias {alias} not set",
                primaries.join(", ")
            ),
        );
        return None;
    }
    let Some(primary) = primary else {
        pass.fail(
            FailureKind::VtctldRefused,
            format!("{shard}: vtctld lists no PRIMARY, alias {alias} not set"),
        );
        return None;
    };
    match clusters.get(&primary).map(|a| &a.cluster) {
        Some(Some(cluster)) => Some(cluster),
        Some(None) => {
            pass.fail(
                FailureKind::OrchestratorRefused,
                format!(
                    "{shard}: Orchestrator named no cluster for the primary {}, alias \
                     {alias} not set",
                    plan.instances[primary].key()
                ),
            );
            None
        }
        // Its registration failed, and that failure is already reported.
        None => None,
    }
}

/// Runs one blocking call on its own thread; after a signal, waits [`STOP_WAIT`] for it at
/// most, then abandons it: `None` (also when the thread died).
pub(super) fn interruptible<T: Send + 'static>(
    call: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
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
pub(super) fn stopped(pass: &mut Pass, phase: &str) {
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
