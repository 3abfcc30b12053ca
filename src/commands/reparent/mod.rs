//! `reparent`: record the failover, prove that the successor is the failed shard's own
//! promotable tablet, tell vtctld, and record what vtctld answered.

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use crate::budget::Budget;
use crate::cli::{OrchestratorApiArgs, ReparentArgs, setting};
use crate::connection::ConnectionSettings;
use crate::event::ReadEvent;
use crate::exit::{ExitStatus, Failure, FailureKind};
use crate::plan::{self, Decision};
use crate::record::recorder::{Conclusion, Recorder};
use crate::record::shard_turn::{Settled, ShardTurn};
use crate::record::{Details, Outcome, REPARENT_RPC};
use crate::settings::Problems;
use crate::signals;
use crate::successor::Question;
use crate::tablet::Promotable;
use crate::vtctld::client::millis;
use crate::vtctld::{ApiKind, Client, Reparented, Rpc, Session};

mod choose;
mod dry_run;
mod latest;
mod newer;
mod turn;

use choose::choose;
use latest::{LatestCheck, NewerRecovery, Setup, Verdict};
use newer::{Newer, Step};
use turn::Taken;

/// Set (to anything) only by the test suite, to prove that a panic still leaves a record. Only
/// debug builds (which the tests run) read it.
#[cfg(debug_assertions)]
const TEST_PANIC_VARIABLE: &str = "ORC_VITESS_HOOK_TEST_PANIC";

/// What the operator allowed on the command line beyond the safety rules.
#[derive(Debug, Clone, Copy)]
struct Overrides {
    allow_unverified_alias: bool,
    allow_placeholders: bool,
}

/// A reparent that validation cleared to go to vtctld.
#[derive(Debug)]
struct Job {
    settings: ConnectionSettings,
    client: Client,
    question: Question,
    details: Details,
    allow_unverified_alias: bool,
    /// With `--orc-api-url`: whether this run's recovery is still Orchestrator's latest.
    latest: Option<LatestCheck>,
}

#[derive(Debug)]
enum Plan {
    /// Nothing to send: the run ends here.
    Conclude(Box<Conclusion>),
    Reparent(Box<Job>),
}

pub fn run(args: ReparentArgs, output: &OsStr) -> ExitStatus {
    let started = Instant::now();
    let ReparentArgs {
        event,
        log,
        connection,
        safety,
        orchestrator,
        verify_alias,
        allow_unverified_alias,
        allow_placeholders,
        dry_run,
        verbose,
    } = args;
    let mut problems = Problems::default();
    let dry_run = problems.boolean(setting::DRY_RUN, dry_run.as_deref());
    let dry_run_in_environment = std::env::var_os(setting::DRY_RUN.variable).is_some();
    let (mut recorder, budget) = super::start_recording(
        &log,
        output,
        ReadEvent::from_args(event),
        &connection,
        started,
    );
    if dry_run {
        recorder = recorder.without_panic_record();
    }
    warn_of_ignored_settings(
        &mut recorder,
        dry_run_in_environment,
        verify_alias.as_deref(),
    );
    #[cfg(debug_assertions)]
    if std::env::var_os(TEST_PANIC_VARIABLE).is_some() {
        panic!("{TEST_PANIC_VARIABLE} is set");
    }
    let promotable = Promotable::from_settings(&safety.allow_types, &mut problems);
    let connection = ConnectionSettings::from_args(&connection);
    let event_problems = recorder.problems().to_vec();
    let overrides = Overrides {
        allow_unverified_alias,
        allow_placeholders,
    };
    let mut plan = make_plan(
        &recorder,
        event_problems,
        problems,
        connection,
        promotable,
        overrides,
        verbose,
    );
    if let Plan::Reparent(job) = &mut plan {
        job.latest = latest_check(&mut recorder, &orchestrator);
    }
    if dry_run {
        return dry_run::report(recorder, plan);
    }
    let conclusion = match plan {
        Plan::Conclude(conclusion) => *conclusion,
        Plan::Reparent(job) => execute(&mut recorder, *job, budget),
    };
    recorder.finish(conclusion)
}

/// Settings that are read and ignored, with a warning: a dry run from the environment (the run
/// is real, and the record says so) and `--verify-alias` (verification is always on).
fn warn_of_ignored_settings(
    recorder: &mut Recorder,
    dry_run_in_environment: bool,
    verify_alias: Option<&OsStr>,
) {
    if dry_run_in_environment {
        let warning = format!(
            "{} is ignored: a dry run comes from the command line only \
             (--dry-run), so this run is real",
            setting::DRY_RUN.variable
        );
        crate::output::err(&format!("warning: {warning}"));
        recorder.note(warning);
    }
    let mut ignored = Problems::default();
    ignored.boolean(setting::VERIFY_ALIAS, verify_alias);
    if let Some(message) = ignored.into_message() {
        crate::output::err(&format!("warning: {message}; the flag does nothing anyway"));
    }
}

