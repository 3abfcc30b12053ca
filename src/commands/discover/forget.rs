//! `--forget-missing`: forgetting the instances of our shards' clusters that no tablet names,
//! only when this pass gives no reason to doubt that they are missing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use serde::de::IgnoredAny;

use super::plan::Plan;
use super::register::{Registered, interruptible, stopped};
use super::report::Pass;
use crate::exit::FailureKind;
use crate::orchestrator::{self, ApiError, OrchestratorApi};
use crate::signals;

/// When forgetting is safe enough.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// How long Orchestrator must have failed to reach an instance before it is forgotten.
    pub(crate) after: Duration,
    /// The fraction the listing may shrink by from one pass to the next with forgetting on.
    pub(crate) max_shrink: f64,
}

/// Forgets what no tablet names, unless this pass gives reason to doubt what looks missing.
/// `previous` is how many tablets the previous pass listed.
pub(super) fn forget_if_safe(
    api: &Arc<OrchestratorApi>,
    plan: &Plan,
    clusters: &Registered,
    previous: Option<usize>,
    limits: Limits,
    pass: &mut Pass,
) {
    if signals::caught().is_some() {
        return;
    }
    if !pass.failures.is_empty() {
        return pass.fail(
            FailureKind::VtctldRefused,
            "forgetting skipped: this pass had failures, so what looks missing may not be".into(),
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
        && (now as f64) < previous as f64 * (1.0 - limits.max_shrink)
    {
        pass.warnings.push(format!(
            "forgetting skipped: vtctld listed {now} tablet(s), {previous} in the previous \
             pass, a shrink of more than {}% (--forget-max-shrink)",
            limits.max_shrink * 100.0
        ));
        return;
    }
    forget(api, plan, clusters, limits.after, pass);
}

/// Forgets instances of clusters carrying one of our shards' aliases that are no longer a
/// tablet and that Orchestrator itself has not reached for `after`; never a cluster's last
/// instance.
fn forget(
    api: &Arc<OrchestratorApi>,
    plan: &Plan,
    registered: &Registered,
    after: Duration,
    pass: &mut Pass,
) {
    let Some(instances) = our_instances(api, plan, pass) else {
        return;
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
    for (cluster, members) in by_cluster(&instances) {
        let mut left = members.len();
        for (host, port, instance) in members {
            if is_tablet(&host, port) || left <= 1 {
                continue;
            }
            if let Err(why) = unreached_for(instance, after) {
                pass.kept
                    .push(format!("{host}:{port} (cluster {cluster}): {why}"));
                continue;
            }
            match forget_one(api, &host, port) {
                Some(Ok(_)) => {
                    left -= 1;
                    pass.forgotten
                        .push(format!("{host}:{port} (cluster {cluster})"));
                }
                Some(Err(e)) => pass.fail(ApiError::kind(&e), format!("forget {host}:{port}: {e}")),
                None => return stopped(pass, "forgetting"),
            }
        }
    }
}

/// Every instance Orchestrator has in a cluster carrying one of our shards' aliases; `None`,
/// with the failure reported, when Orchestrator did not say.
fn our_instances(
    api: &Arc<OrchestratorApi>,
    plan: &Plan,
    pass: &mut Pass,
) -> Option<Vec<orchestrator::Instance>> {
    let ours: BTreeSet<String> = plan
        .shards
        .keys()
        .map(|s| s.replacen('/', ".", 1))
        .collect();
    let clusters = {
        let (api, ours) = (Arc::clone(api), ours.clone());
        interruptible(move || {
            api.list(&["clusters-info"], |c: &orchestrator::Cluster| {
                ours.contains(&c.cluster_alias)
            })
        })
    };
    let ours_by_name: BTreeSet<String> = match clusters {
        Some(Ok(clusters)) => clusters.into_iter().map(|c| c.cluster_name).collect(),
        Some(Err(e)) => {
            pass.fail(ApiError::kind(&e), format!("clusters-info: {e}"));
            return None;
        }
        None => {
            stopped(pass, "forgetting");
            return None;
        }
    };
    let instances = {
        let (api, names) = (Arc::clone(api), ours_by_name.clone());
        interruptible(move || {
            api.list(&["all-instances"], |i: &orchestrator::Instance| {
                i.cluster_name.as_ref().is_some_and(|c| names.contains(c))
            })
        })
    };
    match instances {
        Some(Ok(instances)) => Some(instances),
        Some(Err(e)) => {
            pass.fail(ApiError::kind(&e), format!("all-instances: {e}"));
            None
        }
        None => {
            stopped(pass, "forgetting");
            None
        }
    }
}

/// The instances with a cluster and a key, by cluster.
#[allow(clippy::type_complexity)]
fn by_cluster(
    instances: &[orchestrator::Instance],
) -> BTreeMap<String, Vec<(String, u16, &orchestrator::Instance)>> {
    let mut by_cluster: BTreeMap<String, Vec<(String, u16, &orchestrator::Instance)>> =
        BTreeMap::new();
    for instance in instances {
        let (Some(cluster), Some((host, port))) = (
            instance.cluster_name.as_ref(),
            instance
                .key
                .as_ref()
                .and_then(orchestrator::InstanceKey::endpoint),
        ) else {
            continue;
        };
        by_cluster
            .entry(cluster.clone())
            .or_default()
            .push((host, port, instance));
    }
    by_cluster
}

/// `forget` for one instance, abandoned on a signal.
fn forget_one(
    api: &Arc<OrchestratorApi>,
    host: &str,
    port: u16,
) -> Option<Result<Option<IgnoredAny>, ApiError>> {
    let (api, host) = (Arc::clone(api), host.to_owned());
    interruptible(move || api.call::<IgnoredAny>(&["forget", &host, &port.to_string()], &[]))
}

/// `Ok` when Orchestrator's own view says it has not reached the instance for at least
/// `after`: its last check failed (`IsLastCheckValid` false) and it last saw it
/// `SecondsSinceLastSeen` ago. Otherwise why it is kept. An Orchestrator that does not send
/// those fields, or never saw the instance, gives no such proof.
fn unreached_for(instance: &orchestrator::Instance, after: Duration) -> Result<(), String> {
    match (instance.is_last_check_valid, instance.seconds_since_last_seen) {
        (Some(true), _) => Err("Orchestrator's last check reached it".into()),
        (None, _) | (_, None) => Err(
            "Orchestrator's answer has no IsLastCheckValid and SecondsSinceLastSeen to show it unreached"
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
