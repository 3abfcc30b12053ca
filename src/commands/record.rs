//! `record`: one `recorded` record of an Orchestrator hook's event, for every hook list but
//! PostMasterFailoverProcesses. No network. Exits 0 whatever happens unless `--strict`: a
//! non-zero exit of a `Pre*` hook would abort Orchestrator's recovery.

use std::ffi::{OsStr, OsString};

use clap::Parser;
use std::time::Instant;

use crate::budget;
use crate::cli::{Cli, Command, HOOKS, RecordArgs, setting};
use crate::event::ReadEvent;
use crate::exit::{ExitStatus, FailureKind};
use crate::record::recorder::{Conclusion, Recorder};
use crate::record::{Details, Outcome};
use crate::settings::Problems;

/// The record waits for the log's lock at most this long when `--lock-wait` is bad.
const FALLBACK_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The longest `--lock-wait`: a `Pre*` hook's run holds Orchestrator's recovery (there is no
/// timeout on hooks), so a record never keeps a failover waiting longer than this.
const MAX_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

pub fn run(args: RecordArgs, output: &OsStr) -> ExitStatus {
    let started = Instant::now();
    let RecordArgs {
        hook,
        event,
        log,
        lock_wait,
        strict,
    } = args;
    let mut problems = Problems::default();
    let strict = problems.boolean(setting::STRICT, strict.as_deref());
    let lock_wait = problems
        .duration(
            setting::LOCK_WAIT,
            &lock_wait,
            std::time::Duration::from_millis(10),
            MAX_LOCK_WAIT,
        )
        .unwrap_or(FALLBACK_LOCK_WAIT);
    let given_hook = hook.clone();
    let hook = known_hook(hook.as_deref(), &mut problems);
    let read = ReadEvent::from_args(event);
    let event_problems = read.problems.clone();
    let ends = budget::after(started, lock_wait);
    let mut recorder = super::recorder_for(&log, output, read, ends);
    // The name as given, also when it is not one we know: the record keeps what was given.
    if let Some(given) = &given_hook {
        recorder.set_hook(given.to_string_lossy());
    }
    let config = problems.into_message();
    let failure = match (event_problems.is_empty(), config) {
        (false, config) => {
            let mut message = format!("invalid input: {}", event_problems.join("; "));
            if let Some(config) = config {
                message.push_str(&format!("; configuration: {config}"));
            }
            Some((FailureKind::InvalidInput, message))
        }
        (true, Some(config)) => Some((FailureKind::Config, format!("configuration: {config}"))),
        (true, None) => None,
    };
    let recorded = recorded_message(&recorder, hook, given_hook.as_deref());
    let conclusion = match failure {
        Some((kind, message)) if strict => {
            let mut conclusion = Conclusion::failure(kind, message, Details::default());
            conclusion.outcome = Outcome::Recorded;
            conclusion
        }
        Some((_, message)) => {
            // Not strict: each problem is told, one a line, and recorded; the hook succeeds.
            for problem in message.split("; ") {
                crate::output::err(&format!("warning: {problem}"));
            }
            recorder.note(message);
            Conclusion::success(Outcome::Recorded, recorded, Details::default())
        }
        None => Conclusion::success(Outcome::Recorded, recorded, Details::default()),
    };
    let status = recorder.finish(conclusion);
    if strict { status } else { ExitStatus::Done }
}

/// The hook list `--hook` names, if it is one we know; a missing or unknown name is a problem.
fn known_hook(raw: Option<&OsStr>, problems: &mut Problems) -> Option<&'static str> {
    let Some(raw) = raw else {
        problems.push_message(format!(
            "{}: missing; expected the hook list's name, like PreFailover",
            setting::HOOK
        ));
        return None;
    };
    let known = HOOKS
        .iter()
        .map(|(name, _)| (*name, *name))
        .collect::<Vec<_>>();
    problems.choice(setting::HOOK, raw, &known)
}

/// `recorded PreFailover of recovery r-1`, naming an unknown hook as it was given.
fn recorded_message(recorder: &Recorder, hook: Option<&str>, given: Option<&OsStr>) -> String {
    let uid = recorder
        .event()
        .recovery_uid
        .clone()
        .map(|uid| format!(" of recovery {uid}"))
        .unwrap_or_default();
    let named = match (hook, given) {
        (Some(name), _) => name.to_owned(),
        (None, Some(given)) => format!(
            "hook {:?} (not a hook list we know)",
            given.to_string_lossy()
        ),
        (None, None) => "an unnamed hook".to_owned(),
    };
    format!("recorded {named}{uid}")
}

/// A `record` command line clap could not parse. The event is still recorded, best effort (from
/// the environment, with the log settings the line names), and the hook exits 0 unless the line
/// or the environment asks for `--strict`: a broken `Pre*` hook line must not abort recoveries.
pub fn usage_error(message: &str, args: &[OsString]) -> ExitStatus {
    let Ok(Cli {
        command: Command::Record(from_env),
        ..
    }) = Cli::try_parse_from(["orc-vitess-hook", "record"])
    else {
        crate::output::err(&format!("error: usage: {message}"));
        return ExitStatus::Done;
    };
    let mut record = *from_env;
    if let Some(path) = super::argument_value(args, "log-file") {
        record.log.log_file = path.into();
    }
    if let Some(format) = super::argument_value(args, "log-format") {
        record.log.log_format = format;
    }
    if let Some(hook) = super::argument_value(args, "hook") {
        record.hook = Some(hook);
    }
    let strict_asked = args.iter().any(|a| {
        a.to_str()
            .is_some_and(|t| t == "--strict" || t == "--strict=true")
    });
    let mut problems = Problems::default();
    let strict = strict_asked || problems.boolean(setting::STRICT, record.strict.as_deref());
    let output = super::argument_value(args, "output").unwrap_or(super::from_env_output());
    let read = ReadEvent::from_args(record.event);
    let ends = budget::after(Instant::now(), FALLBACK_LOCK_WAIT);
    let mut recorder = super::recorder_for(&record.log, &output, read, ends);
    if let Some(hook) = record.hook.as_deref().and_then(OsStr::to_str) {
        recorder.set_hook(hook);
    }
    let message = format!("usage: {message}");
    if strict {
        let mut conclusion = Conclusion::failure(FailureKind::Usage, message, Details::default());
        conclusion.outcome = Outcome::Recorded;
        return recorder.finish(conclusion);
    }
    crate::output::err(&format!("warning: {message}"));
    recorder.note(message);
    recorder.finish(Conclusion::success(
        Outcome::Recorded,
        "recorded despite a malformed command line",
        Details::default(),
    ));
    ExitStatus::Done
}
