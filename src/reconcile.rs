//! Pure: does a shard's primary in Vitess agree with Orchestrator's settled recovery of it, and
//! may `reconcile` make it agree? The tablet is chosen by exactly the rules `reparent` applies
//! (`plan::decide`, `successor::resolve`); a newer reparent on the Vitess side is never undone.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::alias::TabletAlias;
use crate::endpoint::HostMatch;
use crate::orchestrator::{InstanceKey, Recovery};
use crate::plan::{self, Decision};
use crate::proto::topodata::Tablet;
use crate::shard::Shard;
use crate::successor::{self, Question, Resolution, Scope};
use crate::tablet::{self, Promotable};

/// A recovery that has ended, succeeded, promoted a successor, and was a master failover.
#[derive(Debug, Clone)]
pub struct SettledRecovery<'a> {
    pub recovery: &'a Recovery,
    /// When it ended, UTC.
    pub ended: DateTime<Utc>,
    /// How its end's time zone was read, when not as UTC.
    pub note: Option<String>,
}

/// What a pass found for one shard, and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Vitess's primary is the settled recovery's successor.
    InSync { uid: String, primary: String },
    /// Orchestrator lists no successful master recovery of the shard's alias.
    NoRecovery,
    /// Orchestrator's newest recovery of the shard has not ended.
    RecoveryRunning { uid: String },
    /// Orchestrator's newest master recovery of the shard did not promote anyone.
    NewerRecoveryFailed { uid: String },
    /// vtctld's primary of the shard has no primary term: whether it took office before the
    /// recovery ended cannot be shown.
    TermUnknown { uid: String, primary: String },
    /// The settled recovery ended less than `--settle` ago: its hook may still be running.
    Settling { uid: String, settles_at: String },
    /// Orchestrator's master now is not the recovery's successor: it has moved on.
    OrchestratorMovedOn {
        uid: String,
        successor: String,
        master: String,
    },
    /// The rules `reparent` applies refuse the recovery's successor.
    SuccessorRefused { uid: String, reason: String },
    /// Vitess's primary took office after the recovery ended (a newer reparent): left alone.
    VitessNewer {
        uid: String,
        primary: String,
        term: String,
    },
    /// Orchestrator's answer could not be read (an end time in no zone).
    Unreadable { uid: String, reason: String },
    /// Vitess lags the settled recovery: its successor is to be made primary.
    Converge {
        uid: String,
        tablet: TabletAlias,
        described: String,
        primary: Option<String>,
    },
}

impl Verdict {
    /// The verdict's name in reports and records.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InSync { .. } => "in-sync",
            Self::NoRecovery => "no-recovery",
            Self::RecoveryRunning { .. } => "recovery-running",
            Self::NewerRecoveryFailed { .. } => "newer-recovery-failed",
            Self::TermUnknown { .. } => "term-unknown",
            Self::Settling { .. } => "settling",
            Self::OrchestratorMovedOn { .. } => "orchestrator-moved-on",
            Self::SuccessorRefused { .. } => "successor-refused",
            Self::VitessNewer { .. } => "vitess-newer",
            Self::Unreadable { .. } => "unreadable",
            Self::Converge { .. } => "converge",
        }
    }

    /// The recovery the verdict is about.
    pub fn uid(&self) -> Option<&str> {
        match self {
            Self::NoRecovery => None,
            Self::InSync { uid, .. }
            | Self::RecoveryRunning { uid }
            | Self::NewerRecoveryFailed { uid }
            | Self::TermUnknown { uid, .. }
            | Self::Settling { uid, .. }
            | Self::OrchestratorMovedOn { uid, .. }
            | Self::SuccessorRefused { uid, .. }
            | Self::VitessNewer { uid, .. }
            | Self::Unreadable { uid, .. }
            | Self::Converge { uid, .. } => Some(uid),
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InSync { uid, primary } => {
                write!(f, "{primary} is primary, as recovery {uid} made it")
            }
            Self::NoRecovery => f.write_str("Orchestrator lists no settled master recovery"),
            Self::RecoveryRunning { uid } => write!(f, "recovery {uid} has not ended"),
            Self::NewerRecoveryFailed { uid } => write!(
                f,
                "Orchestrator's newest master recovery, {uid}, promoted no one: nothing to follow"
            ),
            Self::TermUnknown { uid, primary } => write!(
                f,
                "{primary} has no primary term: whether it took office before recovery {uid} \
                 ended cannot be shown, so it is left alone"
            ),
            Self::Settling { uid, settles_at } => write!(
                f,
                "recovery {uid} ended recently; its hook may still run (settles at {settles_at})"
            ),
            Self::OrchestratorMovedOn {
                uid,
                successor,
                master,
            } => write!(
                f,
                "recovery {uid} promoted {successor}, but Orchestrator's master is {master} now"
            ),
            Self::SuccessorRefused { uid, reason } => {
                write!(f, "recovery {uid}'s successor is refused: {reason}")
            }
            Self::VitessNewer { uid, primary, term } => write!(
                f,
                "{primary} became primary at {term}, after recovery {uid} ended: left alone"
            ),
            Self::Unreadable { uid, reason } => write!(f, "recovery {uid}: {reason}"),
            Self::Converge {
                uid,
                described,
                primary,
                ..
            } => write!(
                f,
                "recovery {uid} promoted {described}; vtctld's primary is {}",
                primary.as_deref().unwrap_or("none")
            ),
        }
    }
}

