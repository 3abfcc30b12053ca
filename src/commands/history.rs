//! `history`: the recovery log's failovers, newest last (`crate::history`), as a table or JSON,
//! and `--check` for monitoring. The log is read as a stream, a line at a time.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::cli::{HistoryArgs, setting};
use crate::config::log::output_format;
use crate::exit::{ExitStatus, FailureKind};
use crate::history::{Failover, Filter, History};
use crate::output::{self, OutputFormat};
use crate::record::read::lazy_line;
use crate::settings::{Problems, Setting};

/// The longest line read whole; a longer one is no record (a record is a few kilobytes).
const MAX_LINE: usize = 1024 * 1024;

pub fn run(args: HistoryArgs, output: &OsStr) -> ExitStatus {
    let mut problems = Problems::default();
    let format = output_format(output, &mut problems);
    let now = Utc::now();
    let since = args
        .since
        .as_deref()
        .and_then(|raw| when(setting::SINCE, raw, now, &mut problems));
    let until = args
        .until
        .as_deref()
        .and_then(|raw| when(setting::UNTIL, raw, now, &mut problems));
    let text = |setting: Setting, raw: &Option<std::ffi::OsString>, problems: &mut Problems| {
        raw.as_deref()
            .and_then(|raw| problems.text(setting, raw).map(str::to_owned))
    };
    let cluster = text(setting::CLUSTER, &args.cluster, &mut problems);
    let outcome = text(setting::OUTCOME, &args.outcome, &mut problems);
    let last = problems.text(setting::LAST, &args.last).and_then(|t| {
        t.parse::<usize>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
    });
    if last.is_none() {
        problems.push(
            setting::LAST,
            &args.last,
            "expected a number from 1 to 100000",
        );
    }
    if let Some(message) = problems.into_message() {
        output::err(&format!("error: configuration: {message}"));
        return FailureKind::Config.status();
    }
    let filter = Filter {
        since,
        until,
        cluster,
        outcome,
    };
    if args.follow && args.check {
        output::err("error: configuration: --follow and --check: a check ends, a follow does not");
        return FailureKind::Config.status();
    }
    let mut history = History::new(filter, last.unwrap_or(20));
    let read_to = match read(&args, &mut history) {
        Ok(read_to) => read_to,
        Err(e) => {
            output::err(&format!("error: {e}"));
            return FailureKind::RecordMissing.status();
        }
    };
    let status = report(&history, format, args.check);
    if !args.follow {
        return status;
    }
    match follow(&args.log_file, read_to, &mut history, format) {
        Ok(signal) => ExitStatus::Interrupted(signal),
        Err(e) => {
            output::err(&format!("error: {e}"));
            FailureKind::RecordMissing.status()
        }
    }
}

