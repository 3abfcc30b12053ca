//! The recovery log: a record's logfmt/JSON line, and a safe, locked, all-or-nothing append.

use std::ffi::CString;
use std::fs::{self, DirBuilder, File, Metadata, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value};

/// Where records are appended unless told otherwise.
pub const DEFAULT_LOG_FILE: &str = "/var/log/orc-vitess-hook/recovery.log";

/// Record formats of `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// key=value pairs, quoted where needed, one record a line.
    Logfmt,
    /// One JSON object a line.
    Json,
}

/// One record line, without the trailing newline; keys keep `record`'s order and `null` values
/// are left out.
///
/// Besides what JSON escapes, the line carries DEL, the C1 controls (U+0080–U+009F, NEL among
/// them) and the Unicode line and paragraph separators only as `\uXXXX`: a terminal, `less` or a
/// log shipper may take any of them for a line break or a control sequence.
pub fn render(record: &Map<String, Value>, format: LogFormat) -> String {
    let present = record.iter().filter(|(_, value)| !value.is_null());
    match format {
        LogFormat::Json => {
            let object: Map<String, Value> = present
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            escape_json_text(&Value::Object(object).to_string())
        }
        LogFormat::Logfmt => {
            let pairs: Vec<String> = present
                .map(|(key, value)| format!("{}={}", logfmt_text(key), logfmt_value(value)))
                .collect();
            pairs.join(" ")
        }
    }
}