/// A recovery of a failure `reparent` acts on (a dead master or co-master), whatever its
/// outcome.
pub fn is_master_failure(recovery: &Recovery) -> bool {
    let mut event = recovery.event();
    // Judged as if it had promoted someone: only the failure's kind counts here.
    event.is_successful = Some(true);
    event.successor_host = Some(String::from("successor"));
    event.successor_port = Some(1);
    plan::decide(&event) == Decision::Reparent
}

/// A recovery that ended successfully with a successor, of a failure `reparent` acts on
/// (`plan::decide`): one that made a new shard primary.
pub fn is_master_recovery(recovery: &Recovery) -> bool {
    recovery.ended()
        && recovery.is_successful
        && plan::decide(&recovery.event()) == Decision::Reparent
}

/// The recovery that decides the shard: the newest master recovery that ended with a
/// successor, `--settle` ago or longer. Anything else is the verdict to report.
pub fn settled(
    recoveries: &[Recovery],
    now: DateTime<Utc>,
    settle: Duration,
) -> Result<SettledRecovery<'_>, Verdict> {
    if let Some(newest) = recoveries.first()
        && !newest.ended()
    {
        return Err(Verdict::RecoveryRunning {
            uid: newest.uid.clone(),
        });
    }
    // The newest recovery of a master failure decides, whatever its outcome: a newer one that
    // failed leaves the cluster where no successful one before it says.
    let recovery = recoveries
        .iter()
        .find(|r| is_master_failure(r))
        .ok_or(Verdict::NoRecovery)?;
    if !is_master_recovery(recovery) {
        return Err(Verdict::NewerRecoveryFailed {
            uid: recovery.uid.clone(),
        });
    }
    let (ended, note) = recovery.ended_at().map_err(|reason| Verdict::Unreadable {
        uid: recovery.uid.clone(),
        reason,
    })?;
    let settles_at = TimeDelta::from_std(settle)
        .ok()
        .and_then(|settle| ended.checked_add_signed(settle))
        .ok_or_else(|| Verdict::Unreadable {
            uid: recovery.uid.clone(),
            reason: format!("{ended} and the settle time pass the end of time"),
        })?;
    if settles_at > now {
        return Err(Verdict::Settling {
            uid: recovery.uid.clone(),
            settles_at: settles_at.to_rfc3339(),
        });
    }
    Ok(SettledRecovery {
        recovery,
        ended,
        note,
    })
}

