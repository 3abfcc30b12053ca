//! One shard's turn: the runs that act on one shard from this host (`reparent`, `reconcile`)
//! take turns under an exclusive lock on a small file beside the recovery log, and each leaves
//! there what it settled, so the run that follows sees the outcome of the one before it.
//!
//! The file holds one JSON object, `{"shard": "commerce/0", "settled": [...]}`, the newest
//! [`KEPT`] settled recoveries last. It is rewritten whole under the lock; content that cannot be
//! read (a crash in the middle of a rewrite, a hand edit) counts as nothing settled, with a note,
//! and never stops a failover.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::lock::lock_within;
use crate::shard::Shard;

/// How many settled recoveries a shard's file keeps: enough for every recovery Orchestrator
/// could run again for a shard in a day of flapping, small enough to rewrite at every turn.
pub const KEPT: usize = 64;

/// The most a shard's file may hold before it is read as nothing settled.
const MAX_FILE: u64 = 256 * 1024;

/// A recovery a run settled for the shard: what it was and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settled {
    /// Orchestrator's recovery UID (`ORC_RECOVERY_UID`).
    pub recovery_uid: String,
    /// The hook that settled it: `reparent` or `reconcile`.
    pub hook: String,
    /// The run's outcome (`ok`, `superseded`, …).
    pub outcome: String,
    /// The tablet made primary, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tablet: Option<String>,
    /// When it was settled, RFC 3339.
    pub at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Content {
    shard: String,
    #[serde(default)]
    settled: Vec<Settled>,
}

/// This run's turn on a shard, held until it is dropped.
#[derive(Debug)]
pub struct ShardTurn {
    file: File,
    path: PathBuf,
    shard: Shard,
    settled: Vec<Settled>,
    /// Why the file's content was not read, when it was not.
    pub note: Option<String>,
}

impl ShardTurn {
    /// The turn file of `shard` beside the recovery log `log`: `recovery.log.commerce.0.turn`,
    /// with any byte of the names other than letters, digits, `_` and `-` written `%XX`.
    pub fn path(log: &Path, shard: &Shard) -> PathBuf {
        let mut name = log
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "recovery.log".to_owned());
        name.push('.');
        name.push_str(&file_safe(&shard.keyspace));
        name.push('.');
        name.push_str(&file_safe(&shard.shard));
        name.push_str(".turn");
        log.with_file_name(name)
    }

    /// Waits for the shard's turn until `until` (a signal ends the wait), then reads what the
    /// runs before settled. The file is created 0640 if missing; a symbolic link or anything but
    /// a regular file is refused.
    pub fn take(log: &Path, shard: &Shard, until: Instant) -> Result<Self> {
        let path = Self::path(log, shard);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o640)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(&path)
            .with_context(|| format!("cannot open shard turn file {}", path.display()))?;
        let meta = file
            .metadata()
            .with_context(|| format!("cannot stat shard turn file {}", path.display()))?;
        if !meta.is_file() {
            bail!(
                "refusing shard turn file {}: it is not a regular file",
                path.display()
            );
        }
        lock_within(
            &file,
            &format!("shard {shard}'s turn file {}", path.display()),
            until,
        )?;
        let mut turn = Self {
            file,
            path,
            shard: shard.clone(),
            settled: Vec::new(),
            note: None,
        };
        match turn.read() {
            Ok(settled) => turn.settled = settled,
            Err(why) => turn.note = Some(why),
        }
        Ok(turn)
    }

    fn read(&mut self) -> Result<Vec<Settled>, String> {
        let mut text = String::new();
        (&self.file)
            .take(MAX_FILE + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("shard turn file {}: unreadable ({e})", self.path.display()))?;
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        if text.len() as u64 > MAX_FILE {
            return Err(format!(
                "shard turn file {}: larger than {MAX_FILE} bytes; read as nothing settled",
                self.path.display()
            ));
        }
        let content: Content = serde_json::from_str(&text).map_err(|e| {
            format!(
                "shard turn file {}: not what this tool writes ({e}); read as nothing settled",
                self.path.display()
            )
        })?;
        Ok(content.settled)
    }

    /// The successful settlement of `recovery_uid`, if a run before this one made it.
    pub fn settled_ok(&self, recovery_uid: &str) -> Option<&Settled> {
        self.settled
            .iter()
            .rev()
            .find(|s| s.recovery_uid == recovery_uid && s.outcome == "ok")
    }

    /// Every settlement the file holds, oldest first.
    pub fn settled(&self) -> &[Settled] {
        &self.settled
    }

    /// Adds `settled` and rewrites the file, keeping the newest [`KEPT`].
    pub fn settle(&mut self, settled: Settled) -> Result<()> {
        self.settled.push(settled);
        let excess = self.settled.len().saturating_sub(KEPT);
        self.settled.drain(..excess);
        let content = Content {
            shard: self.shard.to_string(),
            settled: std::mem::take(&mut self.settled),
        };
        let mut text = serde_json::to_string(&content).context("cannot render shard turn")?;
        self.settled = content.settled;
        text.push('\n');
        let context = || format!("cannot write shard turn file {}", self.path.display());
        self.file.set_len(0).with_context(context)?;
        self.file.seek(SeekFrom::Start(0)).with_context(context)?;
        self.file.write_all(text.as_bytes()).with_context(context)?;
        self.file.flush().with_context(context)
    }
}

