//! One run's records and report: the path from a conclusion to (record, exit status, message),
//! shared by the real run and `--dry-run` so the two can never disagree.
//!
//! A record that cannot be written never stops the run: the error goes to stderr and a run that
//! would otherwise exit 0 exits 74 instead. The final record always carries the exit status the
//! process ends with. A panic still leaves an `internal-error` record (see [`install_panic_hook`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::format::{self, LogFormat};
use super::log_file::RecoveryLog;
use super::{Details, Outcome, Record};
use crate::event::{FailoverEvent, ReadEvent};
use crate::exit::{ExitStatus, FailureKind};
use crate::output;
use crate::output::OutputFormat;
use crate::record::textfile::Pending;

/// Where and how records are written.
#[derive(Debug, Clone)]
pub struct LogSettings {
    pub path: PathBuf,
    pub format: LogFormat,
    pub fsync: bool,
    /// `--metrics-textfile`: node_exporter's textfile, updated after each final record.
    pub metrics_textfile: Option<PathBuf>,
}

/// How a run ended: its outcome, the failure if any, the one-line message, the record's details.
#[derive(Debug, Clone)]
pub struct Conclusion {
    pub outcome: Outcome,
    pub failure: Option<FailureKind>,
    pub message: String,
    pub details: Details,
}

impl Conclusion {
    pub fn success(outcome: Outcome, message: impl Into<String>, details: Details) -> Self {
        Self {
            outcome,
            failure: None,
            message: message.into(),
            details,
        }
    }

    /// A failure, with the outcome its kind calls for; the message is also the record's `error`.
    pub fn failure(kind: FailureKind, message: impl Into<String>, mut details: Details) -> Self {
        let message = message.into();
        details.error = Some(message.clone());
        Self {
            outcome: kind.outcome(),
            failure: Some(kind),
            message,
            details,
        }
    }

    /// A run a signal stopped before it concluded.
    pub fn interrupted_run(details: Details, signal: (i32, &'static str)) -> Self {
        Self::success(Outcome::Received, "", details).interrupted(signal)
    }

    /// The same run, stopped by `signal`.
    pub fn interrupted(self, (number, name): (i32, &'static str)) -> Self {
        if self.outcome == Outcome::Interrupted {
            return self;
        }
        let attempts = self.details.attempts.unwrap_or(0);
        let reparent = crate::record::REPARENT_RPC;
        let reparents: Vec<&str> = self
            .details
            .attempt_log
            .iter()
            .filter(|a| a.rpc == reparent)
            .map(|a| a.status.as_str())
            .collect();
        let calls = if attempts == 0 {
            String::new()
        } else {
            format!(
                " after {attempts} call{} to vtctld",
                crate::output::plural(attempts)
            )
        };
        let effect = match reparents.last() {
            _ if attempts == 0 => "",
            None => "; no reparent was sent",
            Some(&"OK") => "; vtctld had applied the reparent",
            Some(_) => "; vtctld may or may not have applied the reparent",
        };
        let message = format!("interrupted by {name}{calls}{effect}");
        let mut details = self.details;
        details.signal = Some(name);
        if self.outcome != Outcome::Received {
            details.reason = Some(format!(
                "{} before the signal: {}",
                self.outcome.as_str(),
                self.message
            ));
        }
        Self::failure(FailureKind::Interrupted(number), message, details)
    }

    pub fn status(&self) -> ExitStatus {
        self.failure.map_or(ExitStatus::Done, FailureKind::status)
    }
}

/// What the panic hook needs to write a last record.
#[derive(Debug, Clone)]
struct CrashContext {
    log: LogSettings,
    event: FailoverEvent,
    invalid: BTreeMap<&'static str, String>,
    notes: Vec<String>,
    details: Details,
    ends: Instant,
}

static CRASH_CONTEXT: Mutex<Option<CrashContext>> = Mutex::new(None);

/// Makes a panic, wherever it happens, write an `internal-error` record for the failover being
/// handled (with what the run had learnt so far) and end the process with status 134 in every
/// build profile.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = format!("internal error (a bug): {what}{place}");
        // try_lock: the panic may have happened while the context was being set.
        let context = CRASH_CONTEXT
            .try_lock()
            .ok()
            .and_then(|guard| guard.clone());
        let recorded = match context {
            Some(context) => {
                let mut details = context.details.clone();
                details.error = Some(message.clone());
                let mut record = Record::new(
                    Outcome::InternalError,
                    &context.event,
                    &context.invalid,
                    &details,
                    &context.notes,
                );
                record.exit_status = Some(FailureKind::Internal.status().code());
                let line = format::render(&record.to_map(), context.log.format);
                // At least one try for the lock, and never past the run's end.
                let until = context.ends.max(Instant::now());
                RecoveryLog::open(&context.log.path, context.log.fsync)
                    .and_then(|mut log| log.append(&line, until))
                    .map_err(|e| format!("{e:#}"))
            }
            None => Err("no failover was read yet".into()),
        };
        match recorded {
            Ok(()) => output::err(&format!("error: {message}; recorded as internal-error")),
            Err(e) => output::err(&format!("error: {message}; not recorded: {e}")),
        }
        std::process::exit(i32::from(FailureKind::Internal.status().code()));
    }));
}