/// The check of Orchestrator's latest recovery, when `--orc-api-url` asks for it and it can be
/// made; what stops it is a note (and a warning for a bad setting), never the failover.
fn latest_check(recorder: &mut Recorder, args: &OrchestratorApiArgs) -> Option<LatestCheck> {
    match latest::setup(args, recorder.event(), recovery_uid(recorder)) {
        Setup::Off => None,
        Setup::On(check) => Some(check),
        Setup::Skipped(note) => {
            recorder.note(note);
            None
        }
        Setup::Misconfigured(warning) => {
            crate::output::err(&format!("warning: {warning}"));
            recorder.note(warning);
            None
        }
    }
}

/// Validates in order of blame: the event, the settings, then the decision.
fn make_plan(
    recorder: &Recorder,
    event_problems: Vec<String>,
    problems: Problems,
    connection: anyhow::Result<ConnectionSettings>,
    promotable: Promotable,
    overrides: Overrides,
    verbose: bool,
) -> Plan {
    let settings = match validated(event_problems, problems, connection) {
        Ok(settings) => settings,
        Err(plan) => return plan,
    };
    if let Some(plan) = placeholders_refused(recorder.unfilled(), overrides.allow_placeholders) {
        return plan;
    }
    if let Some(plan) = nothing_to_send(recorder) {
        return plan;
    }
    let client = settings
        .require_servers()
        .and_then(|()| Client::new(&settings, verbose));
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            let message = format!("configuration: {e:#}");
            return conclude_failure(FailureKind::Config, message, Details::default());
        }
    };
    let event = recorder.event();
    let question = Question {
        failed: event.failed(),
        cluster_shard: event.cluster_shard(),
        successor: event.successor(),
        alias: event.successor_alias.clone(),
        promotable,
    };
    let details = Details {
        alias: question.alias.as_ref().map(ToString::to_string),
        alias_source: Some(if question.alias.is_some() {
            "orchestrator"
        } else {
            "lookup"
        }),
        allowed_types: promotable.extra_names(),
        ..Details::default()
    };
    Plan::Reparent(Box::new(Job {
        settings,
        client,
        question,
        details,
        allow_unverified_alias: overrides.allow_unverified_alias,
        latest: None,
    }))
}

/// The settings, unless the event (65, blamed first) or a setting (78) is bad.
fn validated(
    event_problems: Vec<String>,
    problems: Problems,
    connection: anyhow::Result<ConnectionSettings>,
) -> Result<ConnectionSettings, Plan> {
    let (settings, config) = match (problems.into_message(), connection) {
        (None, Ok(settings)) => (Some(settings), None),
        (others, connection) => {
            let messages: Vec<String> = others
                .into_iter()
                .chain(connection.err().map(|e| format!("{e:#}")))
                .collect();
            (None, Some(messages.join("; ")))
        }
    };
    if !event_problems.is_empty() {
        let mut message = format!("invalid input: {}", event_problems.join("; "));
        if let Some(config) = config {
            message.push_str(&format!("; configuration: {config}"));
        }
        return Err(conclude_failure(
            FailureKind::InvalidInput,
            message,
            Details::default(),
        ));
    }
    settings.ok_or_else(|| {
        let message = format!("configuration: {}", config.unwrap_or_default());
        conclude_failure(FailureKind::Config, message, Details::default())
    })
}

/// An identifying value that is a literal placeholder: Orchestrator did not run this line.
fn placeholders_refused(unfilled: &[String], allowed: bool) -> Option<Plan> {
    if unfilled.is_empty() || allowed {
        return None;
    }
    let message = format!(
        "refusing to reparent: {}: a literal placeholder, so Orchestrator did not run this line \
         (it fills every identifying placeholder of a recovery hook); --allow-placeholders runs \
         it anyway",
        unfilled.join(", ")
    );
    Some(conclude_failure(
        FailureKind::InvalidInput,
        message,
        Details::default(),
    ))
}

