//! The recovery log: ordered record fields, their logfmt/JSON lines, and a safe, locked append.

use std::fs::{self, DirBuilder, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{SecondsFormat, Utc};
use serde_json::Value;

use crate::cli::LogFormat;

/// Record fields in the order they were added (records read better with `ts` and `outcome` first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    pub fn push(&mut self, key: &'static str, value: impl Into<Value>) {
        self.0.push((key, value.into()));
    }

    pub fn append(&mut self, other: &Fields) {
        self.0.extend(other.0.iter().cloned());
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// A JSON object (keys sorted, as `serde_json` keeps them) for embedding in other output.
    pub fn to_json_value(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    /// One JSON object in field order, without a newline.
    pub fn to_json_line(&self) -> String {
        let mut line = String::from("{");
        for (i, (key, value)) in self.0.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            line.push_str(&Value::from(*key).to_string());
            line.push(':');
            line.push_str(&value.to_string());
        }
        line.push('}');
        line
    }

    /// `key=value` pairs; values quoted (JSON escapes) when they hold anything but plain characters.
    pub fn to_logfmt_line(&self) -> String {
        let mut line = String::new();
        for (key, value) in &self.0 {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(key);
            line.push('=');
            line.push_str(&logfmt_value(value));
        }
        line
    }
}

fn logfmt_value(value: &Value) -> String {
    match value {
        Value::String(text) => logfmt_text(text),
        // A list of plain items reads best comma-joined, as Orchestrator writes host lists.
        Value::Array(items)
            if items.iter().all(|item| match item {
                Value::String(text) => !text.contains(','),
                other => !other.is_object() && !other.is_array(),
            }) =>
        {
            let joined: Vec<String> = items
                .iter()
                .map(|item| match item {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .collect();
            logfmt_text(&joined.join(","))
        }
        Value::Array(_) | Value::Object(_) => logfmt_text(&value.to_string()),
        Value::Null => String::new(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
    }
}

fn logfmt_text(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '"' | '=' | '\\'));
    if plain {
        text.to_owned()
    } else {
        Value::from(text).to_string()
    }
}

/// How long a record waits for another writer's lock before it is given up as not written.
const LOCK_WAIT: Duration = Duration::from_secs(1);

/// What happened to a failover, as the record's `outcome` field says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Written before any network call.
    Received,
    Ok,
    Skipped,
    Failed,
    Rejected,
    Interrupted,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Ok => "ok",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
            Self::Rejected => "rejected",
            Self::Interrupted => "interrupted",
        }
    }
}

/// A record's leading fields: UTC timestamp in RFC 3339 with milliseconds, outcome and pid.
pub fn record_header(outcome: Outcome) -> Fields {
    let mut fields = Fields::default();
    fields.push(
        "ts",
        Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
    );
    fields.push("outcome", outcome.as_str());
    fields.push("pid", std::process::id());
    fields
}

/// An open recovery log. Records are appended under an exclusive `flock`, one `write` each.
///
/// The lock is `std::fs::File::lock` (flock(2), like the unmaintained fs2 crate's), so other
/// writers that lock the file, including other hook runs, never interleave with a record.
#[derive(Debug)]
pub struct RecoveryLog {
    file: File,
    path: PathBuf,
    format: LogFormat,
    fsync: bool,
}

