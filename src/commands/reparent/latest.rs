//! With `--orc-api-url`: whether this run's recovery is still Orchestrator's latest master
//! recovery of the cluster, asked before every reparent attempt (beside `newer.rs`'s vtctld-side
//! check). A newer master recovery means a newer failover: its own hook reparents to its own
//! successor, and this run must not undo that (`superseded`).
//!
//! Which recoveries: `audit-recovery/alias/<ORC_FAILURE_CLUSTER_ALIAS>`, only when the alias is
//! `keyspace.shard`. The alias is the stable handle of a shard across failovers (Orchestrator
//! moves it to the new cluster name); the cluster name is the old master's `host:port` and
//! changes with every failover, so `audit-recovery/cluster/<ORC_FAILURE_CLUSTER>` never lists a
//! newer failover's recovery (it is filed under the promoted master's name), and an alias that
//! is not `keyspace.shard` is Orchestrator's default, the cluster name again. Without such an
//! alias the check is skipped with a note.
//!
//! When this run's recovery has ended: Orchestrator (openark/orchestrator,
//! `go/logic/topology_recovery.go`, `checkAndRecoverDeadMaster` and
//! `checkAndRecoverDeadCoMaster`) calls `resolveRecovery` — `is_successful`, the successor and
//! `end_recovery = NOW()` written in one `UPDATE` (`writeResolveRecovery`), or published through
//! raft — before it runs `PostMasterFailoverProcesses`. So this run's own recovery is normally
//! listed as ended and successful; but `resolveRecovery`'s error is ignored, and through raft it
//! may not be applied yet on the node asked, so it may also still show as running. Neither is
//! newer than this run: only a master recovery listed before this run's own (the answer is newest
//! first, by recovery id) counts, or, when this run's is not listed (another page, or not yet
//! written where asked), one whose UID says it started after this run's did.
//!
//! A check that cannot be made (Orchestrator unreachable, an error, an answer too late) never
//! stops the failover by itself: vtctld's check still runs before every attempt. The run notes
//! it once and does not ask again, so a hung Orchestrator costs at most one wait.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::cli::OrchestratorApiArgs;
use crate::event::FailoverEvent;
use crate::orchestrator::{OrchestratorApi, Recovery};
use crate::settings::Problems;

/// A newer master recovery of the cluster: the run is superseded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::commands) struct NewerRecovery {
    pub uid: String,
    /// The MySQL it promoted, `host:port`.
    pub successor: Option<String>,
    /// Orchestrator's tablet alias for it, when it has one.
    pub successor_alias: Option<String>,
}

/// What Orchestrator's recoveries say of this run's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::commands) enum Verdict {
    /// No master recovery newer than this run's.
    Latest,
    Newer(NewerRecovery),
    /// The answer cannot tell (this run's recovery is not listed, and the starts are unknown).
    Unknown(String),
}

/// Pure: the newest master recovery newer than `own_uid` in `recoveries` (newest first).
pub(super) fn judge(recoveries: &[Recovery], own_uid: &str) -> Verdict {
    let newer = match recoveries.iter().position(|r| r.uid == own_uid) {
        Some(own) => recoveries[..own]
            .iter()
            .find(|r| crate::reconcile::is_master_recovery(r)),
        None => {
            let own = Recovery {
                uid: own_uid.to_owned(),
                ..Recovery::default()
            };
            let Some(own_start) = own.started_at() else {
                return Verdict::Unknown(format!(
                    "this run's recovery {own_uid} is not among the {} listed, and its UID \
                     carries no start to compare with",
                    recoveries.len()
                ));
            };
            recoveries
                .iter()
                .filter(|r| r.started_at().is_some_and(|start| start > own_start))
                .find(|r| crate::reconcile::is_master_recovery(r))
        }
    };
    newer.map_or(Verdict::Latest, |r| {
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        Verdict::Newer(NewerRecovery {
            uid: r.uid.clone(),
            successor: r.successor().map(|(host, port)| format!("{host}:{port}")),
            successor_alias: text(&r.successor_alias),
        })
    })
}