/// Not a master failure (skipped), or no successor promoted: nothing goes to vtctld.
fn nothing_to_send(recorder: &Recorder) -> Option<Plan> {
    match plan::decide(recorder.event()) {
        Decision::Skip(reason) => {
            let details = Details {
                reason: Some(reason.clone()),
                ..Details::default()
            };
            let message = format!("skipped, nothing sent to vtctld: {reason}");
            Some(Plan::Conclude(Box::new(Conclusion::success(
                Outcome::Skipped,
                message,
                details,
            ))))
        }
        Decision::NoSuccessor(reason) => {
            let message = with_notes(&reason, recorder.notes());
            Some(conclude_failure(
                FailureKind::NoSuccessor,
                message,
                Details::default(),
            ))
        }
        Decision::Reparent => None,
    }
}

fn conclude_failure(kind: FailureKind, message: impl Into<String>, details: Details) -> Plan {
    Plan::Conclude(Box::new(Conclusion::failure(kind, message, details)))
}

/// What a run that went to vtctld did.
enum Done {
    Reparented(Reparented),
    /// Before an attempt, the shard had a newer primary: nothing sent.
    Superseded(Newer),
    /// Before an attempt, Orchestrator listed a newer master recovery: nothing sent.
    Outdated(NewerRecovery),
    /// A run before this one settled the recovery: nothing sent.
    Duplicate(Settled),
}

