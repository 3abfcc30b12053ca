//! One module per subcommand; each is a short story told with the library's modules.

mod check;
pub(crate) mod discover;
pub(crate) mod history;
mod interval;
pub(crate) mod orchestrator_config;
pub(crate) mod reconcile;
mod record;
mod reparent;

use std::ffi::{OsStr, OsString};
use std::time::Duration;
use std::time::Instant;

use clap::Parser;

use crate::budget::Budget;
use crate::cli::{Cli, Command, ConnectionArgs, LogArgs, setting};
use crate::config::log::output_format;
use crate::connection::ConnectionSettings;
use crate::event::ReadEvent;
use crate::exit::{ExitStatus, Failure, FailureKind};
use crate::record::Details;
use crate::record::recorder::{Conclusion, LogSettings, Recorder};
use crate::settings::Problems;
use crate::vtctld::{Client, Session};

/// The deadline used to bound lock waits when the `--deadline` setting itself is invalid.
const FALLBACK_DEADLINE: Duration = Duration::from_secs(60);

/// What every run that records a failover sets up first, before anything can go wrong: the
/// output format, the log's settings (a bad one is a problem, and the default stands in), the
/// run's time budget, and the recorder with the event, so that whatever happens next, and even
/// a panic, is recorded.
fn start_recording(
    log: &LogArgs,
    output: &OsStr,
    read: ReadEvent,
    connection: &ConnectionArgs,
    started: Instant,
) -> (Recorder, Budget) {
    let deadline = crate::config::connection::deadline_of(connection).unwrap_or(FALLBACK_DEADLINE);
    let budget = Budget::new(started, deadline);
    (recorder_for(log, output, read, budget.ends()), budget)
}

/// The recorder of a run whose records may wait for the log's lock until `ends`.
pub(super) fn recorder_for(
    log: &LogArgs,
    output: &OsStr,
    read: ReadEvent,
    ends: Instant,
) -> Recorder {
    for warning in &read.warnings {
        crate::output::err(&format!("warning: {warning}"));
    }
    // No decision rests on how records look or where they go: a bad value falls back to its
    // default with a warning, and the failover goes ahead (`problems` is for settings that
    // change what is sent, or to whom).
    let mut lenient = Problems::default();
    let output = output_format(output, &mut lenient);
    let log = LogSettings::from_args(log, &mut lenient);
    let mut recorder = Recorder::new(log, output, read, ends);
    if let Some(message) = lenient.into_message() {
        let warning = format!("{message}; the default stands in");
        crate::output::err(&format!("warning: {warning}"));
        recorder.note(warning);
    }
    recorder
}

/// The single-threaded async runtime every command that talks to a server runs its calls on.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::new(
                FailureKind::Internal,
                format!("cannot start the async runtime: {e}"),
            )
        })
}

/// A runtime and a vtctld session whose deadline is the settings' `--deadline` from now: what
/// every call a pass makes (a listing, a reparent) runs on.
fn vtctld_session(
    settings: &ConnectionSettings,
) -> Result<(tokio::runtime::Runtime, Session), Failure> {
    let client = Client::new(settings, false)
        .map_err(|e| Failure::new(FailureKind::Config, format!("configuration: {e:#}")))?;
    let runtime = runtime()?;
    let deadline = tokio::time::Instant::now() + settings.deadline;
    let session = Session::new(client, settings.api, settings.attempt_timeout, deadline);
    Ok((runtime, session))
}

/// Runs the parsed command line and says how it ended.
pub fn run(cli: Cli) -> ExitStatus {
    match cli.command {
        Command::Reparent(args) => reparent::run(*args, &cli.output),
        Command::Record(args) => record::run(*args, &cli.output),
        Command::OrchestratorConfig(args) => orchestrator_config::run(*args),
        Command::Check(args) => check::run(*args, &cli.output),
        Command::Discover(args) => discover::run(*args, &cli.output),
        Command::Reconcile(args) => reconcile::run(*args, &cli.output),
        Command::History(args) => history::run(*args, &cli.output),
    }
}

