//! Pure: does a shard's primary in Vitess agree with Orchestrator's settled recovery of it, and
//! may `reconcile` make it agree? The tablet is chosen by exactly the rules `reparent` applies
//! (`plan::decide`, `successor::resolve`); a newer reparent on the Vitess side is never undone.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::alias::TabletAlias;
use crate::orchestrator::{InstanceKey, Recovery};
use crate::plan::{self, Decision};
use crate::proto::topodata::Tablet;
use crate::shard::Shard;
use crate::successor::{self, Question, Resolution, Scope};
use crate::tablet::{self, Promotable};

/// A recovery that has ended, succeeded, promoted a successor, and was a master failover.
#[derive(Debug, Clone)]
pub struct Settled<'a> {
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

/// The recovery that decides the shard: the newest master recovery that ended with a
/// successor, `--settle` ago or longer. Anything else is the verdict to report.
pub fn settled(
    recoveries: &[Recovery],
    now: DateTime<Utc>,
    settle: Duration,
) -> Result<Settled<'_>, Verdict> {
    if let Some(newest) = recoveries.first()
        && !newest.ended()
    {
        return Err(Verdict::RecoveryRunning {
            uid: newest.uid.clone(),
        });
    }
    let recovery = recoveries
        .iter()
        .find(|r| r.ended() && r.is_successful && plan::decide(&r.event()) == Decision::Reparent)
        .ok_or(Verdict::NoRecovery)?;
    let (ended, note) = recovery.ended_at().map_err(|reason| Verdict::Unreadable {
        uid: recovery.uid.clone(),
        reason,
    })?;
    let settles_at = ended + TimeDelta::from_std(settle).unwrap_or(TimeDelta::MAX);
    if settles_at > now {
        return Err(Verdict::Settling {
            uid: recovery.uid.clone(),
            settles_at: settles_at.to_rfc3339(),
        });
    }
    Ok(Settled {
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
    settled: &Settled<'_>,
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
    let chosen = match successor::resolve(tablets, Scope::WholeFleet, &question) {
        Resolution::Chosen(chosen) => chosen,
        Resolution::Refused(refusal) => return refused(refusal.to_string()),
    };
    if chosen.shard.as_ref() != Some(shard) {
        return refused(format!(
            "its tablet {} is not of {shard}",
            chosen.alias
        ));
    }
    let primary = match successor::newest_primary(tablets, shard) {
        Ok(primary) => primary,
        Err(refusal) => return refused(refusal.to_string()),
    };
    if chosen.already_primary {
        return Verdict::InSync {
            uid,
            primary: chosen.alias.to_string(),
        };
    }
    if let Some(primary) = primary
        && let Some(term) = term_start(primary)
        && term >= settled.ended
    {
        return Verdict::VitessNewer {
            uid,
            primary: tablet::describe(primary),
            term: term.to_rfc3339(),
        };
    }
    Verdict::Converge {
        uid,
        tablet: chosen.alias,
        described: chosen.tablet,
        primary: primary.map(tablet::describe),
    }
}

/// When a PRIMARY tablet took office, as vtctld records it.
fn term_start(primary: &Tablet) -> Option<DateTime<Utc>> {
    let (seconds, nanos) = tablet::primary_term(primary)?;
    DateTime::from_timestamp(seconds, u32::try_from(nanos).unwrap_or(0))
}

fn endpoint_text(endpoint: Option<(String, u16)>) -> String {
    endpoint.map_or_else(|| "none".to_owned(), |(host, port)| format!("{host}:{port}"))
}