/// How the conversation with vtctld ended.
enum Ended {
    Finished(Result<Done, Failure>),
    /// The guard past the deadline fired while a call was still running.
    Abandoned,
    Signal((i32, &'static str)),
}

/// Writes the `received` record, resolves the successor, reparents, and concludes.
fn execute(recorder: &mut Recorder, job: Job, budget: Budget) -> Conclusion {
    let started = budget.started();
    let Job {
        settings,
        client,
        question,
        mut details,
        allow_unverified_alias,
        mut latest,
    } = job;
    let runtime = match super::runtime() {
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
            reparent(
                &mut session,
                &question,
                &mut details,
                &mut notes,
                recorder,
                allow_unverified_alias,
                Turns {
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
    let conclusion = match ended {
        Ended::Finished(Ok(Done::Reparented(result))) => {
            let message = summary(&details, &result, started.elapsed());
            super::record_reparented(&mut details, &result);
            Conclusion::success(Outcome::Ok, message, details)
        }
        Ended::Finished(Ok(Done::Superseded(newer))) => superseded(details, &newer),
        Ended::Finished(Ok(Done::Outdated(newer))) => {
            outdated(details, &newer, latest.as_ref().map(LatestCheck::alias))
        }
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
    };
    if let Some(turn) = &mut turn {
        settle(recorder, turn, &conclusion);
    }
    // The turn passes on here, once the outcome is settled.
    drop(turn);
    conclusion
}

/// The recovery UID, unless absent or a literal placeholder (`--allow-placeholders`): only a
/// real one identifies a recovery that a later run may repeat.
fn recovery_uid(recorder: &Recorder) -> Option<String> {
    recorder
        .event()
        .recovery_uid
        .clone()
        .filter(|uid| !uid.is_empty() && !crate::event::is_placeholder(uid))
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
            "the settlement was not written ({e}): a later run of recovery {uid} will not              know it was settled"
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
        "superseded, nothing sent to vtctld: {shard}'s primary is now {}{since}, made by a          newer failover since this run began; reparenting to {successor} would undo it",
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

/// The shard's turn, as `reparent` takes and holds it.
struct Turns<'a> {
    /// Set once taken; held by `execute` until the outcome is settled.
    turn: &'a mut Option<ShardTurn>,
    /// The run's deadline: the turn is waited for no longer.
    until: std::time::Instant,
    /// What each reparent attempt got to do (see `newer::relabel`).
    steps: &'a mut Vec<Step>,
}

/// Takes the turn of the shard the reparent acts on, once it is known: the successor's own
/// shard, else the one a `keyspace.shard` cluster alias names. A run that knows neither takes
/// no turn, and says so.
async fn take_turn(
    recorder: &Recorder,
    shard: Option<&crate::shard::Shard>,
    until: std::time::Instant,
    notes: &mut Vec<String>,
) -> Result<Option<ShardTurn>, Failure> {
    let Some(shard) = shard else {
        notes.push(
            "the shard is unknown: no turn taken, so runs for it are not serialized".to_owned(),
        );
        return Ok(None);
    };
    match turn::take(recorder.log_path(), shard, until).await? {
        Taken::Turn(turn) => {
            notes.extend(turn.note.clone());
            Ok(Some(turn))
        }
        Taken::Unusable(why) => {
            crate::output::err(&format!("warning: {why}"));
            notes.push(why);
            Ok(None)
        }
    }
}

/// Proves the successor, takes the shard's turn, then sends TabletExternallyReparented unless
/// a run before settled this recovery, or (checked before every attempt) a newer failover
/// superseded it: vtctld lists a newer primary, or (`latest`) Orchestrator a newer recovery.
#[allow(clippy::too_many_arguments)]
async fn reparent(
    session: &mut Session,
    question: &Question,
    details: &mut Details,
    notes: &mut Vec<String>,
    recorder: &mut Recorder,
    allow_unverified: bool,
    turns: Turns<'_>,
    mut latest: Option<&mut LatestCheck>,
) -> Result<Done, Failure> {
    let (alias, watch) = choose(session, question, details, notes, allow_unverified).await?;
    if watch.is_none() {
        notes.push(format!(
            "no listing of this run holds {alias}: a newer failover of its shard is not \
             checked for before the reparent"
        ));
    }
    let shard = watch
        .as_ref()
        .map(|w| &w.shard)
        .or(question.cluster_shard.as_ref());
    *turns.turn = take_turn(recorder, shard, turns.until, notes).await?;
    if let Some(turn) = turns.turn.as_ref()
        && let Some(earlier) = turn::settled_before(turn, recovery_uid(recorder).as_deref())
    {
        return Ok(Done::Duplicate(earlier));
    }
    // From here on vtctld is told: a bug must not lose which tablet that was.
    details.set_attempts(session.attempts("IN_FLIGHT"));
    recorder.progress(details);
    // A signal that came during the look-up stops the run before anything is sent.
    if let Some((number, name)) = signals::caught() {
        return Err(Failure::new(
            FailureKind::Interrupted(number),
            format!("interrupted by {name} before the reparent was sent"),
        ));
    }
    let steps = turns.steps;
    let watch = watch.as_ref();
    let deadline = tokio::time::Instant::from_std(turns.until);
    session
        .call(
            Rpc::TabletExternallyReparented,
            async |client, index, api, budget| {
                steps.push(Step::Checking);
                // Orchestrator is asked while vtctld lists the shard, so the check adds no
                // latency of its own; its answer is waited for at most half the attempt.
                let pending = latest.as_deref().and_then(LatestCheck::start);
                let until = latest::wait_until(budget, deadline);
                let checked = async {
                    match (pending, latest.as_deref_mut()) {
                        (Some(pending), Some(check)) => Some(check.finish(pending, until).await),
                        _ => None,
                    }
                };
                // The check is part of the attempt: a listing that fails fails the attempt,
                // retried (or not) as any failed call is; it never counts as "not superseded".
                let listed = async {
                    let Some(watch) = watch else {
                        return Ok(None);
                    };
                    match api {
                        ApiKind::Vtctld => client
                            .get_tablets(index, watch.request(), budget)
                            .await
                            .map(Some),
                        ApiKind::Vtctl => client.list_tablets_legacy(index, budget).await.map(Some),
                    }
                };
                let (checked, listed) = tokio::join!(checked, listed);
                // Orchestrator's newer recovery stops the run even when vtctld's listing failed.
                match checked {
                    Some(Ok(Verdict::Newer(newer))) => {
                        mark(steps, Step::Superseded);
                        return Ok(Done::Outdated(newer));
                    }
                    Some(Ok(Verdict::Unknown(why))) => {
                        let note = format!(
                            "{why}: Orchestrator's recoveries cannot show whether a newer one \
                             exists"
                        );
                        if !notes.contains(&note) {
                            notes.push(note);
                        }
                    }
                    Some(Err(note)) => notes.push(note),
                    Some(Ok(Verdict::Latest)) | None => {}
                }
                if let (Some(watch), Some(tablets)) = (watch, listed?)
                    && let Some(newer) = watch.newer(&tablets)
                {
                    mark(steps, Step::Superseded);
                    return Ok(Done::Superseded(newer));
                }
                mark(steps, Step::Sent);
                // The call is still sent with the attempt's whole budget (the legacy
                // `action_timeout` is `--attempt-timeout`, as documented); the retry loop's
                // timeout bounds the check and the call together.
                let reparented = match api {
                    ApiKind::Vtctld => client.reparent_typed(index, &alias, budget).await?,
                    ApiKind::Vtctl => client.reparent_legacy(index, &alias, budget).await?,
                };
                Ok(Done::Reparented(reparented))
            },
        )
        .await
}

/// Marks what the current attempt got to do.
fn mark(steps: &mut [Step], step: Step) {
    if let Some(last) = steps.last_mut() {
        *last = step;
    }
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

fn with_notes(message: &str, notes: &[String]) -> String {
    if notes.is_empty() {
        message.to_owned()
    } else {
        format!("{message} ({})", notes.join("; "))
    }
}
