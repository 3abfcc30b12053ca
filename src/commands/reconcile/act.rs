//! Converging one shard: leadership asked again, the shard's turn (no `reparent` of it runs
//! meanwhile on this host), the records, and TabletExternallyReparented through `reparent`'s own
//! attempt (`reparent::send::Attempt`): before every attempt the shard is listed again and
//! Orchestrator's recoveries read again, and a newer primary or recovery stops it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};

use super::super::reparent::latest::LatestCheck;
use super::super::reparent::newer::{self, Watch};
use super::super::reparent::send::{Attempt, Done};
use super::Reconcile;
use crate::alias::TabletAlias;
use crate::exit::{Failure, FailureKind, Outcome};
use crate::orchestrator::OrchestratorApi;
use crate::proto::topodata::Tablet;
use crate::reconcile::SettledRecovery;
use crate::record::format::render;
use crate::record::log_file::RecoveryLog;
use crate::record::shard_turn::{self, ShardTurn};
use crate::record::textfile::Pending;
use crate::record::{Details, Record};
use crate::shard::Shard;
use crate::signals;
use crate::vtctld::Rpc;

/// How long a pass waits for a shard's turn: a `reparent` holding it may run for its whole
/// deadline, and the next pass looks again.
const TURN_WAIT: Duration = Duration::from_millis(200);

/// What was done about a shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Action {
    None,
    /// `--dry-run`: the reparent that would be sent.
    WouldSend,
    /// vtctld confirmed the new primary; the error of a record that could not be written.
    Sent {
        how: String,
        record_error: Option<String>,
    },
    /// The reparent failed, or was not sent because a record or the turn file could not be
    /// written.
    Failed(FailureKind, String),
    /// A `reparent` of the shard holds its turn: left to it, looked at again next pass.
    Busy(String),
    /// What the pass saw changed before the reparent went out (a run settled the shard, a newer
    /// primary or recovery, leadership moved): nothing sent, the next pass looks again.
    Changed(String),
}

impl Action {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::WouldSend => "would-send",
            Self::Sent { .. } => "sent",
            Self::Failed(..) => "failed",
            Self::Busy(_) => "busy",
            Self::Changed(_) => "changed",
        }
    }
}

/// Makes `tablet` primary of `shard`, as `settled`'s recovery did in Orchestrator; `tablets` is
/// the pass's listing, `listed_at` when it was made.
pub(super) fn converge(
    reconcile: &Reconcile,
    shard: &Shard,
    settled: &SettledRecovery<'_>,
    tablet: &TabletAlias,
    why: &str,
    (tablets, listed_at): (&[Tablet], DateTime<Utc>),
) -> Action {
    match reconcile.ask("leader-check", OrchestratorApi::is_leader) {
        Ok(true) => {}
        Ok(false) => return Action::Changed("this Orchestrator node no longer leads".to_owned()),
        Err(failure) => return Action::Failed(failure.kind, failure.message),
    }
    let Some(watch) = Watch::began(tablets, tablet, true) else {
        return Action::Changed(format!("{tablet} is not in this pass's listing"));
    };
    // The log first: it creates the directory the turn file lives in.
    let mut run = Run::new(reconcile, shard, settled, tablet, why);
    if let Err(e) = run.open() {
        return Action::Failed(
            FailureKind::RecordMissing,
            format!("{e}; nothing sent (reconcile acts only with its record)"),
        );
    }
    let mut turn = match take_turn(reconcile, shard, listed_at) {
        Ok(turn) => turn,
        Err(action) => return action,
    };
    run.write(Outcome::Received, None);
    if let Some(error) = run.write_errors.pop() {
        return Action::Failed(
            FailureKind::RecordMissing,
            format!("{error}; nothing sent (reconcile acts only with its record)"),
        );
    }
    let uid = settled.recovery.uid.clone();
    let latest = LatestCheck::new(Arc::clone(&reconcile.api), alias_of(shard), uid.clone());
    let result = send(reconcile, tablet, &watch, latest, &mut run);
    let (outcome, action) = match ended(result, &mut run, shard, tablet, &uid) {
        Ok(ended) => ended,
        Err(action) => return action,
    };
    // The turn file first: a later run must know, even should the record fail.
    if outcome == Outcome::Ok {
        let settlement = shard_turn::Settled {
            recovery_uid: uid,
            hook: "reconcile".to_owned(),
            outcome: outcome.as_str().to_owned(),
            tablet: Some(tablet.to_string()),
            at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        };
        if let Err(e) = turn.settle(settlement) {
            run.notes.push(format!("{e:#}"));
        }
    }
    run.write(outcome, Some(0));
    match (action, run.write_errors.pop()) {
        (Action::Sent { how, .. }, Some(error)) => Action::Sent {
            how,
            record_error: Some(error),
        },
        (action, _) => action,
    }
}

/// What the reparent's end means: the final record's outcome and the pass's action, or (a
/// failure, its record written) the action alone.
fn ended(
    result: Result<Done, Failure>,
    run: &mut Run<'_>,
    shard: &Shard,
    tablet: &TabletAlias,
    uid: &str,
) -> Result<(Outcome, Action), Action> {
    Ok(match result {
        Ok(Done::Reparented(reparented)) => {
            super::super::record_reparented(&mut run.details, &reparented);
            let how = format!("{tablet} is primary of {shard} via {}", reparented.server);
            (
                Outcome::Ok,
                Action::Sent {
                    how,
                    record_error: None,
                },
            )
        }
        Ok(Done::Superseded(newer)) => {
            run.details.reason = Some(format!(
                "{} became primary of {shard} after this pass listed it; nothing sent",
                newer.alias
            ));
            let why = run.details.reason.clone().unwrap_or_default();
            (Outcome::Superseded, Action::Changed(why))
        }
        Ok(Done::Outdated(newer)) => {
            let why = format!(
                "Orchestrator lists recovery {} newer than {uid}; nothing sent",
                newer.uid
            );
            run.details.reason = Some(why.clone());
            (Outcome::Superseded, Action::Changed(why))
        }
        Ok(Done::Duplicate(_)) => (
            Outcome::Duplicate,
            Action::Changed("a run settled the recovery".to_owned()),
        ),
        Err(failure) => {
            run.details.error = Some(failure.message.clone());
            let outcome = failure.kind.outcome();
            run.write(outcome, Some(failure.kind.status().code()));
            return Err(Action::Failed(failure.kind, failure.message));
        }
    })
}