/// `name` with every byte other than ASCII letters, digits, `_` and `-` written `%XX`, so no
/// keyspace or shard name can leave the log's directory or hide a file.
fn file_safe(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn shard(keyspace: &str, shard: &str) -> Shard {
        Shard {
            keyspace: keyspace.to_owned(),
            shard: shard.to_owned(),
        }
    }

    fn settled(uid: &str, outcome: &str) -> Settled {
        Settled {
            recovery_uid: uid.to_owned(),
            hook: "reparent".to_owned(),
            outcome: outcome.to_owned(),
            tablet: Some("zone1-0000000102".to_owned()),
            at: "2026-12-07T16:00:00Z".to_owned(),
        }
    }

    #[test]
    fn names_stay_in_the_logs_directory() {
        let log = Path::new("/var/log/orc/recovery.log");
        assert_eq!(
            ShardTurn::path(log, &shard("commerce", "-80")),
            Path::new("/var/log/orc/recovery.log.commerce.-80.turn")
        );
        assert_eq!(
            ShardTurn::path(log, &shard("../x", "a/b")),
            Path::new("/var/log/orc/recovery.log.%2E%2E%2Fx.a%2Fb.turn")
        );
    }

    #[test]
    fn the_next_turn_sees_what_the_one_before_settled() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("recovery.log");
        let until = Instant::now() + Duration::from_secs(5);
        let ks = shard("commerce", "0");
        {
            let mut turn = ShardTurn::take(&log, &ks, until).unwrap();
            assert!(turn.settled_ok("r1").is_none());
            turn.settle(settled("r1", "failed")).unwrap();
            turn.settle(settled("r1", "ok")).unwrap();
        }
        let turn = ShardTurn::take(&log, &ks, until).unwrap();
        assert_eq!(turn.settled_ok("r1"), Some(&settled("r1", "ok")));
        assert!(turn.settled_ok("r2").is_none());
        assert_eq!(turn.note, None);
    }

    #[test]
    fn a_held_turn_is_waited_for_until_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("recovery.log");
        let ks = shard("commerce", "0");
        let held = ShardTurn::take(&log, &ks, Instant::now() + Duration::from_secs(5)).unwrap();
        let refused = ShardTurn::take(&log, &ks, Instant::now() + Duration::from_millis(50));
        let message = format!("{:#}", refused.unwrap_err());
        assert!(
            message.contains("another process held its lock"),
            "{message}"
        );
        drop(held);
        ShardTurn::take(&log, &ks, Instant::now() + Duration::from_secs(5)).unwrap();
    }

    #[test]
    fn only_the_newest_are_kept_and_a_torn_file_counts_as_nothing_settled() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("recovery.log");
        let until = Instant::now() + Duration::from_secs(5);
        let ks = shard("commerce", "0");
        {
            let mut turn = ShardTurn::take(&log, &ks, until).unwrap();
            for i in 0..KEPT + 3 {
                turn.settle(settled(&format!("r{i}"), "ok")).unwrap();
            }
        }
        let turn = ShardTurn::take(&log, &ks, until).unwrap();
        assert_eq!(turn.settled().len(), KEPT);
        assert!(turn.settled_ok("r2").is_none() && turn.settled_ok("r3").is_some());
        drop(turn);
        std::fs::write(ShardTurn::path(&log, &ks), "{\"shard\": \"comm").unwrap();
        let turn = ShardTurn::take(&log, &ks, until).unwrap();
        assert!(turn.settled().is_empty());
        assert!(
            turn.note
                .as_deref()
                .unwrap_or("")
                .contains("not what this tool writes")
        );
    }

    #[test]
    fn a_symbolic_link_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("recovery.log");
        let ks = shard("commerce", "0");
        std::os::unix::fs::symlink("/etc/passwd", ShardTurn::path(&log, &ks)).unwrap();
        let until = Instant::now() + Duration::from_secs(1);
        assert!(ShardTurn::take(&log, &ks, until).is_err());
    }
}
