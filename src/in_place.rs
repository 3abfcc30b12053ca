//! Replacing a file's content atomically (`orchestrator-config --merge FILE --in-place`, and
//! `--metrics-textfile` with [`write_whole`]), so that
//! no reader, crash or full disk ever sees the file empty or half written, and a shell redirect
//! onto the file being read is never needed.
//!
//! The new content goes into a temporary file in the same directory (a rename is atomic only
//! within one filesystem), is synced, takes the old file's mode and, where this user may give
//! it, its owner and group; the old file gets a second name, `FILE.bak`; the temporary file is
//! renamed over FILE and the directory synced, so both renames survive a crash.

use std::ffi::OsString;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Where the content went and where the old content is kept.
#[derive(Debug)]
pub struct Replaced {
    /// The file replaced: FILE, or the file a symbolic link at FILE names.
    pub file: PathBuf,
    pub backup: PathBuf,
}

/// Replaces the regular file at `path` with `content`, the old content kept in `<file>.bak`.
/// A symbolic link at `path` is followed: the file it names is replaced and the link kept.
/// On any failure the file is left as it was and no temporary file remains.
pub fn replace(path: &Path, content: &[u8]) -> Result<Replaced> {
    let file =
        fs::canonicalize(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    let old = fs::metadata(&file).with_context(|| format!("cannot stat {}", file.display()))?;
    if !old.is_file() {
        bail!("cannot replace {}: not a regular file", file.display());
    }
    let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
        // A canonical path names a file only with a parent and a name; `/` is no regular file.
        bail!(
            "cannot replace {}: not a file in a directory",
            file.display()
        );
    };
    let mut backup_name = name.to_owned();
    backup_name.push(".bak");
    let backup = dir.join(backup_name);

    let mut temp = Temporary::create(dir, name)?;
    let shown = temp.path.display().to_string();
    temp.file
        .write_all(content)
        .with_context(|| format!("cannot write {shown}"))?;
    keep_owner(&temp.file, &old);
    // After the owner: a change of owner clears the set-user-ID and set-group-ID bits.
    temp.file
        .set_permissions(fs::Permissions::from_mode(old.mode() & 0o7777))
        .with_context(|| format!("cannot set the mode of {shown}"))?;
    temp.file
        .sync_all()
        .with_context(|| format!("cannot fsync {shown}"))?;

    // The old file under a second name (nothing copied: owner, mode and times stay exact),
    // swapped in over an earlier backup in one rename.
    let mut link = Temporary::reserve(dir, name)?;
    if fs::hard_link(&file, &link.path).is_err() {
        // A filesystem without hard links: a copy then.
        fs::copy(&file, &link.path).with_context(|| {
            format!("cannot keep {} as {}", file.display(), link.path.display())
        })?;
    }
    fs::rename(&link.path, &backup)
        .with_context(|| format!("cannot keep {} as {}", file.display(), backup.display()))?;
    link.renamed();

    fs::rename(&temp.path, &file).with_context(|| {
        format!(
            "cannot rename {shown} over {} (its old content is in {})",
            file.display(),
            backup.display()
        )
    })?;
    temp.renamed();
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot fsync directory {}", dir.display()))?;
    Ok(Replaced { file, backup })
}

/// Writes `content` to `path` whole, creating or replacing it: into a temporary file beside it,
/// synced and given `mode`, then renamed over `path`, so a reader sees the old content or the
/// new, never part of either (`sync`: the content is on disk before the rename, so a crash
/// leaves one of the two as well). No backup is kept (for a file the tool itself owns, like
/// `--metrics-textfile`); on any failure no temporary file remains.
pub fn write_whole(path: &Path, content: &[u8], mode: u32, sync: bool) -> Result<()> {
    let Some(name) = path.file_name() else {
        bail!("{}: names no file", path.display());
    };
    let dir = directory_of(path);
    let mut temp = Temporary::create(dir, name)?;
    let shown = temp.path.display().to_string();
    temp.file
        .write_all(content)
        .with_context(|| format!("cannot write {shown}"))?;
    temp.file
        .set_permissions(fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {shown}"))?;
    if sync {
        temp.file
            .sync_all()
            .with_context(|| format!("cannot fsync {shown}"))?;
    }
    fs::rename(&temp.path, path)
        .with_context(|| format!("cannot rename {shown} over {}", path.display()))?;
    temp.renamed();
    Ok(())
}

/// The directory `path` is in: its parent, or `.` for a bare name.
pub fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The old file's owner and group on the new one, where this user may set them: root may, others
/// only their own uid and a group they belong to. What cannot be kept is left as created.
fn keep_owner(file: &File, old: &Metadata) {
    if std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).is_err() {
        let _ = std::os::unix::fs::fchown(file, None, Some(old.gid()));
    }
}

/// A temporary name next to the file, removed again unless it was renamed away.
struct Temporary {
    path: PathBuf,
    file: File,
    done: bool,
}

impl Temporary {
    /// A new file `.<name>.<pid>.<n>.tmp`, created exclusively, 0600 until its mode is set.
    fn create(dir: &Path, name: &std::ffi::OsStr) -> Result<Self> {
        let mut last_error = None;
        for attempt in 0..100u32 {
            let mut temp_name = OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".{}.{attempt}.tmp", std::process::id()));
            let path = dir.join(temp_name);
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
            {
                Ok(file) => {
                    return Ok(Self {
                        path,
                        file,
                        done: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
                Err(e) => {
                    return Err(anyhow::Error::new(e).context(format!(
                        "cannot create a temporary file in {}",
                        dir.display()
                    )));
                }
            }
        }
        let error = last_error.unwrap_or_else(|| io::Error::other("no attempt made"));
        Err(anyhow::Error::new(error).context(format!(
            "cannot create a temporary file in {}",
            dir.display()
        )))
    }

    /// A free temporary name for something else to create (the backup's link): created empty,
    /// then removed, so the name is ours and free.
    fn reserve(dir: &Path, name: &std::ffi::OsStr) -> Result<Self> {
        let reserved = Self::create(dir, name)?;
        fs::remove_file(&reserved.path)
            .with_context(|| format!("cannot remove {}", reserved.path.display()))?;
        Ok(reserved)
    }

    /// Renamed away: nothing to remove.
    fn renamed(&mut self) {
        self.done = true;
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.path);
        }
    }
}