impl RecoveryLog {
    /// Opens `path` for appending, creating it 0640 (and its directory 0750) if missing.
    ///
    /// Refuses a symbolic link, anything but a regular file, and, in a directory other users may
    /// write to (like /tmp), a file owned by another user: such a file may have been planted.
    pub fn open(path: &Path, format: LogFormat, fsync: bool) -> Result<Self> {
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        if !dir.exists() {
            DirBuilder::new()
                .recursive(true)
                .mode(0o750)
                .create(dir)
                .with_context(|| format!("cannot create log directory {}", dir.display()))?;
        }
        let file = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o640)
            // std adds O_CLOEXEC itself; O_NONBLOCK keeps a planted FIFO from blocking the open.
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ELOOP) => anyhow::anyhow!(
                    "refusing recovery log {}: it is a symbolic link",
                    path.display()
                ),
                // What a non-blocking open of a FIFO without a reader (or a socket) answers.
                Some(libc::ENXIO) => anyhow::anyhow!(
                    "refusing recovery log {}: it is not a regular file",
                    path.display()
                ),
                _ => anyhow::Error::new(e)
                    .context(format!("cannot open recovery log {}", path.display())),
            })?;
        let meta = file
            .metadata()
            .with_context(|| format!("cannot stat recovery log {}", path.display()))?;
        if !meta.file_type().is_file() {
            bail!(
                "refusing recovery log {}: it is not a regular file",
                path.display()
            );
        }
        let dir_meta = fs::metadata(dir)
            .with_context(|| format!("cannot stat log directory {}", dir.display()))?;
        let me = effective_uid();
        if dir_meta.mode() & 0o002 != 0 && meta.uid() != me {
            bail!(
                "refusing recovery log {}: it is owned by uid {}, not by this user (uid {me}), \
                 in {} which other users can write to",
                path.display(),
                meta.uid(),
                dir.display()
            );
        }
        Ok(Self {
            file,
            path: path.to_owned(),
            format,
            fsync,
        })
    }

    /// Appends one record as one line.
    pub fn append(&mut self, record: &Fields) -> Result<()> {
        let mut line = match self.format {
            LogFormat::Logfmt => record.to_logfmt_line(),
            LogFormat::Json => record.to_json_line(),
        };
        line.push('\n');
        self.lock_within(LOCK_WAIT)?;
        let written = write_once(&mut self.file, line.as_bytes()).and_then(|()| {
            if self.fsync {
                self.file.sync_data()
            } else {
                Ok(())
            }
        });
        // Closing the file would release the lock too; unlocking early just shortens the wait
        // of other writers.
        let _ = self.file.unlock();
        written.with_context(|| format!("cannot write recovery log {}", self.path.display()))
    }

    /// Takes the exclusive lock, waiting at most `limit`: anyone who can read the file can hold
    /// a flock on it, and a hook must never hang Orchestrator's recovery on that.
    fn lock_within(&self, limit: Duration) -> Result<()> {
        let start = Instant::now();
        loop {
            match self.file.try_lock() {
                Ok(()) => return Ok(()),
                Err(TryLockError::WouldBlock) if start.elapsed() < limit => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => bail!(
                    "cannot lock recovery log {}: another process held its lock for {} ms",
                    self.path.display(),
                    limit.as_millis()
                ),
                Err(TryLockError::Error(e)) => {
                    return Err(anyhow::Error::new(e)
                        .context(format!("cannot lock recovery log {}", self.path.display())));
                }
            }
        }
    }
}

/// One `write` for the whole line; a short write (disk full) is an error rather than a torn line
/// finished by a second call that another writer could interleave with.
fn write_once(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    let n = file.write(bytes)?;
    if n == bytes.len() {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::WriteZero,
            format!("short write: {n} of {} bytes", bytes.len()),
        ))
    }
}

#[allow(unsafe_code)]
fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions, cannot fail and touches no memory of ours.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Fields {
        let mut f = Fields::default();
        f.push("outcome", "ok");
        f.push("pid", 42u32);
        f.push("failure_description", "Master cannot be reached: \"x\"");
        f.push("is_master", true);
        f.push("lost_replicas", serde_json::json!(["a:1", "b:2"]));
        f.push("empty", "");
        f.push("line", "one\ntwo");
        f.push("events", serde_json::json!(["a, b", "c"]));
        f
    }

    #[test]
    fn logfmt_quotes_only_where_needed() {
        assert_eq!(
            sample().to_logfmt_line(),
            r#"outcome=ok pid=42 failure_description="Master cannot be reached: \"x\"" is_master=true lost_replicas=a:1,b:2 empty="" line="one\ntwo" events="[\"a, b\",\"c\"]""#
        );
    }

    #[test]
    fn json_line_keeps_field_order() {
        let line = sample().to_json_line();
        assert!(line.starts_with(r#"{"outcome":"ok","pid":42,"#), "{line}");
        let parsed: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            parsed["failure_description"],
            "Master cannot be reached: \"x\""
        );
        assert_eq!(parsed["lost_replicas"][1], "b:2");
    }

    #[test]
    fn header_has_utc_millisecond_timestamp() {
        let header = record_header(Outcome::Received);
        let ts = header.get("ts").and_then(Value::as_str).unwrap();
        // 2026-11-25T22:10:36.123Z
        assert_eq!(ts.len(), 24, "{ts}");
        assert!(ts.ends_with('Z') && ts.as_bytes()[19] == b'.', "{ts}");
        assert_eq!(header.get("outcome"), Some(&Value::from("received")));
    }
}