/// Writes a run's records and prints its report.
#[derive(Debug)]
pub struct Recorder {
    log: LogSettings,
    output: OutputFormat,
    /// `None` until the first write; then the open log or why it could not be opened.
    file: Option<Result<RecoveryLog, String>>,
    event: FailoverEvent,
    invalid: BTreeMap<&'static str, String>,
    notes: Vec<String>,
    problems: Vec<String>,
    /// Identifying values that are literal placeholders.
    unfilled: Vec<String>,
    /// Why the final record could not be written (the first record's failures are notes).
    write_errors: Vec<String>,
    /// No record waits for the log's lock beyond this: the deadline plus its margin.
    ends: Instant,
    /// What the run has learnt so far, for the panic hook.
    learnt: Details,
    /// Whether a panic writes a record: not in a dry run, which writes nothing.
    records_a_panic: bool,
    /// The Orchestrator hook list the records belong to (`record --hook`).
    hook: Option<String>,
}

/// How long the `interrupted` record waits for the lock: the process should end soon.
const INTERRUPTED_RECORD_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

impl Recorder {
    pub fn new(log: LogSettings, output: OutputFormat, read: ReadEvent, ends: Instant) -> Self {
        let recorder = Self {
            log,
            output,
            file: None,
            event: read.event,
            invalid: read.invalid,
            notes: read.notes,
            problems: read.problems,
            unfilled: read.unfilled,
            write_errors: Vec::new(),
            ends,
            learnt: Details::default(),
            records_a_panic: true,
            hook: None,
        };
        recorder.update_crash_context();
        recorder
    }

    /// For a dry run: a panic writes nothing either.
    pub fn without_panic_record(mut self) -> Self {
        self.records_a_panic = false;
        if let Ok(mut slot) = CRASH_CONTEXT.lock() {
            *slot = None;
        }
        self
    }

    fn update_crash_context(&self) {
        if !self.records_a_panic {
            return;
        }
        let context = CrashContext {
            log: self.log.clone(),
            event: self.event.clone(),
            invalid: self.invalid.clone(),
            notes: self.notes.clone(),
            details: self.learnt.clone(),
            ends: self.ends,
        };
        if let Ok(mut slot) = CRASH_CONTEXT.lock() {
            *slot = Some(context);
        }
    }

    /// Tells the panic hook what the run has learnt so far (the tablet chosen, the attempts), so
    /// that a bug later still leaves a record saying so.
    pub fn progress(&mut self, details: &Details) {
        self.learnt = details.clone();
        self.update_crash_context();
    }

    pub fn event(&self) -> &FailoverEvent {
        &self.event
    }

    /// The recovery log's path, beside which a shard's turn file lives.
    pub fn log_path(&self) -> &std::path::Path {
        &self.log.path
    }

    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The event's problems: values a decision rests on that did not parse.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Identifying values that are literal placeholders (`failure_type={failureType}`).
    pub fn unfilled(&self) -> &[String] {
        &self.unfilled
    }