/// A command line clap could not parse. When it was meant for a failover (it names `reparent`,
/// or Orchestrator's `ORC_*` variables are set), the error is one line like any other and the
/// failover is still recorded, best effort: the event from the environment, the log's settings
/// and the output format from the command line where it names them. A dry run writes nothing.
pub fn usage_error(error: &clap::Error, args: &[OsString]) -> ExitStatus {
    let subcommand = args.iter().skip(1).find_map(|a| {
        [
            "reparent",
            "record",
            "orchestrator-config",
            "check",
            "discover",
            "reconcile",
            "history",
        ]
        .into_iter()
        .find(|name| a == *name)
    });
    if subcommand == Some("record") {
        return record::usage_error(&clap_message(error, "record"), args);
    }
    // Only `reparent` (or a line that names no command, run by Orchestrator) is a failover.
    let for_a_failover = subcommand == Some("reparent")
        || (subcommand.is_none()
            && std::env::vars_os().any(|(name, _)| {
                name.to_str()
                    .is_some_and(|n| n.starts_with("ORC_") && !n.starts_with("ORC_VITESS_HOOK_"))
            }));
    if !for_a_failover {
        // A person at a terminal: clap's full text, with its usage line and hints.
        let _ = error.print();
        return FailureKind::Usage.status();
    }
    // The environment alone always parses: every value is raw text until we validate it.
    let Ok(Cli {
        command: Command::Reparent(from_env),
        ..
    }) = Cli::try_parse_from(["orc-vitess-hook", "reparent"])
    else {
        crate::output::err(&format!(
            "error: usage: {}",
            clap_message(error, "reparent")
        ));
        return ExitStatus::Usage;
    };
    // A dry run writes nothing, even when its command line is broken; only the command line
    // asks for one.
    let dry_run = dry_run_argument(args)
        .is_some_and(|value| Problems::default().boolean(setting::DRY_RUN, Some(&value)));
    if dry_run {
        crate::output::err(&format!(
            "error: usage: {}",
            clap_message(error, "reparent")
        ));
        return ExitStatus::Usage;
    }
    // The settings from the command line where it names them, else from the environment.
    let mut log = from_env.log;
    if let Some(path) = argument_value(args, "log-file") {
        log.log_file = path.into();
    }
    if let Some(format) = argument_value(args, "log-format") {
        log.log_format = format;
    }
    if let Some(path) = argument_value(args, setting::METRICS_TEXTFILE.long) {
        log.metrics_textfile = Some(path.into());
    }
    let mut connection = from_env.connection;
    if let Some(deadline) = argument_value(args, "deadline") {
        connection.deadline = deadline;
    }
    let output = argument_value(args, "output").unwrap_or(from_env_output());
    let read = ReadEvent::from_args(from_env.event);
    let (recorder, _) = start_recording(&log, &output, read, &connection, Instant::now());
    let message = format!("usage: {}", clap_message(error, "reparent"));
    recorder.finish(Conclusion::failure(
        FailureKind::Usage,
        message,
        Details::default(),
    ))
}

/// `--dry-run` (true) or `--dry-run=VALUE` on a command line; single-dash forms were already
/// rewritten to double-dash ones.
fn dry_run_argument(args: &[OsString]) -> Option<OsString> {
    args.iter().rev().find_map(|arg| {
        let text = arg.to_str()?;
        match text.strip_prefix("--dry-run") {
            Some("") => Some("true".into()),
            Some(rest) => rest.strip_prefix('=').map(Into::into),
            None => None,
        }
    })
}

/// clap's error as one line: its first line, without the `error: ` prefix, and a pointer to
/// `--help` (clap's full text spans several lines).
fn clap_message(error: &clap::Error, command: &str) -> String {
    let rendered = error.render().to_string();
    let first = rendered
        .lines()
        .next()
        .unwrap_or("malformed command line")
        .trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    format!("{first} (see orc-vitess-hook {command} --help)")
}

pub(super) fn from_env_output() -> OsString {
    std::env::var_os("ORC_VITESS_HOOK_OUTPUT").unwrap_or_else(|| "text".into())
}

/// The value of long flag `name` on a command line (`--name value`, `--name=value`, or with one
/// dash), the last one given.
pub(super) fn argument_value(args: &[OsString], name: &str) -> Option<OsString> {
    let mut found = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let Some(text) = arg.to_str() else { continue };
        if text == "--" {
            break;
        }
        if !text.starts_with('-') {
            continue;
        }
        let flag = text.trim_start_matches('-');
        if flag == name {
            found = iter.next().cloned();
        } else if let Some(value) = flag
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('='))
        {
            found = Some(value.into());
        }
    }
    found
}

/// What vtctld answered to a reparent, into the record's details.
fn record_reparented(details: &mut crate::record::Details, result: &crate::vtctld::Reparented) {
    details.server = Some(result.server.clone());
    details.api = Some(result.api.as_str());
    details.keyspace.clone_from(&result.keyspace);
    details.shard.clone_from(&result.shard);
    details.new_primary = result.new_primary.as_ref().map(ToString::to_string);
    details.old_primary = result.old_primary.as_ref().map(ToString::to_string);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_from_a_broken_command_line() {
        let args = |line: &str| -> Vec<OsString> { line.split(' ').map(Into::into).collect() };
        let value = |line: &str, name: &str| argument_value(&args(line), name);
        assert_eq!(
            value("x reparent --bogus --log-file /a/b.log", "log-file"),
            Some("/a/b.log".into())
        );
        assert_eq!(
            value("x reparent -log-file=/c.log --bogus", "log-file"),
            Some("/c.log".into())
        );
        assert_eq!(
            value("x reparent --log-format=json --log-file-x y", "log-format"),
            Some("json".into())
        );
        assert_eq!(value("x reparent --log-file-x y", "log-file"), None);
        assert_eq!(value("x reparent --bogus", "log-file"), None);
        assert_eq!(value("x reparent -- --log-file /d", "log-file"), None);
    }
}