/// `keyspace.shard`, the alias `discover` gives the shard's cluster.
fn alias_of(shard: &Shard) -> String {
    format!("{}.{}", shard.keyspace, shard.shard)
}

/// The shard's turn. Held by another run past [`TURN_WAIT`]: `busy`. A turn file that cannot be
/// used, or whose history cannot be read, or that a run settled after `listed_at`: no action.
fn take_turn(
    reconcile: &Reconcile,
    shard: &Shard,
    listed_at: DateTime<Utc>,
) -> Result<ShardTurn, Action> {
    let until = Instant::now() + TURN_WAIT;
    let turn = match ShardTurn::take(&reconcile.log.path, shard, until) {
        Ok(turn) => turn,
        Err(e) if Instant::now() >= until => return Err(Action::Busy(format!("{e:#}"))),
        Err(e) => {
            return Err(Action::Failed(
                FailureKind::RecordMissing,
                format!("{e:#}; nothing sent"),
            ));
        }
    };
    if let Some(note) = &turn.note {
        return Err(Action::Failed(
            FailureKind::RecordMissing,
            format!("{note}: what runs settled is unknown; nothing sent"),
        ));
    }
    let later = turn.settled().iter().rev().find(|s| {
        DateTime::parse_from_rfc3339(&s.at).map_or(true, |at| at.with_timezone(&Utc) > listed_at)
    });
    if let Some(later) = later {
        return Err(Action::Changed(format!(
            "{} settled recovery {} ({}) after this pass listed the tablets",
            later.hook, later.recovery_uid, later.outcome
        )));
    }
    Ok(turn)
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
        settled: &SettledRecovery<'_>,
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

    /// Opens the recovery log (creating its directory, as every command does).
    fn open(&mut self) -> Result<(), String> {
        let settings = &self.reconcile.log;
        let log = RecoveryLog::open(&settings.path, settings.fsync)
            .map_err(|e| format!("recovery log not opened: {e:#}"))?;
        self.log = Some(log);
        Ok(())
    }

    /// Appends one record; a failure is kept for the pass's report.
    fn write(&mut self, outcome: Outcome, exit_status: Option<u8>) {
        let invalid = BTreeMap::new();
        let mut record = Record::new(outcome, &self.event, &invalid, &self.details, &self.notes);
        record.hook = Some("reconcile");
        record.exit_status = exit_status;
        let mut map = record.to_map();
        let line = render(&map, self.reconcile.log.format);
        let settings = &self.reconcile.log;
        let until = Instant::now() + self.reconcile.settings.deadline;
        // A final record's run goes into --metrics-textfile, under the log's lock.
        let mut textfile = Pending::new(settings.metrics_textfile.clone(), until);
        let then = || textfile.write(&map);
        let appended = match &mut self.log {
            Some(log) => log.append_then(&line, until, then),
            None => RecoveryLog::open(&settings.path, settings.fsync).and_then(|mut log| {
                let appended = log.append_then(&line, until, then);
                self.log = Some(log);
                appended
            }),
        };
        if let Err(e) = appended {
            self.write_errors
                .push(format!("{} record not written: {e:#}", outcome.as_str()));
            // The run the textfile counts is the one the pass reports: its record is missing.
            if exit_status.is_some() {
                map.insert(
                    "exit_status".into(),
                    FailureKind::RecordMissing.status().code().into(),
                );
            }
        }
        if let Some(warning) = textfile.finish(&map) {
            crate::output::err(&warning);
        }
    }
}

/// TabletExternallyReparented for `tablet` through `reparent`'s attempt (each one checks for a
/// newer primary and recovery first), within the deadline; a signal stops it.
fn send(
    reconcile: &Reconcile,
    tablet: &TabletAlias,
    watch: &Watch,
    mut latest: LatestCheck,
    run: &mut Run<'_>,
) -> Result<Done, Failure> {
    let (runtime, mut session) = super::super::vtctld_session(&reconcile.settings)?;
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + reconcile.settings.deadline;
    let mut steps = Vec::new();
    let mut notes = Vec::new();
    let result = {
        let mut attempt = Attempt::new(
            tablet,
            Some(watch),
            Some(&mut latest),
            &mut steps,
            &mut notes,
            deadline,
        );
        runtime.block_on(async {
            tokio::select! {
                biased;
                (number, name) = signals::wait() => Err(Failure::new(
                    FailureKind::Interrupted(number),
                    format!("{name} while sending the reparent"),
                )),
                result = session.call(
                    Rpc::TabletExternallyReparented,
                    async |client, index, api, budget| {
                        attempt.run(client, index, api, budget).await
                    },
                ) => result,
            }
        })
    };
    runtime.shutdown_background();
    run.notes.extend(notes);
    let mut attempts = session.attempts("INTERRUPTED");
    newer::relabel(&mut attempts, &steps);
    run.details.set_attempts(attempts);
    run.details.duration_ms =
        Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    result
}