/// `text` as one line for stdout/stderr: every control character and U+2028/U+2029 written as
/// an escape (`\n`, `\r`, `\t`, else `\u00XX`, `\u2028`, `\u2029`), everything else unchanged
/// and unquoted.
pub fn one_line(text: &str) -> String {
    if !text.chars().any(breaks_lines) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if breaks_lines(c) => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Characters a record or an output line never carries raw: the C0 controls, DEL, the C1
/// controls (NEL is U+0085) and the Unicode line and paragraph separators.
fn breaks_lines(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// What serde_json leaves raw but a record must not carry: DEL, C1, U+2028, U+2029.
fn escaped_beyond_json(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}')
}

fn push_unicode_escape(out: &mut String, c: char) {
    // Only BMP characters reach here, so one \uXXXX unit is the whole escape.
    out.push_str(&format!("\\u{:04x}", u32::from(c)));
}

/// Escapes [`escaped_beyond_json`] characters in serialized JSON. Outside strings JSON text is
/// plain ASCII, so every such character is inside a string, where `\uXXXX` means the same
/// character: the text stays valid JSON and parses back to the same values.
fn escape_json_text(json: &str) -> String {
    if !json.chars().any(escaped_beyond_json) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if escaped_beyond_json(c) {
            push_unicode_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

fn logfmt_value(value: &Value) -> String {
    match value {
        Value::String(text) => logfmt_text(text),
        // A list of plain items reads best comma-joined, as Orchestrator writes host lists.
        Value::Array(items) if !items.is_empty() && items.iter().all(joins_plainly) => {
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
        // Left out by `render`; spelled out in case a nested caller passes one.
        Value::Null => "null".to_owned(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
    }
}

fn joins_plainly(item: &Value) -> bool {
    match item {
        Value::String(text) => !text.contains(','),
        Value::Bool(_) | Value::Number(_) => true,
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    }
}

/// Bare when non-empty and free of anything that could split or mislead a logfmt reader, else a
/// JSON string with the record's escapes.
fn logfmt_text(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_whitespace() && !breaks_lines(c) && !matches!(c, '"' | '=' | '\\'));
    if plain {
        text.to_owned()
    } else {
        escape_json_text(&Value::from(text).to_string())
    }
}

/// An open recovery log. Records are appended under an exclusive `flock`, one `write` each, and a
/// write that does not go out whole is cut off again, so readers only ever see whole lines. A
/// record starts on a line of its own even after a line someone else left unfinished.
///
/// The lock is `std::fs::File::lock` (flock(2), like the unmaintained fs2 crate's), so other
/// writers that lock the file, including other hook runs, never interleave with a record.
#[derive(Debug)]
pub struct RecoveryLog {
    file: File,
    /// The same file opened for reading, to see whether it ends in a newline; `None` when this
    /// user may only write it.
    reader: Option<File>,
    path: PathBuf,
    fsync: bool,
}

impl RecoveryLog {
    /// Opens `path` for appending, creating it 0640 (and missing directories 0750).
    ///
    /// Refuses a symbolic link, anything but a regular file, and, on the way from `/` down, any
    /// symbolic link or entry owned by someone other than this user or root in a directory other
    /// users can write to (like /tmp): such an entry may have been planted to redirect the log.
    /// There, a log file with more than one hard link is refused too: another user may have
    /// linked a file of ours (protected_hardlinks off), and the record would land in it.
    pub fn open(path: &Path, fsync: bool) -> Result<Self> {
        let absolute = absolute(path)?;
        let walk = check_chain(path, &absolute)?;
        if walk.missing_dirs {
            let dir = parent_dir(&absolute);
            DirBuilder::new()
                .recursive(true)
                .mode(0o750)
                .create(dir)
                .with_context(|| format!("cannot create log directory {}", dir.display()))?;
            // Someone could have planted an entry while we created ours.
            check_chain(path, &absolute)?;
        }
        let file = open_append(path, &absolute, true)?;
        check_opened(&file, path, &absolute)?;
        let reader = open_reader(&file, &absolute);
        Ok(Self {
            file,
            reader,
            path: path.to_owned(),
            fsync,
        })
    }

    /// For `--dry-run`: runs every check of [`RecoveryLog::open`] and proves the log could be
    /// appended to, creating and writing nothing.
    ///
    /// An existing file is opened for appending (without `O_CREAT`) and closed; for a missing
    /// one, the nearest existing directory on its path must be writable by this user.
    pub fn check_appendable(path: &Path) -> Result<()> {
        let absolute = absolute(path)?;
        let walk = check_chain(path, &absolute)?;
        if walk.file_exists {
            let file = open_append(path, &absolute, false)?;
            return check_opened(&file, path, &absolute);
        }
        writable_dir(&walk.deepest_dir).map_err(|e| {
            anyhow!(
                "cannot create recovery log {}: directory {} is not writable by this user: {e}",
                path.display(),
                walk.deepest_dir.display()
            )
        })
    }

    /// For `check`: [`Self::check_appendable`], then proof by doing it, since access(2) answers
    /// from permission bits alone (to root, a directory under /proc "is writable"). An existing
    /// log is locked and released at once; for a missing one, a probe file is created in the
    /// nearest existing directory and removed. Writes nothing into the log, leaves nothing behind.
    pub fn check_lock(path: &Path) -> Result<()> {
        Self::check_appendable(path)?;
        let absolute = absolute(path)?;
        let walk = check_chain(path, &absolute)?;
        if !walk.file_exists {
            return probe_create(path, &walk.deepest_dir);
        }
        let file = open_append(path, &absolute, false)?;
        match file.try_lock() {
            Ok(()) => {
                let _ = file.unlock();
                Ok(())
            }
            Err(TryLockError::WouldBlock) => bail!(
                "recovery log {}: another process holds its lock right now",
                path.display()
            ),
            Err(TryLockError::Error(e)) => Err(anyhow::Error::new(e)
                .context(format!("cannot lock recovery log {}", path.display()))),
        }
    }

    /// Appends `line` and a newline as one `write` under an exclusive lock, waiting for the lock
    /// until `lock_until` at the latest (one try even when it has passed).
    ///
    /// A short or failed write, or a failed fsync, cuts the file back to its length before the
    /// write, so no reader ever sees part of a record. A `line` carrying a control character
    /// (which [`render`] never produces) goes out as [`one_line`] makes it. When the file does
    /// not end in a newline (another writer cut its line), the same write starts with one, so
    /// the record is a line of its own and the torn line stays as it was.
    pub fn append(&mut self, line: &str, lock_until: Instant) -> Result<()> {
        let mut bytes = if line.chars().any(breaks_lines) {
            one_line(line).into_bytes()
        } else {
            line.as_bytes().to_vec()
        };
        bytes.push(b'\n');
        self.lock_until(lock_until)?;
        let written = self.write_whole(&bytes);
        // Closing the file would release the lock too; unlocking now shortens others' wait.
        let _ = self.file.unlock();
        written
    }

    /// Takes the exclusive lock, polling until `until` or a signal that comes meanwhile: anyone
    /// who can read the file can hold a flock on it, and a hook must never hang Orchestrator's
    /// recovery on that. The pause between
    /// tries starts at 1 ms and grows to 10 ms, so a queue of hundreds of hooks drains quickly.
    fn lock_until(&self, until: Instant) -> Result<()> {
        let start = Instant::now();
        // Only a signal that comes during this wait ends it: a record written because of an
        // earlier one (the `interrupted` record) still waits its turn.
        let signals_before = crate::signals::count();
        let mut pause = Duration::from_millis(1);
        loop {
            match self.file.try_lock() {
                Ok(()) => return Ok(()),
                Err(TryLockError::WouldBlock) => {
                    let now = Instant::now();
                    if crate::signals::count() != signals_before
                        && let Some((_, name)) = crate::signals::caught()
                    {
                        bail!(
                            "cannot lock recovery log {}: another process held its lock; gave \
                             up after {} ms, interrupted by {name}",
                            self.path.display(),
                            now.duration_since(start).as_millis()
                        );
                    }
                    if now >= until {
                        bail!(
                            "cannot lock recovery log {}: another process held its lock; \
                             gave up after {} ms",
                            self.path.display(),
                            now.duration_since(start).as_millis()
                        );
                    }
                    std::thread::sleep(pause.min(until - now));
                    pause = (pause * 2).min(Duration::from_millis(10));
                }
                Err(TryLockError::Error(e)) => {
                    return Err(anyhow::Error::new(e)
                        .context(format!("cannot lock recovery log {}", self.path.display())));
                }
            }
        }
    }

    /// Writes `bytes` with one `write` (a second call could land after another writer's
    /// record), after a newline when the file's last byte is not one; on any failure, truncates
    /// back to the length before. Call with the lock held.
    fn write_whole(&mut self, bytes: &[u8]) -> Result<()> {
        let context = || format!("cannot write recovery log {}", self.path.display());
        let before = self
            .file
            .metadata()
            .map(|meta| meta.len())
            .with_context(|| format!("cannot stat recovery log {}", self.path.display()))?;
        let joined;
        let bytes = if self.ends_in_torn_line(before) {
            joined = [&b"\n"[..], bytes].concat();
            joined.as_slice()
        } else {
            bytes
        };
        let failure = match self.file.write(bytes) {
            Ok(n) if n == bytes.len() && self.fsync => {
                self.file.sync_data().err().map(|e| format!("fsync: {e}"))
            }
            Ok(n) if n == bytes.len() => None,
            Ok(n) => Some(format!("short write: {n} of {} bytes", bytes.len())),
            Err(e) => Some(e.to_string()),
        };
        let Some(failure) = failure else {
            return Ok(());
        };
        match self.file.set_len(before) {
            Ok(()) => {
                Err(anyhow!("{failure} (rolled back to {before} bytes)")).with_context(context)
            }
            Err(e) => Err(anyhow!(
                "{failure}; rolling back to {before} bytes failed too ({e}): the file may end \
                 in a partial line"
            ))
            .with_context(context),
        }
    }

    /// Whether the file, `len` bytes long, ends in something other than a newline. Unknown
    /// (no read access, a failed read) counts as no: a needless blank line is not written.
    fn ends_in_torn_line(&self, len: u64) -> bool {
        let Some(reader) = &self.reader else {
            return false;
        };
        let mut last = [0u8; 1];
        len > 0 && matches!(reader.read_at(&mut last, len - 1), Ok(1)) && last[0] != b'\n'
    }
}

/// The log opened for reading too, when this user may, and only when it is the very file
/// `appended` is (the path could have been swapped since).
fn open_reader(appended: &File, absolute: &Path) -> Option<File> {
    let reader = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(absolute)
        .ok()?;
    let (ours, read) = (appended.metadata().ok()?, reader.metadata().ok()?);
    (ours.dev() == read.dev() && ours.ino() == read.ino()).then_some(reader)
}

/// `path` made absolute against the current directory, symbolic links left unresolved.
fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path)
        .with_context(|| format!("cannot resolve recovery log path {}", path.display()))
}

fn parent_dir(absolute: &Path) -> &Path {
    absolute.parent().unwrap_or(Path::new("/"))
}

/// What the walk down the log's path found.
#[derive(Debug)]
struct Walk {
    /// The deepest existing directory on the way (the log's directory when it exists).
    deepest_dir: PathBuf,
    /// Some directory between `deepest_dir` and the log is missing.
    missing_dirs: bool,
    file_exists: bool,
}

/// Walks `absolute` from `/` down. In a directory other users can write to, the next entry on the
/// way must be neither a symbolic link nor owned by anyone but this user or root. `shown` is the
/// path as the user gave it, for messages.
fn check_chain(shown: &Path, absolute: &Path) -> Result<Walk> {
    let refuse = |why: String| anyhow!("refusing recovery log {}: {why}", shown.display());
    let me = effective_uid();
    let mut dir = PathBuf::from("/");
    let mut dir_meta = fs::metadata(&dir).context("cannot stat /")?;
    let names: Vec<Component> = absolute.components().collect();
    let last = names.len().saturating_sub(1);
    for (index, component) in names.iter().enumerate() {
        let name = match component {
            Component::Normal(name) => name,
            // `..` names a directory the kernel reaches through ours; it cannot be planted.
            Component::ParentDir => {
                dir.push("..");
                dir_meta = stat_dir(&dir)?;
                continue;
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => continue,
        };
        let entry = dir.join(name);
        let entry_meta = match fs::symlink_metadata(&entry) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Walk {
                    deepest_dir: dir,
                    missing_dirs: index < last,
                    file_exists: false,
                });
            }
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot stat {}", entry.display()))
                );
            }
        };
        if dir_meta.mode() & 0o002 != 0 {
            if entry_meta.file_type().is_symlink() {
                return Err(refuse(format!(
                    "{} is a symbolic link in {}, which other users can write to",
                    entry.display(),
                    dir.display()
                )));
            }
            let owner = entry_meta.uid();
            if owner != me && owner != 0 {
                return Err(refuse(format!(
                    "{} is owned by uid {owner}, not by this user (uid {me}) or root, in {}, \
                     which other users can write to",
                    entry.display(),
                    dir.display()
                )));
            }
            if index == last && entry_meta.file_type().is_file() && entry_meta.nlink() > 1 {
                return Err(refuse(format!(
                    "it has {} hard links, in {}, which other users can write to; expected \
                     one",
                    entry_meta.nlink(),
                    dir.display()
                )));
            }
        }
        if index == last {
            return Ok(Walk {
                deepest_dir: dir,
                missing_dirs: false,
                file_exists: true,
            });
        }
        dir_meta = stat_dir(&entry)?;
        dir = entry;
    }
    // Only a path without a file name (`/`) ends here.
    bail!(
        "refusing recovery log {}: it is not a regular file",
        shown.display()
    )
}

