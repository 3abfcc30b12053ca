//! A reparent cleared to go to vtctld: the `received` record, the conversation with vtctld
//! (`send`) within the deadline and its outer guard, and how it ended: the conclusion, its
//! message, and the settlement left in the shard's turn file.

use std::time::Duration;

use super::latest::{LatestCheck, NewerRecovery};
use super::newer::{self, Newer};
use super::send::{self, Done};
use super::{Job, recovery_uid, turn};
use crate::budget::Budget;
use crate::exit::{Failure, FailureKind};
use crate::record::recorder::{Conclusion, Recorder};
use crate::record::shard_turn::{Settled, ShardTurn};
use crate::record::{Details, Outcome, REPARENT_RPC};
use crate::signals;
use crate::vtctld::client::millis;
use crate::vtctld::{Reparented, Session};

/// How the conversation with vtctld ended.
enum Ended {
    Finished(Result<Done, Failure>),
    /// The guard past the deadline fired while a call was still running.
    Abandoned,
    Signal((i32, &'static str)),
}

/// Writes the `received` record, resolves the successor, reparents, and concludes.
pub(super) fn execute(recorder: &mut Recorder, job: Job, budget: Budget) -> Conclusion {
    let started = budget.started();
    let Job {
        settings,
        client,
        question,
        mut details,
        allow_unverified_alias,
        mut latest,
    } = job;
    let runtime = match super::super::runtime() {
        Ok(runtime) => runtime,
        Err(failure) => return Conclusion::failure(failure.kind, failure.message, details),
    };
    recorder.write_first(Outcome::Received, &details, budget.first_record_until());

    let deadline = tokio::time::Instant::from_std(budget.deadline());
    let mut session = Session::new(client, settings.api, settings.attempt_timeout, deadline);
    let mut notes = Vec::new();
    let mut turn = None;
    let mut steps = Vec::new();
    let ended = runtime.block_on(async {
        let work = tokio::time::timeout_at(
            tokio::time::Instant::from_std(budget.guard()),
            send::reparent(
                &mut session,
                &question,
                &mut details,
                &mut notes,
                recorder,
                allow_unverified_alias,
                send::Turns {
                    turn: &mut turn,
                    until: budget.deadline(),
                    steps: &mut steps,
                },
                latest.as_mut(),
            ),
        );
        tokio::select! {
            biased;
            signal = signals::wait() => Ended::Signal(signal),
            result = work => match result {
                Err(_) => Ended::Abandoned,
                Ok(Err(failure)) if matches!(failure.kind, FailureKind::Interrupted(_)) => {
                    signals::caught().map_or(Ended::Finished(Err(failure)), Ended::Signal)
                }
                Ok(finished) => Ended::Finished(finished),
            },
        }
    });
    // A name look-up may still sit in a blocking thread; do not wait for it.
    runtime.shutdown_background();

    for note in notes {
        recorder.note(note);
    }
    let in_flight = match ended {
        Ended::Abandoned => "TIMEOUT",
        _ => "INTERRUPTED",
    };
    details.vtctld_events = session.client.take_events();
    let mut attempts = session.attempts(in_flight);
    newer::relabel(&mut attempts, &steps);
    details.set_attempts(attempts);
    details.duration_ms = Some(millis(started.elapsed()));
    recorder.progress(&details);
    let alias = latest.as_ref().map(LatestCheck::alias);
    let conclusion = conclude(ended, details, alias, started.elapsed());
    if let Some(turn) = &mut turn {
        settle(recorder, turn, &conclusion);
    }
    // The turn passes on here, once the outcome is settled.
    drop(turn);
    conclusion
}

/// The conclusion of how the conversation with vtctld ended. `alias` is the cluster alias
/// Orchestrator's recoveries were asked about.
fn conclude(
    ended: Ended,
    mut details: Details,
    alias: Option<&str>,
    elapsed: Duration,
) -> Conclusion {
    match ended {
        Ended::Finished(Ok(Done::Reparented(result))) => {
            let message = summary(&details, &result, elapsed);
            super::super::record_reparented(&mut details, &result);
            Conclusion::success(Outcome::Ok, message, details)
        }
        Ended::Finished(Ok(Done::Superseded(newer))) => superseded(details, &newer),
        Ended::Finished(Ok(Done::Outdated(newer))) => outdated(details, &newer, alias),
        Ended::Finished(Ok(Done::Duplicate(earlier))) => duplicate(details, &earlier),
        Ended::Finished(Err(failure)) => {
            Conclusion::failure(failure.kind, failure.message, details)
        }
        Ended::Abandoned => Conclusion::failure(
            FailureKind::DeadlinePassed,
            "deadline passed while a call to vtctld was still running",
            details,
        ),
        Ended::Signal(signal) => Conclusion::interrupted_run(details, signal),
    }
}

/// Leaves a final `ok` or `superseded` in the shard's turn file, for a later run of the same
/// recovery; a run without a recovery UID leaves nothing. A settlement that cannot be written is
/// a warning and a note: the outcome stands.
fn settle(recorder: &mut Recorder, turn: &mut ShardTurn, conclusion: &Conclusion) {
    let tablet = match conclusion.outcome {
        Outcome::Ok => conclusion
            .details
            .new_primary
            .clone()
            .or_else(|| conclusion.details.alias.clone()),
        Outcome::Superseded => conclusion
            .details
            .newer_primary
            .clone()
            .or_else(|| conclusion.details.newer_recovery_successor_alias.clone()),
        _ => return,
    };
    let Some(uid) = recovery_uid(recorder) else {
        return;
    };
    if let Err(e) = turn::settle(turn, &uid, conclusion.outcome, tablet) {
        let warning = format!(
            "the settlement was not written ({e}): a later run of recovery {uid} will not know it was settled"
        );
        crate::output::err(&format!("warning: {warning}"));
        recorder.note(warning);
    }
}

/// `superseded`: nothing sent, naming the newer primary and its term.
fn superseded(mut details: Details, newer: &Newer) -> Conclusion {
    let term = newer.term_text();
    details.newer_primary = Some(newer.alias.to_string());
    details.newer_primary_term.clone_from(&term);
    let shard = details
        .failed_shard
        .clone()
        .unwrap_or_else(|| "the shard".to_owned());
    let since = term
        .map(|t| format!(", term since {t}"))
        .unwrap_or_default();
    let successor = details
        .alias
        .clone()
        .unwrap_or_else(|| "the successor".to_owned());
    let message = format!(
        "superseded, nothing sent to vtctld: {shard}'s primary is now {}{since}, made by a newer failover since this run began; reparenting to {successor} would undo it",
        newer.alias
    );
    Conclusion::success(Outcome::Superseded, message, details)
}

/// `superseded` by Orchestrator: nothing sent, naming the newer recovery and its successor.
fn outdated(mut details: Details, newer: &NewerRecovery, alias: Option<&str>) -> Conclusion {
    details.newer_recovery_uid = Some(newer.uid.clone());
    details
        .newer_recovery_successor
        .clone_from(&newer.successor);
    details
        .newer_recovery_successor_alias
        .clone_from(&newer.successor_alias);
    let promoted = match (&newer.successor, &newer.successor_alias) {
        (Some(mysql), Some(alias)) => format!("{mysql} ({alias})"),
        (Some(mysql), None) => mysql.clone(),
        (None, Some(alias)) => alias.clone(),
        (None, None) => "its successor".to_owned(),
    };
    let successor = details
        .alias
        .clone()
        .unwrap_or_else(|| "the successor".to_owned());
    let message = format!(
        "superseded, nothing sent to vtctld: Orchestrator's latest master recovery of {} is {}, \
         newer than this run's, and promoted {promoted}; reparenting to {successor} would undo it",
        alias.unwrap_or("the cluster"),
        newer.uid
    );
    Conclusion::success(Outcome::Superseded, message, details)
}

/// `duplicate`: nothing sent, naming the earlier settlement.
fn duplicate(mut details: Details, earlier: &Settled) -> Conclusion {
    details.settled_by = Some(earlier.hook.clone());
    details.settled_tablet.clone_from(&earlier.tablet);
    details.settled_at = Some(earlier.at.clone());
    let tablet = earlier
        .tablet
        .as_ref()
        .map(|t| format!(" ({t} made primary)"))
        .unwrap_or_default();
    let message = format!(
        "duplicate, nothing sent to vtctld: recovery {} was already settled by {} at {}{tablet}",
        earlier.recovery_uid, earlier.hook, earlier.at
    );
    Conclusion::success(Outcome::Duplicate, message, details)
}

/// `reparented commerce/0: zone1-0000000101 is primary (was zone1-0000000100) via vtctld-a:15999
/// [vtctld api] in 12 ms, 1 attempt (+1 look-up call)`
fn summary(details: &Details, result: &Reparented, elapsed: Duration) -> String {
    let scope = match (&result.keyspace, &result.shard) {
        (Some(keyspace), Some(shard)) => format!(" {keyspace}/{shard}"),
        _ => details
            .failed_shard
            .as_ref()
            .map(|shard| format!(" {shard}"))
            .unwrap_or_default(),
    };
    let primary = result
        .new_primary
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| details.alias.clone())
        .unwrap_or_else(|| "the successor".to_owned());
    let was = match &result.old_primary {
        _ if details.already_primary => " (already was)".to_owned(),
        Some(old) if result.new_primary.as_ref() == Some(old) => " (already was)".to_owned(),
        Some(old) => format!(" (was {old})"),
        None => String::new(),
    };
    // As the record shows them: an attempt that ended in its listing is a look-up call.
    let reparents = details
        .attempt_log
        .iter()
        .filter(|a| a.rpc == REPARENT_RPC)
        .count();
    let attempts =
        crate::vtctld::retry::attempts_text(reparents, details.attempt_log.len() - reparents);
    let unverified = if details.verification == Some("unverified") {
        " (unverified, as --allow-unverified-alias asks)"
    } else {
        ""
    };
    format!(
        "reparented{scope}: {primary} is primary{was}{unverified} via {} [{} api] in {} ms, {attempts}",
        result.server,
        result.api.as_str(),
        millis(elapsed),
    )
}
