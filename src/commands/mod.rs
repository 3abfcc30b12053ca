//! One module per subcommand; each is a short story told with the library's modules.

mod reparent;

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

use crate::budget::Budget;
use crate::cli::{Cli, Command, OutputFormat};
use crate::connection;
use crate::event::ReadEvent;
use crate::exit::{ExitStatus, FailureKind};
use crate::record::Details;
use crate::recorder::{Conclusion, LogSettings, Recorder};
use crate::settings::Problems;

use reparent::{DRY_RUN, FALLBACK_DEADLINE};

/// Runs the parsed command line and says how it ended.
pub fn run(cli: Cli) -> ExitStatus {
    match cli.command {
        Command::Reparent(args) => reparent::run(*args, &cli.output),
    }
}

/// A command line clap could not parse. When it was meant for a failover (it names `reparent`,
/// or Orchestrator's `ORC_*` variables are set), the failover is still recorded, best effort:
/// the event from the environment, the log file from the command line if it names one.
pub fn usage_error(error: &clap::Error, args: &[OsString]) -> ExitStatus {
    let for_a_failover = args.iter().skip(1).any(|a| a == "reparent")
        || std::env::vars_os().any(|(name, _)| {
            name.to_str()
                .is_some_and(|n| n.starts_with("ORC_") && !n.starts_with("ORC_VITESS_HOOK_"))
        });
    if !for_a_failover {
        return ExitStatus::Usage;
    }
    // The environment alone always parses: every value is raw text until we validate it.
    let Ok(Cli {
        command: Command::Reparent(from_env),
        ..
    }) = Cli::try_parse_from(["orc-vitess-hook", "reparent"])
    else {
        return ExitStatus::Usage;
    };
    // A dry run writes nothing, even when its command line is broken.
    let dry_run = args.iter().any(|a| a == "--dry-run" || a == "-dry-run")
        || Problems::default().boolean(DRY_RUN, from_env.dry_run.as_deref());
    if dry_run {
        return ExitStatus::Usage;
    }
    let mut log_args = from_env.log;
    if let Some(path) = log_file_argument(args) {
        log_args.log_file = path;
    }
    let log = LogSettings::from_args(&log_args, &mut Problems::default());
    let read = ReadEvent::from_args(from_env.event);
    // The record may wait for the lock as long as the run could have: its deadline and margin.
    let deadline = connection::deadline_of(&from_env.connection).unwrap_or(FALLBACK_DEADLINE);
    let ends = Budget::new(Instant::now(), deadline).ends();
    let recorder = Recorder::new(log, OutputFormat::Text, read, ends);
    let rendered = error.render().to_string();
    let first_line = rendered.lines().next().unwrap_or("usage error").trim();
    let message = format!("usage: {first_line}");
    recorder.finish_quietly(Conclusion::failure(
        FailureKind::Usage,
        message,
        Details::default(),
    ))
}

/// The value of `--log-file` (or `-log-file`) on a command line, in either `--flag value` or
/// `--flag=value` form.
fn log_file_argument(args: &[OsString]) -> Option<PathBuf> {
    let mut found = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let Some(text) = arg.to_str() else { continue };
        if text == "--" {
            break;
        }
        let name = text.trim_start_matches('-');
        if !text.starts_with('-') {
            continue;
        }
        if name == "log-file" {
            found = iter.next().map(PathBuf::from);
        } else if let Some(value) = name.strip_prefix("log-file=") {
            found = Some(PathBuf::from(value));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_file_from_a_broken_command_line() {
        let args = |line: &str| -> Vec<OsString> { line.split(' ').map(Into::into).collect() };
        assert_eq!(
            log_file_argument(&args("x reparent --bogus --log-file /a/b.log")),
            Some(PathBuf::from("/a/b.log"))
        );
        assert_eq!(
            log_file_argument(&args("x reparent -log-file=/c.log --bogus")),
            Some(PathBuf::from("/c.log"))
        );
        assert_eq!(log_file_argument(&args("x reparent --bogus")), None);
        assert_eq!(
            log_file_argument(&args("x reparent -- --log-file /d")),
            None
        );
    }
}
