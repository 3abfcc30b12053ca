//! The recovery log file: opened safely (see `log_path`), appended under an exclusive lock that
//! is given up at the run's deadline, one whole line per record or nothing.

use std::fs::{DirBuilder, File, OpenOptions, TryLockError};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};

use super::log_path::{
    absolute, check_chain, check_opened, open_append, parent_dir, probe_create, writable_dir,
};
use crate::output::{breaks_lines, one_line};

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
            return probe_create("recovery log", path, &walk.deepest_dir);
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
        self.append_then(line, lock_until, || ())
    }

    /// [`append`](Self::append), then `then` while the lock is still held, when the record was
    /// written: what must follow the record without another run's record between them.
    pub fn append_then(
        &mut self,
        line: &str,
        lock_until: Instant,
        then: impl FnOnce(),
    ) -> Result<()> {
        let mut bytes = if line.chars().any(breaks_lines) {
            one_line(line).into_bytes()
        } else {
            line.as_bytes().to_vec()
        };
        bytes.push(b'\n');
        self.lock_until(lock_until)?;
        let written = self.write_whole(&bytes);
        if written.is_ok() {
            then();
        }
        // Closing the file would release the lock too; unlocking now shortens others' wait.
        let _ = self.file.unlock();
        written
    }

    /// Takes the exclusive lock, polling until `until` or a signal that comes meanwhile: anyone
    /// who can read the file can hold a flock on it, and a hook must never hang Orchestrator's
    /// recovery on that.
    fn lock_until(&self, until: Instant) -> Result<()> {
        super::lock::lock_within(
            &self.file,
            &format!("recovery log {}", self.path.display()),
            until,
        )
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

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::symlink;
    use std::time::Duration;

    use crate::record::log_path::effective_uid;

    use super::*;

    fn message(result: Result<impl std::fmt::Debug>) -> String {
        format!("{:#}", result.unwrap_err())
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