/// A directory on the way, symbolic links followed (one here passed the checks above).
fn stat_dir(dir: &Path) -> Result<Metadata> {
    let meta = fs::metadata(dir).with_context(|| format!("cannot stat {}", dir.display()))?;
    if !meta.is_dir() {
        bail!("cannot use {}: it is not a directory", dir.display());
    }
    Ok(meta)
}

fn open_append(shown: &Path, absolute: &Path, create: bool) -> Result<File> {
    OpenOptions::new()
        .append(true)
        .create(create)
        .mode(0o640)
        // std adds O_CLOEXEC itself; O_NONBLOCK keeps a planted FIFO from blocking the open.
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(absolute)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => anyhow!(
                "refusing recovery log {}: it is a symbolic link",
                shown.display()
            ),
            // What a non-blocking open of a FIFO without a reader (or a socket) answers.
            Some(libc::ENXIO) => anyhow!(
                "refusing recovery log {}: it is not a regular file",
                shown.display()
            ),
            _ => anyhow::Error::new(e)
                .context(format!("cannot open recovery log {}", shown.display())),
        })
}

/// Checks what was actually opened (the walk ran before the open): a regular file, and in a
/// directory other users can write to, one owned by this user or root with one link only.
fn check_opened(file: &File, shown: &Path, absolute: &Path) -> Result<()> {
    let meta = file
        .metadata()
        .with_context(|| format!("cannot stat recovery log {}", shown.display()))?;
    if !meta.file_type().is_file() {
        bail!(
            "refusing recovery log {}: it is not a regular file",
            shown.display()
        );
    }
    let dir = parent_dir(absolute);
    let dir_meta = stat_dir(dir)?;
    let (owner, me) = (meta.uid(), effective_uid());
    let shared = dir_meta.mode() & 0o002 != 0;
    if shared && owner != me && owner != 0 {
        bail!(
            "refusing recovery log {}: it is owned by uid {owner}, not by this user (uid {me}) \
             or root, in {}, which other users can write to",
            shown.display(),
            dir.display()
        );
    }
    if shared && meta.nlink() > 1 {
        bail!(
            "refusing recovery log {}: it has {} hard links, in {}, which other users can write \
             to; expected one",
            shown.display(),
            meta.nlink(),
            dir.display()
        );
    }
    Ok(())
}