/// The verdict for a shard whose settled recovery is `settled`, given Orchestrator's master of
/// the cluster now and the whole fleet as a strict listing shows it.
pub fn judge(
    shard: &Shard,
    tablets: &[Tablet],
    settled: &SettledRecovery<'_>,
    master: &InstanceKey,
    promotable: Promotable,
) -> Verdict {
    let recovery = settled.recovery;
    let uid = recovery.uid.clone();
    let event = recovery.event();
    let successor = recovery.successor();
    if successor != master.endpoint() {
        return Verdict::OrchestratorMovedOn {
            uid,
            successor: endpoint_text(successor),
            master: endpoint_text(master.endpoint()),
        };
    }
    let question = Question {
        failed: event.failed(),
        cluster_shard: Some(shard.clone()),
        successor: event.successor(),
        alias: event.successor_alias.clone(),
        promotable,
    };
    let refused = |reason: String| Verdict::SuccessorRefused {
        uid: recovery.uid.clone(),
        reason,
    };
    let primary = match successor::newest_primary(tablets, shard) {
        Ok(primary) => primary,
        Err(refusal) => return refused(refusal.to_string()),
    };
    // The steady state, cheaply: the shard's primary is the successor's very endpoint. Nothing
    // is done then, so nothing more needs proving (the rules read the whole fleet).
    if let (Some(primary), Some(successor)) = (primary, question.successor.as_ref())
        && tablet::endpoint_match(primary, successor) == Some(HostMatch::Identical)
    {
        return Verdict::InSync {
            uid,
            primary: tablet::alias_of(primary).map_or_else(String::new, |a| a.to_string()),
        };
    }
    let resolution = successor::resolve(tablets, Scope::WholeFleet, &question);
    if let Resolution::Chosen(chosen) = &resolution
        && chosen.already_primary
        && chosen.shard.as_ref() == Some(shard)
    {
        return Verdict::InSync {
            uid,
            primary: chosen.alias.to_string(),
        };
    }
    if let Some(verdict) = primary.and_then(|p| not_older(p, settled.ended, &uid)) {
        return verdict;
    }
    let chosen = match resolution {
        Resolution::Chosen(chosen) => chosen,
        Resolution::Refused(refusal) => return refused(refusal.to_string()),
    };
    if chosen.shard.as_ref() != Some(shard) {
        return refused(format!("its tablet {} is not of {shard}", chosen.alias));
    }
    Verdict::Converge {
        uid,
        tablet: chosen.alias,
        described: chosen.tablet,
        primary: primary.map(tablet::describe),
    }
}

/// Why the shard's live primary is left alone, unless it provably took office before the
/// recovery ended: one that came after came from a newer reparent, never undone whatever the
/// rules would say of the recovery's successor; one without a term cannot be shown older.
fn not_older(primary: &Tablet, ended: DateTime<Utc>, uid: &str) -> Option<Verdict> {
    match term_start(primary) {
        Some(term) if term >= ended => Some(Verdict::VitessNewer {
            uid: uid.to_owned(),
            primary: tablet::describe(primary),
            term: term.to_rfc3339(),
        }),
        Some(_) => None,
        None => Some(Verdict::TermUnknown {
            uid: uid.to_owned(),
            primary: tablet::describe(primary),
        }),
    }
}

/// When a PRIMARY tablet took office, as vtctld records it.
fn term_start(primary: &Tablet) -> Option<DateTime<Utc>> {
    let (seconds, nanos) = tablet::primary_term(primary)?;
    DateTime::from_timestamp(seconds, u32::try_from(nanos).unwrap_or(0))
}

