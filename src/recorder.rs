//! One run's records and its report: builds each record from the event, appends it to the
//! recovery log (opened on first use), and prints the final line or JSON object.
//!
//! A record that cannot be written never stops the run: the error goes to stderr and a run that
//! would otherwise exit 0 exits 74 instead.

use std::path::Path;

use serde_json::json;

use crate::cli::{LogArgs, LogFormat, OutputFormat};
use crate::exit::ExitStatus;
use crate::recovery_log::{Fields, Outcome, RecoveryLog, record_header};

#[derive(Debug)]
pub struct Recorder {
    args: LogArgs,
    output: OutputFormat,
    /// `None` until the first write; then the open log or why it could not be opened.
    log: Option<Result<RecoveryLog, String>>,
    event: Fields,
    notes: Vec<String>,
    write_errors: Vec<String>,
}

impl Recorder {
    pub fn new(args: LogArgs, output: OutputFormat) -> Self {
        Self {
            args,
            output,
            log: None,
            event: Fields::default(),
            notes: Vec::new(),
            write_errors: Vec::new(),
        }
    }

    /// The event's fields and notes, carried by every record of the run.
    pub fn set_event(&mut self, fields: &Fields, notes: &[String]) {
        self.event = fields.clone();
        self.notes = notes.to_vec();
    }

    pub fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    pub fn log_file(&self) -> &Path {
        &self.args.log_file
    }

    fn record(&self, outcome: Outcome, extra: &Fields) -> Fields {
        let mut record = record_header(outcome);
        record.append(&self.event);
        record.append(extra);
        if !self.notes.is_empty() {
            record.push("notes", self.notes.clone());
        }
        record
    }

    /// The record a run would write first, for `--dry-run`.
    pub fn planned_record(&self, outcome: Outcome, extra: &Fields) -> Fields {
        self.record(outcome, extra)
    }

    pub fn render(&self, record: &Fields) -> String {
        match self.args.log_format {
            LogFormat::Logfmt => record.to_logfmt_line(),
            LogFormat::Json => record.to_json_line(),
        }
    }

    /// Appends a record; a failure is reported on stderr and remembered, never raised.
    pub fn write(&mut self, outcome: Outcome, extra: &Fields) {
        let record = self.record(outcome, extra);
        self.append(&record);
    }

    fn append(&mut self, record: &Fields) {
        let log = self.log.get_or_insert_with(|| {
            RecoveryLog::open(&self.args.log_file, self.args.log_format, self.args.fsync)
                .map_err(|e| format!("{e:#}"))
        });
        let result = match log {
            Ok(log) => log.append(record).map_err(|e| format!("{e:#}")),
            Err(e) => Err(e.clone()),
        };
        if let Err(e) = result {
            eprintln!("error: recovery record not written: {e}");
            self.write_errors.push(e);
        }
    }

    /// Writes the final record, prints the report and returns the exit status: `status`, or 74
    /// when the run succeeded but a record is missing.
    pub fn finish(
        mut self,
        outcome: Outcome,
        status: ExitStatus,
        extra: &Fields,
        message: &str,
    ) -> ExitStatus {
        let mut extra = extra.clone();
        extra.push("exit_status", status.code());
        let record = self.record(outcome, &extra);
        self.append(&record);
        let status = if status.is_success() && !self.write_errors.is_empty() {
            ExitStatus::RecordMissing
        } else {
            status
        };
        if !status.is_success() && outcome != Outcome::Ok && outcome != Outcome::Skipped {
            eprintln!("error: {message}");
        }
        match self.output {
            OutputFormat::Text => {
                if matches!(outcome, Outcome::Ok | Outcome::Skipped) {
                    println!("{message}");
                }
            }
            OutputFormat::Json => {
                let object = json!({
                    "dry_run": false,
                    "outcome": outcome.as_str(),
                    "exit_status": status.code(),
                    "message": message,
                    "log_file": self.args.log_file.display().to_string(),
                    "record_written": self.write_errors.is_empty(),
                    "record_errors": self.write_errors,
                    "record": record.to_json_value(),
                });
                println!("{object}");
            }
        }
        status
    }
}