/// The check, as one run makes it.
#[derive(Debug)]
pub(in crate::commands) struct LatestCheck {
    api: Arc<OrchestratorApi>,
    /// `keyspace.shard`, as Orchestrator's alias.
    alias: String,
    uid: String,
    /// Set once a check could not be made: later attempts do not ask again.
    off: bool,
}

impl LatestCheck {
    pub fn new(api: Arc<OrchestratorApi>, alias: String, uid: String) -> Self {
        Self {
            api,
            alias,
            uid,
            off: false,
        }
    }

    /// Starts asking Orchestrator, off the runtime's thread (ureq blocks; its own timeout is
    /// `--orc-timeout`); `None` once a check has failed.
    pub fn start(&self) -> Option<Pending> {
        if self.off {
            return None;
        }
        let api = Arc::clone(&self.api);
        let alias = self.alias.clone();
        let handle = tokio::task::spawn_blocking(move || {
            api.list(&["audit-recovery", "alias", &alias], |_: &Recovery| true)
        });
        Some(Pending { handle })
    }

    /// The answer of `pending`, waited for until `until` at the latest; a check that could not
    /// be made is `Err` with its note, and turns the check off for the rest of the run.
    pub async fn finish(&mut self, pending: Pending, until: Instant) -> Result<Verdict, String> {
        let failed = |why: String| {
            format!(
                "Orchestrator's recoveries of {} could not be read ({why}): whether recovery {} \
                 is still the latest was not checked from here on; vtctld's check of the shard's \
                 primary still runs before every attempt",
                self.alias, self.uid
            )
        };
        let answer = match tokio::time::timeout_at(until, pending.handle).await {
            Err(_) => Err(failed("no answer in time".to_owned())),
            Ok(Err(e)) => Err(failed(format!("the call failed: {e}"))),
            Ok(Ok(Err(e))) => Err(failed(format!(
                "audit-recovery/alias/{} at {}: {e}",
                self.alias,
                self.api.root()
            ))),
            Ok(Ok(Ok(recoveries))) => Ok(judge(&recoveries, &self.uid)),
        };
        if answer.is_err() {
            self.off = true;
        }
        answer
    }

    pub fn alias(&self) -> &str {
        &self.alias
    }

    /// What a dry run says the check would ask.
    pub fn planned(&self) -> String {
        format!(
            "unless {}audit-recovery/alias/{} lists a master recovery newer than {}",
            self.api.root(),
            self.alias,
            self.uid
        )
    }
}

/// A check under way.
#[derive(Debug)]
pub(in crate::commands) struct Pending {
    handle: tokio::task::JoinHandle<Result<Vec<Recovery>, crate::orchestrator::ApiError>>,
}

/// How a run's check is set up.
#[derive(Debug)]
pub(super) enum Setup {
    /// No `--orc-api-url`: nothing is asked, nothing changes.
    Off,
    On(LatestCheck),
    /// The check cannot be made for this failover: the note says why.
    Skipped(String),
    /// A bad Orchestrator API setting: a warning and a note, and the failover goes on.
    Misconfigured(String),
}

/// The check for this run: the API settings (`None` without `--orc-api-url`), the event's
/// cluster alias, and its recovery UID (`None` when absent or a placeholder).
pub(super) fn setup(
    args: &OrchestratorApiArgs,
    event: &FailoverEvent,
    recovery_uid: Option<String>,
) -> Setup {
    let mut problems = Problems::default();
    let api = OrchestratorApi::from_args(args, &mut problems);
    if let Some(message) = problems.into_message() {
        return Setup::Misconfigured(format!(
            "the Orchestrator API settings are not usable ({message}): whether this run's \
             recovery is still Orchestrator's latest is not checked; vtctld's check of the \
             shard's primary still runs before every attempt"
        ));
    }
    let Some(api) = api else {
        return Setup::Off;
    };
    let Some(uid) = recovery_uid else {
        return Setup::Skipped(
            "no recovery UID: whether this run's recovery is still Orchestrator's latest is not \
             checked"
                .to_owned(),
        );
    };
    let alias = match (event.cluster_shard(), &event.failure_cluster_alias) {
        (Some(_), Some(alias)) => alias.clone(),
        _ => {
            return Setup::Skipped(
                "no keyspace.shard cluster alias: whether this run's recovery is still \
                 Orchestrator's latest is not checked (a cluster name changes with every \
                 failover, so its recoveries never show a newer one)"
                    .to_owned(),
            );
        }
    };
    Setup::On(LatestCheck::new(Arc::new(api), alias, uid))
}