fn endpoint_text(endpoint: Option<(String, u16)>) -> String {
    endpoint.map_or_else(
        || "none".to_owned(),
        |(host, port)| format!("{host}:{port}"),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::proto::topodata::{TabletAlias as Alias, TabletType};
    use crate::proto::vttime::Time;

    /// 2026-12-07 16:00:00 UTC.
    const NOON: i64 = 1_796_659_200;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(NOON + seconds, 0).unwrap()
    }

    fn tablet(uid: u32, host: &str, kind: TabletType, term: Option<i64>) -> Tablet {
        Tablet {
            alias: Some(Alias {
                cell: "zone1".into(),
                uid,
            }),
            keyspace: "commerce".into(),
            shard: "0".into(),
            r#type: kind as i32,
            mysql_hostname: host.into(),
            mysql_port: 3306,
            primary_term_start_time: term.map(|s| Time {
                seconds: NOON + s,
                nanoseconds: 0,
            }),
            ..Tablet::default()
        }
    }

    /// db1 failed, `successor` promoted; ended at NOON + `end` (not ended when `None`).
    fn recovery(uid: &str, analysis: &str, successor: &str, end: Option<i64>) -> Recovery {
        let start = NOON + end.unwrap_or(0) - 5;
        serde_json::from_value(json!({
            "UID": format!("{}:{uid}", start * 1_000_000_000),
            "IsSuccessful": end.is_some(),
            "SuccessorKey": {"Hostname": successor, "Port": 3306},
            "RecoveryEndTimestamp": end.map_or(String::new(), |e| at(e).format("%Y-%m-%d %H:%M:%S").to_string()),
            "AnalysisEntry": {
                "AnalyzedInstanceKey": {"Hostname": "db1", "Port": 3306},
                "Analysis": analysis,
                "ClusterDetails": {"ClusterAlias": "commerce.0"},
            },
        }))
        .unwrap()
    }

    fn shard() -> Shard {
        Shard {
            keyspace: "commerce".into(),
            shard: "0".into(),
        }
    }

    fn key(host: &str) -> InstanceKey {
        InstanceKey {
            hostname: host.into(),
            port: 3306,
        }
    }

    const SETTLE: Duration = Duration::from_secs(300);

    #[test]
    fn the_settled_recovery_is_the_newest_ended_master_recovery_settle_ago() {
        let intermediate = recovery("i", "DeadIntermediateMaster", "db5", Some(-100));
        let failed = recovery("f", "DeadMaster", "db2", None);
        let mut unsuccessful = recovery("u", "DeadMaster", "db2", Some(-200));
        unsuccessful.is_successful = false;
        let good = recovery("g", "DeadMasterAndSomeReplicas", "db2", Some(-900));
        let list = [intermediate.clone(), good.clone()];
        let settled = settled(&list, at(0), SETTLE).unwrap();
        assert_eq!(settled.recovery.uid.split(':').nth(1), Some("g"));
        assert_eq!(settled.ended, at(-900));

        assert_eq!(
            settled_kind(&[failed, intermediate.clone()], at(0)),
            "recovery-running"
        );
        assert_eq!(
            settled_kind(std::slice::from_ref(&intermediate), at(0)),
            "no-recovery"
        );
        // A newer master recovery that promoted no one: nothing to follow.
        assert_eq!(
            settled_kind(&[intermediate, unsuccessful, good], at(0)),
            "newer-recovery-failed"
        );
        assert_eq!(
            settled_kind(&[recovery("r", "DeadMaster", "db2", Some(-60))], at(0)),
            "settling"
        );
    }

    fn settled_kind(list: &[Recovery], now: DateTime<Utc>) -> &'static str {
        settled(list, now, SETTLE).map_or_else(|v| v.kind(), |_| "settled")
    }

    fn verdict(tablets: &[Tablet], master: &str) -> Verdict {
        let list = [recovery("g", "DeadMaster", "db2", Some(-900))];
        let settled = settled(&list, at(0), SETTLE).unwrap();
        judge(
            &shard(),
            tablets,
            &settled,
            &key(master),
            Promotable::only_replicas(),
        )
    }

    #[test]
    fn vitess_lagging_the_recovery_converges_to_its_successor() {
        let lagging = [
            tablet(100, "db1", TabletType::Primary, Some(-86_400)),
            tablet(101, "db2", TabletType::Replica, None),
        ];
        match verdict(&lagging, "db2") {
            Verdict::Converge {
                tablet, primary, ..
            } => {
                assert_eq!(tablet.to_string(), "zone1-0000000101");
                assert!(primary.unwrap().starts_with("zone1-0000000100"));
            }
            other => panic!("{other:?}"),
        }
        let agreeing = [
            tablet(100, "db1", TabletType::Replica, None),
            tablet(101, "db2", TabletType::Primary, Some(-890)),
        ];
        assert_eq!(verdict(&agreeing, "db2").kind(), "in-sync");
    }

    #[test]
    fn a_newer_primary_orchestrator_moving_on_and_refusals_are_never_converged() {
        let newer = [
            tablet(100, "db1", TabletType::Primary, Some(-10)),
            tablet(101, "db2", TabletType::Replica, None),
        ];
        assert_eq!(verdict(&newer, "db2").kind(), "vitess-newer");
        let termless = [
            tablet(100, "db1", TabletType::Primary, None),
            tablet(101, "db2", TabletType::Replica, None),
        ];
        assert_eq!(verdict(&termless, "db2").kind(), "term-unknown");
        let lagging = [
            tablet(100, "db1", TabletType::Primary, Some(-86_400)),
            tablet(101, "db2", TabletType::Replica, None),
        ];
        assert_eq!(verdict(&lagging, "db9").kind(), "orchestrator-moved-on");
        let rdonly = [
            tablet(100, "db1", TabletType::Primary, Some(-86_400)),
            tablet(101, "db2", TabletType::Rdonly, None),
        ];
        assert_eq!(verdict(&rdonly, "db2").kind(), "successor-refused");
        let tied = [
            tablet(100, "db1", TabletType::Primary, None),
            tablet(103, "db3", TabletType::Primary, None),
            tablet(101, "db2", TabletType::Replica, None),
        ];
        assert_eq!(verdict(&tied, "db2").kind(), "successor-refused");
    }
}