    /// Adds a note every later record carries.
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
        self.update_crash_context();
    }

    fn record<'a>(&'a self, outcome: Outcome, details: &'a Details) -> Record<'a> {
        let mut record = Record::new(outcome, &self.event, &self.invalid, details, &self.notes);
        record.hook = self.hook.as_deref();
        record
    }

    /// Names the Orchestrator hook list every record of the run belongs to.
    pub fn set_hook(&mut self, hook: impl Into<String>) {
        self.hook = Some(hook.into());
    }

    /// The final record of `conclusion` and the exit status it states: the conclusion's, or 74
    /// when it succeeded but its record is missing (`record_missing`).
    fn settle(
        &self,
        conclusion: &Conclusion,
        record_missing: bool,
    ) -> (ExitStatus, Map<String, Value>) {
        let status = match conclusion.failure {
            None if record_missing => FailureKind::RecordMissing.status(),
            _ => conclusion.status(),
        };
        let mut record = self.record(conclusion.outcome, &conclusion.details);
        if conclusion.outcome != Outcome::Received {
            record.exit_status = Some(status.code());
        }
        (status, record.to_map())
    }

    /// Appends the run's first record, waiting for the lock at most until `lock_until`. It must
    /// not hold up the reparent, and the final record carries everything it says: when it
    /// cannot be written, a note says so and the run goes on.
    pub fn write_first(&mut self, outcome: Outcome, details: &Details, lock_until: Instant) {
        let line = format::render(&self.record(outcome, details).to_map(), self.log.format);
        if let Err(e) = self.append(&line, lock_until.min(self.ends)) {
            output::err(&format!("warning: first record not written: {e}"));
            self.note(format!(
                "the `{}` record was not written: {e}",
                outcome.as_str()
            ));
        }
    }

    fn append(&mut self, line: &str, lock_until: Instant) -> Result<(), String> {
        self.append_then(line, lock_until, || ())
    }

    /// Appends `line`, then runs `then` under the log's lock when it was written.
    fn append_then(
        &mut self,
        line: &str,
        lock_until: Instant,
        then: impl FnOnce(),
    ) -> Result<(), String> {
        let log = &self.log;
        let file = self.file.get_or_insert_with(|| {
            RecoveryLog::open(&log.path, log.fsync).map_err(|e| format!("{e:#}"))
        });
        match file {
            Ok(file) => file
                .append_then(line, lock_until, then)
                .map_err(|e| format!("{e:#}")),
            Err(e) => Err(e.clone()),
        }
    }

    /// Writes the final record and prints the report; returns the exit status, which the
    /// record states. A signal that comes while the record waits for the lock ends the wait:
    /// the record is then missing and the status is the signal's. A signal that came after the
    /// run had concluded changes nothing but a note: the outcome stands.
    pub fn finish(mut self, conclusion: Conclusion) -> ExitStatus {
        let mut conclusion = conclusion;
        if let Some((_, name)) = crate::signals::caught()
            && conclusion.outcome != Outcome::Interrupted
        {
            self.note(format!(
                "{name} arrived after the run had concluded; its outcome stands"
            ));
        }
        let lock_until = if conclusion.outcome == Outcome::Interrupted {
            crate::budget::after(Instant::now(), INTERRUPTED_RECORD_WAIT).min(self.ends)
        } else {
            self.ends
        };
        let (mut status, map) = self.settle(&conclusion, false);
        let line = format::render(&map, self.log.format);
        let signals_before = crate::signals::count();
        let mut textfile = Pending::new(self.log.metrics_textfile.clone(), self.ends);
        if let Err(e) = self.append_then(&line, lock_until, || textfile.write(&map)) {
            match crate::signals::caught() {
                // The wait for the lock ended on a signal: the run is interrupted, and its
                // `interrupted` record waits its turn, a second at most.
                Some(signal)
                    if crate::signals::count() != signals_before
                        && conclusion.outcome != Outcome::Interrupted =>
                {
                    conclusion = conclusion.interrupted(signal);
                    let (interrupted, map) = self.settle(&conclusion, false);
                    status = interrupted;
                    let line = format::render(&map, self.log.format);
                    let until = crate::budget::after(Instant::now(), INTERRUPTED_RECORD_WAIT);
                    if let Err(e) = self.append_then(&line, until, || textfile.write(&map)) {
                        output::err(&format!("error: recovery record not written: {e}"));
                        self.write_errors.push(e);
                    }
                }
                _ => {
                    output::err(&format!("error: recovery record not written: {e}"));
                    self.write_errors.push(e);
                    status = self.settle(&conclusion, true).0;
                }
            }
        }
        let map = self.settle(&conclusion, !self.write_errors.is_empty()).1;
        if let Some(warning) = textfile.finish(&map) {
            output::err(&warning);
        }
        // Errors go to stderr in both formats, so Orchestrator's log shows them either way.
        let failed = conclusion.failure.is_some();
        if failed {
            output::err(&format!("error: {}", conclusion.message));
        }
        let message = if self.write_errors.is_empty() {
            conclusion.message.clone()
        } else {
            format!("{} (its record could not be written)", conclusion.message)
        };
        match self.output {
            OutputFormat::Text if !failed => output::out(&message),
            OutputFormat::Text => {}
            OutputFormat::Json => output::out(
                &json!({
                    "dry_run": false,
                    "outcome": conclusion.outcome.as_str(),
                    "exit_status": status.code(),
                    "message": conclusion.message,
                    "log_file": self.log.path.display().to_string(),
                    "record_written": self.write_errors.is_empty(),
                    "record_errors": self.write_errors,
                    "record": Value::Object(map),
                })
                .to_string(),
            ),
        }
        status
    }

    /// `--dry-run`: prints the record the run would write and what it would send; checks that
    /// the log could be appended to; writes nothing and connects nowhere.
    pub fn dry_run(self, conclusion: Conclusion, action: &str, rpc: Value) -> ExitStatus {
        let appendable =
            RecoveryLog::check_appendable(&self.log.path).map_err(|e| format!("{e:#}"));
        let (status, map) = self.settle(&conclusion, appendable.is_err());
        let log_file = self.log.path.display().to_string();
        match self.output {
            OutputFormat::Json => output::out(
                &json!({
                    "dry_run": true,
                    "action": action,
                    "exit_status": status.code(),
                    "message": conclusion.message,
                    "log_file": log_file,
                    "log_appendable": appendable.is_ok(),
                    "log_error": appendable.as_ref().err(),
                    "record": Value::Object(map),
                    "rpc": rpc,
                    "notes": self.notes,
                })
                .to_string(),
            ),
            OutputFormat::Text => {
                let line = format!("dry run: {}", conclusion.message);
                if conclusion.failure.is_none() {
                    output::out(&line);
                } else {
                    output::err(&format!("error: {line}"));
                }
                if let Err(e) = &appendable {
                    output::err(&format!(
                        "error: dry run: the recovery log cannot be appended to: {e}"
                    ));
                }
                output::out(&format!(
                    "dry run: would append to {log_file}: {}",
                    format::render(&map, self.log.format)
                ));
            }
        }
        status
    }
}