/// Whether this process (its effective ids, as for creating a file) may create entries in `dir`.
#[allow(unsafe_code)]
fn writable_dir(dir: &Path) -> io::Result<()> {
    let c_dir = CString::new(dir.as_os_str().as_bytes())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    // SAFETY: `c_dir` is a valid NUL-terminated string that outlives the call; faccessat only
    // reads it and touches no other memory of ours.
    let answer = unsafe {
        libc::faccessat(
            libc::AT_FDCWD,
            c_dir.as_ptr(),
            libc::W_OK | libc::X_OK,
            libc::AT_EACCESS,
        )
    };
    if answer == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Creates a file of its own (never the log: a run creating the log meanwhile would append to
/// a file the probe then removes) in `dir`, where the log or its directories would be created,
/// and removes it.
fn probe_create(shown: &Path, dir: &Path) -> Result<()> {
    let probe = dir.join(format!(".orc-vitess-hook-check-{}", std::process::id()));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&probe)
        .with_context(|| {
            format!(
                "cannot create recovery log {}: creating a file in {} failed",
                shown.display(),
                dir.display()
            )
        })?;
    fs::remove_file(&probe).with_context(|| {
        format!(
            "recovery log {}: cannot remove the probe file {} just created",
            shown.display(),
            probe.display()
        )
    })
}

#[allow(unsafe_code)]
fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions, cannot fail and touches no memory of ours.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use serde_json::json;

    use super::*;

    fn record(pairs: Value) -> Map<String, Value> {
        match pairs {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    fn sample() -> Map<String, Value> {
        record(json!({
            "outcome": "ok",
            "pid": 42,
            "failure_description": "Master cannot be reached: \"x\"",
            "is_master": true,
            "lost_replicas": ["a:1", "b:2"],
            "empty": "",
            "line": "one\ntwo",
            "events": ["a, b", "c"],
            "gone": null,
        }))
    }

    #[test]
    fn logfmt_quotes_only_where_needed_and_leaves_out_nulls() {
        assert_eq!(
            render(&sample(), LogFormat::Logfmt),
            r#"outcome=ok pid=42 failure_description="Master cannot be reached: \"x\"" is_master=true lost_replicas=a:1,b:2 empty="" line="one\ntwo" events="[\"a, b\",\"c\"]""#
        );
    }

    #[test]
    fn json_keeps_key_order_and_leaves_out_nulls() {
        assert_eq!(
            render(&sample(), LogFormat::Json),
            r#"{"outcome":"ok","pid":42,"failure_description":"Master cannot be reached: \"x\"","is_master":true,"lost_replicas":["a:1","b:2"],"empty":"","line":"one\ntwo","events":["a, b","c"]}"#
        );
    }

    /// (value, logfmt rendering, JSON rendering of the same value)
    const ESCAPES: &[(&str, &str, &str)] = &[
        ("plain", "plain", r#""plain""#),
        ("zone1-101", "zone1-101", r#""zone1-101""#),
        ("käse", "käse", r#""käse""#),
        ("a b", r#""a b""#, r#""a b""#),
        ("k=v", r#""k=v""#, r#""k=v""#),
        (r"back\slash", r#""back\\slash""#, r#""back\\slash""#),
        ("cr\rlf\n", r#""cr\rlf\n""#, r#""cr\rlf\n""#),
        ("tab\t", r#""tab\t""#, r#""tab\t""#),
        (
            "nul\0bell\u{7}",
            r#""nul\u0000bell\u0007""#,
            r#""nul\u0000bell\u0007""#,
        ),
        ("esc\u{1b}[31m", r#""esc\u001b[31m""#, r#""esc\u001b[31m""#),
        ("del\u{7f}", r#""del\u007f""#, r#""del\u007f""#),
        (
            "c1\u{80}\u{9b}\u{9f}",
            r#""c1\u0080\u009b\u009f""#,
            r#""c1\u0080\u009b\u009f""#,
        ),
        ("nel\u{85}", r#""nel\u0085""#, r#""nel\u0085""#),
        (
            "ls\u{2028}ps\u{2029}",
            r#""ls\u2028ps\u2029""#,
            r#""ls\u2028ps\u2029""#,
        ),
        ("nbsp\u{a0}", "\"nbsp\u{a0}\"", "\"nbsp\u{a0}\""),
        ("", r#""""#, r#""""#),
    ];

    #[test]
    fn both_formats_escape_every_line_breaking_character() {
        for (value, logfmt, json) in ESCAPES {
            let one = record(json!({ "v": value }));
            assert_eq!(
                render(&one, LogFormat::Logfmt),
                format!("v={logfmt}"),
                "{value:?}"
            );
            assert_eq!(
                render(&one, LogFormat::Json),
                format!("{{\"v\":{json}}}"),
                "{value:?}"
            );
        }
    }

    #[test]
    fn json_lines_parse_back_to_the_original_strings() {
        let nasty: String = (0u32..0x100)
            .chain([0x2028, 0x2029, 0xfeff, 0x1f600])
            .filter_map(char::from_u32)
            .collect();
        let original = record(json!({
            "ts": "2026-11-25T22:25:42.408Z",
            nasty.clone(): nasty,
            "list": [nasty, "x"],
            "nested": { "k\u{85}": ["\u{2028}", 1, null] },
        }));
        let line = render(&original, LogFormat::Json);
        assert!(!line.chars().any(breaks_lines), "{line}");
        let parsed: Map<String, Value> = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed, original);
        assert_eq!(
            parsed.keys().collect::<Vec<_>>(),
            original.keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn logfmt_quoted_values_parse_back_as_json_strings() {
        let nasty = "a\u{85}b\u{2028}c\u{7f}d\"e\\f\ng";
        let line = render(
            &record(json!({ "s": nasty, "o": { "k": nasty } })),
            LogFormat::Logfmt,
        );
        assert!(!line.chars().any(breaks_lines), "{line}");
        let (s, o) = line
            .strip_prefix("s=")
            .and_then(|rest| rest.split_once(" o="))
            .unwrap();
        assert_eq!(serde_json::from_str::<String>(s).unwrap(), nasty);
        let object: String = serde_json::from_str(o).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&object).unwrap()["k"], nasty);
    }

    #[test]
    fn logfmt_arrays_join_only_plain_scalars() {
        let cases = [
            (json!(["a:1", "b:2"]), "a:1,b:2"),
            (json!([1, true, "x"]), "1,true,x"),
            (json!(["a b", "c"]), r#""a b,c""#),
            (json!(["a,b", "c"]), r#""[\"a,b\",\"c\"]""#),
            (json!(["a", null]), r#""[\"a\",null]""#),
            (json!([["a"]]), r#""[[\"a\"]]""#),
            (json!([]), "[]"),
            (json!({ "k": "v" }), r#""{\"k\":\"v\"}""#),
            (json!(["x\u{2028}"]), r#""x\u2028""#),
        ];
        for (value, expected) in cases {
            let one = record(json!({ "v": value }));
            assert_eq!(
                render(&one, LogFormat::Logfmt),
                format!("v={expected}"),
                "{value}"
            );
        }
    }

    #[test]
    fn one_line_escapes_controls_and_separators_only() {
        let cases = [
            ("plain text", "plain text"),
            ("a\nb\r\n\tc", r"a\nb\r\n\tc"),
            ("\0\u{1}\u{1b}\u{1f}", r"\u0000\u0001\u001b\u001f"),
            ("del\u{7f}", r"del\u007f"),
            ("\u{80}\u{85}\u{9f}", r"\u0080\u0085\u009f"),
            ("\u{2028}\u{2029}", r"\u2028\u2029"),
            (r#"quotes " and \ stay"#, r#"quotes " and \ stay"#),
            ("käse 🙂 \u{a0}", "käse 🙂 \u{a0}"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(one_line(text), expected, "{text:?}");
        }
    }

    fn is_root() -> bool {
        effective_uid() == 0
    }

    fn world_writable(dir: &Path) {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o1777)).unwrap();
    }

    fn message(result: Result<impl std::fmt::Debug>) -> String {
        format!("{:#}", result.unwrap_err())
    }

    #[test]
    fn a_symlinked_directory_is_refused_only_under_a_world_writable_one() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real");
        fs::create_dir(&real).unwrap();
        for (mode, refused) in [(0o1777, true), (0o755, false)] {
            let parent = root.path().join(format!("parent-{mode:o}"));
            fs::create_dir(&parent).unwrap();
            fs::set_permissions(&parent, fs::Permissions::from_mode(mode)).unwrap();
            let link = parent.join("logs");
            symlink(&real, &link).unwrap();
            let log = link.join(format!("recovery-{mode:o}.log"));
            let checked = RecoveryLog::check_appendable(&log);
            let opened = RecoveryLog::open(&log, false);
            if refused {
                for text in [message(checked), message(opened)] {
                    assert!(text.contains("is a symbolic link"), "{text}");
                    assert!(text.contains(&link.display().to_string()), "{text}");
                    assert!(text.contains("other users can write to"), "{text}");
                }
            } else {
                checked.unwrap();
                opened.unwrap();
            }
            assert_eq!(
                real.join(format!("recovery-{mode:o}.log")).exists(),
                !refused
            );
        }
    }

    #[test]
    fn a_foreign_directory_under_a_world_writable_one_is_refused() {
        if !is_root() {
            eprintln!("skipped: needs root to chown a directory to another user");
            return;
        }
        let root = tempfile::tempdir().unwrap();
        world_writable(root.path());
        let foreign = root.path().join("foreign");
        fs::create_dir(&foreign).unwrap();
        std::os::unix::fs::chown(&foreign, Some(65534), Some(65534)).unwrap();
        let log = foreign.join("sub/recovery.log");
        for text in [
            message(RecoveryLog::check_appendable(&log)),
            message(RecoveryLog::open(&log, false)),
        ] {
            assert!(text.contains("owned by uid 65534"), "{text}");
            assert!(text.contains(&foreign.display().to_string()), "{text}");
        }
        assert!(!foreign.join("sub").exists());
        // Root's own directory there is fine (root could write anywhere anyway).
        let own = root.path().join("own/recovery.log");
        RecoveryLog::open(&own, false).unwrap();
        assert!(own.exists());
    }

    #[test]
    fn relative_paths_are_walked_from_the_current_directory() {
        let log = Path::new("target-relative-check/recovery.log");
        let absolute = absolute(log).unwrap();
        assert!(
            absolute.is_absolute() && absolute.ends_with(log),
            "{absolute:?}"
        );
        let walk = check_chain(log, &absolute).unwrap();
        assert_eq!(walk.deepest_dir, std::env::current_dir().unwrap());
        assert!(walk.missing_dirs && !walk.file_exists, "{walk:?}");
    }

    #[test]
    fn check_appendable_creates_and_writes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let nested = root.path().join("a/b/recovery.log");
        RecoveryLog::check_appendable(&nested).unwrap();
        assert!(!root.path().join("a").exists());

        let existing = root.path().join("recovery.log");
        fs::write(&existing, "one\n").unwrap();
        RecoveryLog::check_appendable(&existing).unwrap();
        assert_eq!(fs::read_to_string(&existing).unwrap(), "one\n");

        let link = root.path().join("link.log");
        symlink(&existing, &link).unwrap();
        assert!(message(RecoveryLog::check_appendable(&link)).contains("symbolic link"));

        let through_file = existing.join("x.log");
        assert!(RecoveryLog::check_appendable(&through_file).is_err());
    }

    #[test]
    fn check_lock_creates_for_real_and_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let nested = root.path().join("a/b/recovery.log");
        RecoveryLog::check_lock(&nested).unwrap();
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            0,
            "nothing left"
        );
        // To root, access(2) allows it; the kernel does not (to others access(2) refuses).
        let text = message(RecoveryLog::check_lock(Path::new("/proc/orc-check.log")));
        let proven = if effective_uid() == 0 {
            "creating a file in /proc failed"
        } else {
            "is not writable by this user"
        };
        assert!(
            text.starts_with("cannot create recovery log /proc/orc-check.log")
                && text.contains(proven),
            "{text}"
        );
    }

    #[test]
    fn a_held_lock_is_given_up_at_the_deadline_and_says_how_long_it_waited() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("recovery.log");
        let mut log = RecoveryLog::open(&path, false).unwrap();
        let holder = File::open(&path).unwrap();
        holder.lock().unwrap();
        let start = Instant::now();
        let text = message(log.append("x", start + Duration::from_millis(150)));
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(150), "{waited:?}");
        assert!(waited < Duration::from_secs(2), "{waited:?}");
        assert!(
            text.contains("another process held its lock; gave up after 1"),
            "{text}"
        );
        holder.unlock().unwrap();
        // A deadline already passed still gets one try.
        log.append("y", start).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "y\n");
    }

    #[test]
    fn a_line_with_a_raw_newline_still_goes_out_as_one_line() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("recovery.log");
        let mut log = RecoveryLog::open(&path, true).unwrap();
        log.append("a\nb", Instant::now()).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "a\\nb\n");
    }
}
