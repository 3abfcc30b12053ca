//! Converging one shard: its turn (no `reparent` of it runs meanwhile on this host), the
//! records, and TabletExternallyReparented through reparent's retries and deadline.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};

use super::Reconcile;
use crate::alias::TabletAlias;
use crate::exit::{Failure, FailureKind, Outcome};
use crate::reconcile::Settled;
use crate::record::format::render;
use crate::record::log_file::RecoveryLog;
use crate::record::shard_turn::{self, ShardTurn};
use crate::record::{Details, Record};
use crate::shard::Shard;
use crate::signals;
use crate::vtctld::{ApiKind, Reparented, Rpc};

/// How long a pass waits for a shard's turn: a `reparent` holding it may run for its whole
/// deadline, and the next pass looks again.
const TURN_WAIT: Duration = Duration::from_millis(200);

/// What was done about a shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Action {
    None,
    /// `--dry-run`: the reparent that would be sent.
    WouldSend,
    /// vtctld confirmed the new primary.
    Sent(String),
    /// The reparent failed.
    Failed(FailureKind, String),
    /// A `reparent` of the shard holds its turn: left to it, looked at again next pass.
    Busy(String),
    /// A run settled the shard after this pass listed it: the listing is stale.
    Changed(String),
}

impl Action {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::WouldSend => "would-send",
            Self::Sent(_) => "sent",
            Self::Failed(..) => "failed",
            Self::Busy(_) => "busy",
            Self::Changed(_) => "changed",
        }
    }
}

/// Makes `tablet` primary of `shard`, as `settled`'s recovery did in Orchestrator.
pub(super) fn converge(
    reconcile: &Reconcile,
    shard: &Shard,
    settled: &Settled<'_>,
    tablet: &TabletAlias,
    why: &str,
    listed_at: DateTime<Utc>,
) -> Action {
    let mut turn = match ShardTurn::take(&reconcile.log.path, shard, Instant::now() + TURN_WAIT) {
        Ok(turn) => turn,
        Err(e) => return Action::Busy(format!("{e:#}")),
    };
    if let Some(later) = turn.settled().iter().rev().find(|s| {
        DateTime::parse_from_rfc3339(&s.at).is_ok_and(|at| at.with_timezone(&Utc) > listed_at)
    }) {
        return Action::Changed(format!(
            "{} settled recovery {} ({}) after this pass listed the tablets; next pass",
            later.hook, later.recovery_uid, later.outcome
        ));
    }
    let mut run = Run::new(reconcile, shard, settled, tablet, why);
    run.write(Outcome::Received, None);
    let result = send(reconcile, tablet, &mut run.details);
    let action = match result {
        Ok(reparented) => {
            super::super::record_reparented(&mut run.details, &reparented);
            run.write(Outcome::Ok, Some(0));
            let settlement = shard_turn::Settled {
                recovery_uid: settled.recovery.uid.clone(),
                hook: "reconcile".to_owned(),
                outcome: Outcome::Ok.as_str().to_owned(),
                tablet: Some(tablet.to_string()),
                at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            };
            if let Err(e) = turn.settle(settlement) {
                run.notes.push(format!("{e:#}"));
            }
            Action::Sent(format!(
                "{tablet} is primary of {shard} via {}",
                reparented.server
            ))
        }
        Err(failure) => {
            run.details.error = Some(failure.message.clone());
            run.write(failure.kind.outcome(), Some(failure.kind.status().code()));
            Action::Failed(failure.kind, failure.message)
        }
    };
    match run.write_errors.is_empty() {
        true => action,
        false => Action::Failed(FailureKind::RecordMissing, run.write_errors.join("; ")),
    }
}

/// One convergence's records: the recovery's event, what was learnt, `hook=reconcile`.
struct Run<'r> {
    reconcile: &'r Reconcile,
    event: crate::event::FailoverEvent,
    details: Details,
    notes: Vec<String>,
    log: Option<RecoveryLog>,
    write_errors: Vec<String>,
}

impl<'r> Run<'r> {
    fn new(
        reconcile: &'r Reconcile,
        shard: &Shard,
        settled: &Settled<'_>,
        tablet: &TabletAlias,
        why: &str,
    ) -> Self {
        let details = Details {
            alias: Some(tablet.to_string()),
            alias_source: Some("lookup"),
            failed_shard: Some(shard.to_string()),
            verification: Some("verified"),
            reason: Some(why.to_owned()),
            ..Details::default()
        };
        Self {
            reconcile,
            event: settled.recovery.event(),
            details,
            notes: settled.note.iter().cloned().collect(),
            log: None,
            write_errors: Vec::new(),
        }
    }

    /// Appends one record; a failure is kept for the pass's report, never fatal.
    fn write(&mut self, outcome: Outcome, exit_status: Option<u8>) {
        let invalid = BTreeMap::new();
        let mut record = Record::new(outcome, &self.event, &invalid, &self.details, &self.notes);
        record.hook = Some("reconcile");
        record.exit_status = exit_status;
        let line = render(&record.to_map(), self.reconcile.log.format);
        let settings = &self.reconcile.log;
        let appended = match &mut self.log {
            Some(log) => log.append(&line, Instant::now() + self.reconcile.settings.deadline),
            None => RecoveryLog::open(&settings.path, settings.fsync).and_then(|mut log| {
                let appended = log.append(&line, Instant::now() + self.reconcile.settings.deadline);
                self.log = Some(log);
                appended
            }),
        };
        if let Err(e) = appended {
            self.write_errors.push(format!("record not written: {e:#}"));
        }
    }
}

/// TabletExternallyReparented for `tablet`, through the retry loop within the deadline; a signal
/// stops it.
fn send(
    reconcile: &Reconcile,
    tablet: &TabletAlias,
    details: &mut Details,
) -> Result<Reparented, Failure> {
    let (runtime, mut session) = super::super::vtctld_session(&reconcile.settings)?;
    let started = Instant::now();
    let result = runtime.block_on(async {
        tokio::select! {
            biased;
            (number, name) = signals::wait() => Err(Failure::new(
                FailureKind::Interrupted(number),
                format!("{name} while sending the reparent"),
            )),
            result = session.call(
                Rpc::TabletExternallyReparented,
                async |client, index, api, budget| match api {
                    ApiKind::Vtctld => client.reparent_typed(index, tablet, budget).await,
                    ApiKind::Vtctl => client.reparent_legacy(index, tablet, budget).await,
                },
            ) => result,
        }
    });
    runtime.shutdown_background();
    details.set_attempts(session.attempts("INTERRUPTED"));
    details.duration_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    result
}