/// How long an attempt waits for the check: never past the deadline, and at most half of the
/// attempt's `budget`, so that a slow Orchestrator (up to `--orc-timeout`, ureq's own bound)
/// always leaves the reparent call time of its own.
pub(in crate::commands) fn wait_until(budget: Duration, deadline: Instant) -> Instant {
    (Instant::now() + budget / 2).min(deadline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orchestrator::InstanceKey;
    use crate::orchestrator::recoveries::{AnalysisEntry, ClusterDetails};

    /// 2026-12-07 16:00:00 UTC in nanoseconds.
    const START: i64 = 1_796_659_200_000_000_000;

    fn uid(seconds: i64) -> String {
        format!("{}:token{seconds}", START + seconds * 1_000_000_000)
    }

    fn recovery(uid: &str, analysis: &str, successor: Option<&str>, ended: bool) -> Recovery {
        Recovery {
            uid: uid.to_owned(),
            analysis: AnalysisEntry {
                failed: key("db1"),
                analysis: analysis.to_owned(),
                cluster: ClusterDetails {
                    cluster_name: "db1:3306".into(),
                    cluster_alias: "commerce.0".into(),
                },
            },
            successor_key: successor.map(key),
            successor_alias: String::new(),
            is_successful: successor.is_some(),
            end: if ended {
                "2026-12-07 16:00:30".into()
            } else {
                String::new()
            },
            ..Recovery::default()
        }
    }

    fn key(host: &str) -> InstanceKey {
        serde_json::from_value(serde_json::json!({"Hostname": host, "Port": 3306}))
            .expect("an instance key")
    }

    fn newer_uid(verdict: Verdict) -> Option<String> {
        match verdict {
            Verdict::Newer(newer) => Some(newer.uid),
            _ => None,
        }
    }

    #[test]
    fn only_a_master_recovery_listed_before_this_runs_own_is_newer() {
        let own = recovery(&uid(0), "DeadMaster", Some("db2"), true);
        let older = recovery(&uid(-600), "DeadMaster", Some("db1"), true);
        // This run's own recovery newest, ended or still running: the latest.
        assert_eq!(
            judge(&[own.clone(), older.clone()], &own.uid),
            Verdict::Latest
        );
        let running = recovery(&uid(0), "DeadMaster", None, false);
        assert_eq!(judge(&[running, older.clone()], &own.uid), Verdict::Latest);
        // A newer master recovery: superseded, naming it and its successor.
        let newer = recovery(&uid(60), "DeadMaster", Some("db3"), true);
        let list = [newer.clone(), own.clone(), older.clone()];
        assert_eq!(
            judge(&list, &own.uid),
            Verdict::Newer(NewerRecovery {
                uid: newer.uid.clone(),
                successor: Some("db3:3306".into()),
                successor_alias: None,
            })
        );
        // Newer, but not a master recovery a hook would reparent for: still the latest.
        let replica = recovery(&uid(70), "DeadIntermediateMaster", Some("db4"), true);
        let failed = recovery(&uid(80), "DeadMaster", None, true);
        let running = recovery(&uid(90), "DeadMaster", None, false);
        let list = [running, failed, replica, own.clone(), older];
        assert_eq!(judge(&list, &own.uid), Verdict::Latest);
    }

    #[test]
    fn without_its_own_recovery_listed_the_starts_decide() {
        let own = uid(0);
        let older = recovery(&uid(-600), "DeadMaster", Some("db1"), true);
        assert_eq!(judge(std::slice::from_ref(&older), &own), Verdict::Latest);
        assert_eq!(judge(&[], &own), Verdict::Latest);
        let newer = recovery(&uid(60), "DeadCoMaster", Some("db3"), true);
        assert_eq!(
            newer_uid(judge(&[newer.clone(), older.clone()], &own)),
            Some(newer.uid)
        );
        // A UID without a start cannot be compared: unknown, never superseded.
        assert!(matches!(judge(&[older], "r-1"), Verdict::Unknown(_)));
    }
}
