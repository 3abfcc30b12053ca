//! `reparent`: record the failover, prove that the successor is the failed shard's own
//! promotable tablet, tell vtctld, and record what vtctld answered.

use std::ffi::OsStr;
use std::time::Instant;

use crate::cli::{OrchestratorApiArgs, ReparentArgs, setting};
use crate::connection::ConnectionSettings;
use crate::event::ReadEvent;
use crate::exit::{ExitStatus, FailureKind};
use crate::plan::{self, Decision};
use crate::record::recorder::{Conclusion, Recorder};
use crate::record::{Details, Outcome};
use crate::settings::Problems;
use crate::successor::Question;
use crate::tablet::Promotable;
use crate::vtctld::Client;

mod choose;
mod dry_run;
pub(super) mod execute;
pub(super) mod latest;
pub(super) mod newer;
pub(super) mod send;
mod turn;

use latest::{LatestCheck, Setup};

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
        Plan::Reparent(job) => execute::execute(&mut recorder, *job, budget),
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

/// The recovery UID, unless absent or a literal placeholder (`--allow-placeholders`): only a
/// real one identifies a recovery that a later run may repeat.
fn recovery_uid(recorder: &Recorder) -> Option<String> {
    recorder
        .event()
        .recovery_uid
        .clone()
        .filter(|uid| !uid.is_empty() && !crate::event::is_placeholder(uid))
}

fn with_notes(message: &str, notes: &[String]) -> String {
    if notes.is_empty() {
        message.to_owned()
    } else {
        format!("{message} ({})", notes.join("; "))
    }
}