/// `--follow`: records as they are appended, a failover's line each time one of its records
/// comes, until a signal; the log rotated away (renamed, or cut shorter) is read to its end,
/// then the new file from its start.
fn follow(
    path: &Path,
    read_to: u64,
    history: &mut History,
    format: OutputFormat,
) -> std::io::Result<i32> {
    use std::os::unix::fs::MetadataExt;
    let named = |e: std::io::Error| {
        std::io::Error::new(
            e.kind(),
            format!("cannot follow recovery log {}: {e}", path.display()),
        )
    };
    let mut file = File::open(path).map_err(named)?;
    // Where the first read ended; a log shorter now was rotated meanwhile: read it whole.
    let mut position = read_to;
    if file.metadata().map_err(named)?.len() < position {
        position = 0;
    }
    let mut partial: Vec<u8> = Vec::new();
    loop {
        if let Some((number, _)) = crate::signals::caught() {
            return Ok(number);
        }
        let grew = read_from(&mut file, &mut position, &mut partial).map_err(named)?;
        for line in grew {
            history.line(lazy_line(&String::from_utf8_lossy(&line)));
            if let Some(failover) = history.latest() {
                match format {
                    OutputFormat::Text => output::out(&self::line(failover)),
                    OutputFormat::Json => output::out(&json!(failover).to_string()),
                }
            }
        }
        // Rotated: another file at the path, or this one cut shorter.
        let open = file.metadata().map_err(named)?;
        let rotated = match std::fs::metadata(path) {
            Ok(now) => now.ino() != open.ino() || now.dev() != open.dev() || now.len() < position,
            Err(_) => false,
        };
        if rotated {
            read_from(&mut file, &mut position, &mut partial).map_err(named)?;
            file = File::open(path).map_err(named)?;
            position = 0;
            partial.clear();
            continue;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The whole lines appended to `file` since `position`; a line not yet ended waits in
/// `partial`.
fn read_from(
    file: &mut File,
    position: &mut u64,
    partial: &mut Vec<u8>,
) -> std::io::Result<Vec<Vec<u8>>> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(*position))?;
    let mut grown = Vec::new();
    let read = file.take(MAX_LINE as u64 * 16).read_to_end(&mut grown)?;
    *position += read as u64;
    partial.extend_from_slice(&grown);
    let mut lines = Vec::new();
    while let Some(end) = partial.iter().position(|&b| b == b'\n') {
        let line: Vec<u8> = partial.drain(..=end).collect();
        if !line.iter().all(u8::is_ascii_whitespace) {
            lines.push(line);
        }
    }
    if partial.len() > MAX_LINE {
        partial.clear();
    }
    Ok(lines)
}

/// WHEN: a duration ago (`24h`) or an RFC 3339 time.
fn when(
    setting: Setting,
    raw: &OsStr,
    now: DateTime<Utc>,
    problems: &mut Problems,
) -> Option<DateTime<Utc>> {
    let text = problems.text(setting, raw)?.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let ago = humantime::parse_duration(text)
        .ok()
        .filter(|d| *d <= Duration::from_secs(100 * 365 * 86_400))
        .and_then(|d| chrono::TimeDelta::from_std(d).ok());
    match ago {
        Some(ago) => now.checked_sub_signed(ago),
        None => {
            problems.push(
                setting,
                raw,
                "expected a duration ago (24h, 30m, 7d) or an RFC 3339 time",
            );
            None
        }
    }
}

/// Every line of the log into `history`: with `--rotated`, its rotated siblings first, oldest
/// first. The answer is how far the log itself was read, where `--follow` goes on.
fn read(args: &HistoryArgs, history: &mut History) -> std::io::Result<u64> {
    let live = &args.log_file;
    let mut files = if args.rotated {
        rotated(live)?
    } else {
        Vec::new()
    };
    files.push(live.clone());
    let mut read_to = 0;
    for path in &files {
        let named = |e: std::io::Error| {
            std::io::Error::new(
                e.kind(),
                format!("cannot read recovery log {}: {e}", path.display()),
            )
        };
        let file = File::open(path).map_err(named)?;
        let compressed = path.extension().is_some_and(|e| e == "gz");
        let reader: Box<dyn BufRead> = if compressed {
            Box::new(BufReader::with_capacity(
                256 * 1024,
                flate2::read::MultiGzDecoder::new(file),
            ))
        } else {
            Box::new(BufReader::with_capacity(256 * 1024, file))
        };
        read_to = read_lines(reader, history).map_err(named)?;
    }
    Ok(read_to)
}

/// The rotated siblings of `live` in its directory, oldest first (by modification time):
/// `recovery.log.1`, `recovery.log.2.gz` (logrotate's numbers), `recovery.log-20261207[.gz]`
/// (its `dateext`). Nothing else there is read (the shard turn files among them).
fn rotated(live: &Path) -> std::io::Result<Vec<PathBuf>> {
    let Some(name) = live.file_name().and_then(|n| n.to_str()) else {
        return Ok(Vec::new());
    };
    let dir = crate::in_place::directory_of(live);
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(other) = file_name.to_str() else {
            continue;
        };
        let Some(suffix) = other.strip_prefix(name) else {
            continue;
        };
        let suffix = suffix.strip_suffix(".gz").unwrap_or(suffix);
        let numbered = suffix
            .strip_prefix('.')
            .or_else(|| suffix.strip_prefix('-'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let meta = entry.metadata()?;
        if numbered && meta.is_file() {
            found.push((meta.modified()?, entry.path()));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, path)| path).collect())
}

/// Every whole line of one file into `history`; a line longer than [`MAX_LINE`] is no record.
/// The answer is the bytes read up to the last whole line (a line still being written is left
/// for `--follow`).
pub(crate) fn read_lines(mut reader: impl BufRead, history: &mut History) -> std::io::Result<u64> {
    let mut line = Vec::with_capacity(4096);
    let mut whole = 0u64;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(whole);
        }
        if !line.ends_with(b"\n") && line.len() <= MAX_LINE {
            // The end of the file, in the middle of a line: torn, or still being written.
            history.line(lazy_line(&String::from_utf8_lossy(&line)));
            return Ok(whole);
        }
        whole += read as u64;
        if line.len() > MAX_LINE && !line.ends_with(b"\n") {
            // The rest of an overlong line, skipped.
            let mut skipped = Vec::new();
            whole += reader.read_until(b'\n', &mut skipped)? as u64;
            history.line(Err(format!("a line longer than {MAX_LINE} bytes")));
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        history.line(lazy_line(&String::from_utf8_lossy(&line)));
    }
}

