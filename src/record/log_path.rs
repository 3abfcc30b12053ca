//! The walk down the recovery log's path, from `/`: what may be trusted on the way. In a
//! directory other users can write to (like /tmp), a symbolic link or an entry of another user
//! may have been planted to redirect the log, and is refused. No record is written here.

use std::ffi::CString;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

/// `path` made absolute against the current directory, symbolic links left unresolved.
pub(super) fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path)
        .with_context(|| format!("cannot resolve recovery log path {}", path.display()))
}

pub(super) fn parent_dir(absolute: &Path) -> &Path {
    absolute.parent().unwrap_or(Path::new("/"))
}

/// What the walk down the log's path found.
#[derive(Debug)]
pub(super) struct Walk {
    /// The deepest existing directory on the way (the log's directory when it exists).
    pub(super) deepest_dir: PathBuf,
    /// Some directory between `deepest_dir` and the log is missing.
    pub(super) missing_dirs: bool,
    pub(super) file_exists: bool,
}

/// Walks `absolute` from `/` down. In a directory other users can write to, the next entry on the
/// way must be neither a symbolic link nor owned by anyone but this user or root. `shown` is the
/// path as the user gave it, for messages.
pub(super) fn check_chain(shown: &Path, absolute: &Path) -> Result<Walk> {
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
pub(super) fn stat_dir(dir: &Path) -> Result<Metadata> {
    let meta = fs::metadata(dir).with_context(|| format!("cannot stat {}", dir.display()))?;
    if !meta.is_dir() {
        bail!("cannot use {}: it is not a directory", dir.display());
    }
    Ok(meta)
}

pub(super) fn open_append(shown: &Path, absolute: &Path, create: bool) -> Result<File> {
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
pub(super) fn check_opened(file: &File, shown: &Path, absolute: &Path) -> Result<()> {
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
pub(super) fn writable_dir(dir: &Path) -> io::Result<()> {
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

/// Creates a file of its own (never the file itself: a run creating the log meanwhile would
/// append to a file the probe then removes) in `dir`, where `what` at `shown` or its directories
/// would be created, and removes it.
pub(super) fn probe_create(what: &str, shown: &Path, dir: &Path) -> Result<()> {
    let probe = dir.join(format!(".orc-vitess-hook-check-{}", std::process::id()));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&probe)
        .with_context(|| {
            format!(
                "cannot create {what} {}: creating a file in {} failed",
                shown.display(),
                dir.display()
            )
        })?;
    fs::remove_file(&probe).with_context(|| {
        format!(
            "{what} {}: cannot remove the probe file {} just created",
            shown.display(),
            probe.display()
        )
    })
}

#[allow(unsafe_code)]
pub(super) fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions, cannot fail and touches no memory of ours.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use crate::record::log_file::RecoveryLog;

    use super::*;

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
}