/// The table (or JSON), and `--check`'s verdict.
fn report(history: &History, format: OutputFormat, check: bool) -> ExitStatus {
    let failovers = history.failovers();
    let unwell = if check { history.unwell() } else { Vec::new() };
    let status = if unwell.is_empty() {
        ExitStatus::Done
    } else {
        ExitStatus::CheckFailed
    };
    match format {
        OutputFormat::Json => output::out(
            &json!({
                "failovers": failovers,
                "records": history.records,
                "not_records": history.not_records,
                "first_not_record": history.first_not_record,
                "outcomes": history.outcomes,
                "check": check.then(|| json!({
                    "ok": unwell.is_empty(),
                    "unwell": unwell,
                })),
                "exit_status": status.code(),
            })
            .to_string(),
        ),
        OutputFormat::Text => {
            for failover in &failovers {
                output::out(&line(failover));
            }
            output::out(&summary(history, failovers.len()));
            for failover in &unwell {
                output::out(&format!(
                    "check: {} last failed over at {} and ended {}",
                    failover.shard.as_deref().unwrap_or("an unknown shard"),
                    failover.first,
                    failover.outcome
                ));
            }
        }
    }
    status
}

/// `2026-12-07T16:00:00.000Z commerce/0 db1:3306 -> zone1-0000000101 (db2:3306) ok exit=0 …`
fn line(f: &Failover) -> String {
    let or = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let number = |v: Option<u64>, unit: &str| v.map_or_else(String::new, |n| format!(" {n}{unit}"));
    format!(
        "{} {} {} -> {} ({}) {} exit={}{}{} {} uid={}",
        f.first,
        or(&f.shard),
        or(&f.failed),
        or(&f.tablet),
        or(&f.successor),
        f.outcome,
        f.exit_status
            .map_or_else(|| "-".to_owned(), |e| e.to_string()),
        number(f.duration_ms, "ms"),
        number(f.attempts, " attempts"),
        or(&f.server),
        or(&f.recovery_uid),
    )
}

fn summary(history: &History, shown: usize) -> String {
    let outcomes: Vec<String> = history
        .outcomes
        .iter()
        .map(|(outcome, n)| format!("{n} {outcome}"))
        .collect();
    let mut text = format!(
        "history: {shown} failover{} shown; {} record{} read ({})",
        output::plural(shown),
        history.records,
        output::plural(history.records),
        if outcomes.is_empty() {
            "no final records".to_owned()
        } else {
            format!("final records: {}", outcomes.join(", "))
        }
    );
    if history.not_records > 0 {
        text.push_str(&format!(
            "; {} line{} no record (first: {})",
            history.not_records,
            if history.not_records == 1 {
                " is"
            } else {
                "s are"
            },
            history.first_not_record.as_deref().unwrap_or("")
        ));
    }
    text
}
