//! The recovery log on a real filesystem: concurrent appends, refusals, permissions, and a log that
//! cannot be written never stopping the reparent.

use std::collections::HashSet;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fake_vtctld::{Behaviour, FakeVtctld};
use crate::support::hook::{hook, log_in, records, reparent, run, temp_dir, wait_within};
use crate::support::scenario::failover;
use orc_vitess_hook::record::log_file::RecoveryLog;

/// A run that writes exactly one record and connects nowhere (a safety skip).
fn skip_command(log: &Path, uid: &str, description: &str) -> Command {
    let mut command = reparent(log);
    command.args([
        "--failure-type",
        "DeadIntermediateMaster",
        "--recovery-uid",
        uid,
        "--failure-description",
        description,
    ]);
    command
}

fn skip_run(log: &Path, uid: &str, description: &str) -> crate::support::hook::Run {
    run(&mut skip_command(log, uid, description))
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(1)
        == 0
}

#[test]
fn thirty_two_processes_append_1600_whole_records() {
    let dir = temp_dir();
    let log = log_in(&dir);
    // Records far larger than PIPE_BUF, so interleaving would show.
    let description = "x".repeat(6000);
    std::thread::scope(|scope| {
        for process in 0..32 {
            let (log, description) = (&log, &description);
            scope.spawn(move || {
                for record in 0..50 {
                    skip_run(log, &format!("p{process}-r{record}"), description).assert_code(0);
                }
            });
        }
    });
    let all = records(&log);
    assert_eq!(all.len(), 1600);
    let uids: HashSet<&str> = all
        .iter()
        .map(|r| {
            assert_eq!(r["failure_description"].as_str().unwrap().len(), 6000);
            r["recovery_uid"].as_str().unwrap()
        })
        .collect();
    assert_eq!(uids.len(), 1600, "every record exactly once");
}

#[test]
fn default_format_is_logfmt_and_new_files_are_0640_in_0750_directories() {
    let dir = temp_dir();
    let log = dir.path().join("new/sub/recovery.log");
    let out = run(hook().args([
        "reparent",
        "--log-file",
        log.to_str().unwrap(),
        "--failure-type",
        "DeadIntermediateMaster",
        "--failure-description",
        "two words",
        "--fsync",
    ]));
    out.assert_code(0);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("ts=20"), "{text}");
    assert!(text.contains(" outcome=skipped "), "{text}");
    assert!(
        text.contains(" failure_description=\"two words\" "),
        "{text}"
    );
    assert!(text.ends_with('\n') && text.lines().count() == 1, "{text}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&log), 0o640);
    assert_eq!(mode(log.parent().unwrap()), 0o750);
    assert_eq!(mode(log.parent().unwrap().parent().unwrap()), 0o750);
}

#[test]
fn a_symlink_at_the_log_path_is_refused_and_its_target_untouched() {
    let dir = temp_dir();
    let target = dir.path().join("passwd-like");
    std::fs::write(&target, "precious\n").unwrap();
    let log = log_in(&dir);
    symlink(&target, &log).unwrap();
    let out = skip_run(&log, "r-link", "d");
    out.assert_code(74);
    assert!(out.stderr.contains("symbolic link"), "{out:?}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
}

#[test]
fn a_non_regular_file_is_refused() {
    let dir = temp_dir();
    let fifo = log_in(&dir);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = skip_run(&fifo, "r-fifo", "d");
    out.assert_code(74);
    assert!(out.stderr.contains("not a regular file"), "{out:?}");
}

#[test]
#[ignore = "needs root: plants a file of another user (.ci/run runs it as root)"]
fn a_file_of_another_user_in_a_world_writable_directory_is_refused() {
    let dir = temp_dir();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    let log = log_in(&dir);
    std::fs::write(&log, "").unwrap();
    let mut command = reparent(&log);
    command.args(["--failure-type", "DeadIntermediateMaster"]);
    // Planting a file owned by someone else takes root, as it does for an attacker's victim.
    assert!(
        is_root(),
        "this test needs root to create a file owned by another user"
    );
    std::os::unix::fs::chown(&log, Some(65534), Some(65534)).unwrap();
    let out = run(&mut command);
    out.assert_code(74);
    assert!(out.stderr.contains("owned by uid 65534"), "{out:?}");
    assert!(out.stderr.contains("other users can write to"), "{out:?}");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "");
}

#[test]
fn an_unwritable_directory_never_stops_the_reparent() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = locked.join("recovery.log");
    let mut command = failover()
        .by_flags()
        .failed("db1.example.com", 3306)
        .successor_alias("zone1-101")
        .server(&fake)
        .log(&log)
        .command();
    if is_root() {
        // Root ignores directory modes: run the hook as "nobody" so 0555 means something.
        command.uid(65534).gid(65534);
    }
    let out = run(&mut command);
    out.assert_code(74);
    assert!(
        out.stderr.contains("recovery record not written"),
        "{out:?}"
    );
    assert!(out.stderr.contains(log.to_str().unwrap()), "{out:?}");
    assert!(out.stdout.contains("reparented commerce/0"), "{out:?}");
    assert_eq!(
        fake.received_for("/vtctlservice.Vtctld/TabletExternallyReparented")
            .len(),
        1,
        "the reparent still happened"
    );
    assert!(!log.exists());
}

#[test]
fn a_lock_held_forever_by_another_process_cannot_hang_the_hook() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let holder = std::fs::File::create(&log).unwrap();
    holder.lock().unwrap();
    // A record waits for the lock at most until the deadline (plus its margin).
    let out = run(skip_command(&log, "r-locked", "d").args(["--deadline", "1s"]));
    out.assert_code(74);
    assert!(out.stderr.contains("held its lock"), "{out:?}");
    assert!(out.stderr.contains("gave up after"), "{out:?}");
    holder.unlock().unwrap();
    let out = skip_run(&log, "r-free", "d");
    out.assert_code(0);
    assert_eq!(records(&log).len(), 1);
}

/// A tmpfs mounted on a fresh directory, unmounted when dropped (also when the test fails).
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    /// A fresh tmpfs; the tests that use one need root and are ignored without it.
    fn mount(options: &str) -> Self {
        let dir = temp_dir();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir.path())
            .output();
        match mounted {
            Ok(out) if out.status.success() => Self(dir),
            other => {
                panic!("cannot mount a tmpfs (run as root: cargo test -- --ignored): {other:?}")
            }
        }
    }

    fn dir(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
#[ignore = "needs root: mounts a tmpfs (.ci/run runs it as root)"]
fn a_full_disk_leaves_no_partial_record_and_exits_74() {
    let disk = Tmpfs::mount("size=64k");
    let log = disk.dir().join("recovery.log");
    skip_run(&log, "r-before", "fits").assert_code(0);
    // Fill the disk: only the log's partly used last page has room left, less than a record.
    fill(&disk.dir().join("filler"));
    let before = std::fs::metadata(&log).unwrap().len();

    let out = skip_run(&log, "r-full", &"x".repeat(6000));
    out.assert_code(74);
    assert!(
        out.stderr.contains("recovery record not written"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains(&format!("(rolled back to {before} bytes)")),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("short write") || out.stderr.contains("No space left"),
        "{out:?}"
    );
    assert_eq!(std::fs::metadata(&log).unwrap().len(), before);
    let all = records(&log);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["recovery_uid"], "r-before");
}

#[test]
fn two_hundred_simultaneous_hooks_with_fsync_each_write_one_whole_record() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let description = "y".repeat(3000);
    let children: Vec<_> = (0..200)
        .map(|n| {
            skip_command(&log, &format!("r{n}"), &description)
                .arg("--fsync")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn orc-vitess-hook")
        })
        .collect();
    for child in children {
        wait_within(child, Duration::from_secs(60)).assert_code(0);
    }
    let all = records(&log);
    assert_eq!(all.len(), 200);
    let uids: HashSet<&str> = all
        .iter()
        .map(|r| {
            assert_eq!(r["failure_description"].as_str().unwrap().len(), 3000);
            r["recovery_uid"].as_str().unwrap()
        })
        .collect();
    assert_eq!(uids.len(), 200, "every recovery uid exactly once");
}

/// A 1777 directory holding `logs`, which `plant` turns into a trap; the run must be refused.
fn refused_under_world_writable_dir(plant: impl FnOnce(&Path), expected: &str) {
    let dir = temp_dir();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let logs = shared.join("logs");
    plant(&logs);
    let log = logs.join("recovery.log");
    let out = skip_run(&log, "r-trap", "d");
    out.assert_code(74);
    assert!(
        out.stderr.contains("recovery record not written"),
        "{out:?}"
    );
    assert!(out.stderr.contains(expected), "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("{} is {expected}", logs.display())),
        "names the directory: {out:?}"
    );
    assert!(
        out.stderr.contains(&format!(
            "in {}, which other users can write to",
            shared.display()
        )),
        "{out:?}"
    );
    assert!(!log.exists(), "nothing written through {}", logs.display());
}

#[test]
fn a_symlinked_directory_under_a_world_writable_directory_is_refused() {
    let elsewhere = temp_dir();
    let target = elsewhere.path().to_owned();
    refused_under_world_writable_dir(|logs| symlink(&target, logs).unwrap(), "a symbolic link");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
#[ignore = "needs root: plants a directory of another user (.ci/run runs it as root)"]
fn a_directory_of_another_user_under_a_world_writable_directory_is_refused() {
    assert!(
        is_root(),
        "needs root to create a directory owned by another user"
    );
    refused_under_world_writable_dir(
        |logs| {
            std::fs::create_dir(logs).unwrap();
            std::os::unix::fs::chown(logs, Some(65534), Some(65534)).unwrap();
        },
        "owned by uid 65534",
    );
}

#[test]
fn a_symlinked_directory_under_a_private_directory_is_accepted() {
    let dir = temp_dir();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let target = dir.path().join("real");
    std::fs::create_dir(&target).unwrap();
    let logs = dir.path().join("logs");
    symlink(&target, &logs).unwrap();
    skip_run(&logs.join("recovery.log"), "r-link-ok", "d").assert_code(0);
    let all = records(&target.join("recovery.log"));
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["recovery_uid"], "r-link-ok");
}

#[test]
fn a_lock_held_for_300_ms_is_waited_for() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let holder = std::fs::File::create(&log).unwrap();
    holder.lock().unwrap();
    let started = Instant::now();
    let child = skip_command(&log, "r-waited", "d")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn orc-vitess-hook");
    std::thread::sleep(Duration::from_millis(300));
    // Nothing can have been written while the lock was held.
    assert_eq!(std::fs::metadata(&log).unwrap().len(), 0);
    holder.unlock().unwrap();
    wait_within(child, Duration::from_secs(60)).assert_code(0);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let all = records(&log);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["recovery_uid"], "r-waited");
}

// The append itself, in process, on a filesystem with no room or no write access.

fn message<T: std::fmt::Debug>(result: anyhow::Result<T>) -> String {
    format!("{:#}", result.expect_err("expected an error"))
}

#[test]
#[ignore = "needs root: mounts a tmpfs (.ci/run runs it as root)"]
fn check_appendable_refuses_a_directory_it_cannot_write() {
    let mount = Tmpfs::mount("size=64k,ro");
    let text = message(RecoveryLog::check_appendable(
        &mount.dir().join("x/recovery.log"),
    ));
    assert!(text.contains("not writable by this user"), "{text}");
    assert!(text.contains("Read-only file system"), "{text}");
}

#[test]
#[ignore = "needs root: mounts a tmpfs (.ci/run runs it as root)"]
fn a_record_that_does_not_fit_is_rolled_back() {
    let mount = Tmpfs::mount("size=64k");
    let path = mount.dir().join("recovery.log");
    let mut log = RecoveryLog::open(&path, true).unwrap();
    log.append(&"a".repeat(99), Instant::now()).unwrap();
    fill(&mount.dir().join("filler"));
    // The file's last page has room for part of the record: a short write.
    let text = message(log.append(&"b".repeat(6000), Instant::now()));
    assert!(text.starts_with(&format!("cannot write recovery log {}: ", path.display())));
    assert!(text.contains("short write: 3996 of 6001 bytes"), "{text}");
    assert!(text.ends_with("(rolled back to 100 bytes)"), "{text}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{}\n", "a".repeat(99))
    );
    // A file without a partly used page: not a byte fits, the write itself fails.
    let empty = mount.dir().join("empty.log");
    let mut log = RecoveryLog::open(&empty, false).unwrap();
    let text = message(log.append("c", Instant::now()));
    assert!(
        text.ends_with("No space left on device (os error 28) (rolled back to 0 bytes)"),
        "{text}"
    );
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
}

/// Writes to `path` until the filesystem is full.
fn fill(path: &Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).unwrap();
    let block = [0u8; 4096];
    while file.write(&block).map(|n| n > 0).unwrap_or(false) {}
}

#[test]
fn a_record_after_a_torn_line_starts_a_line_of_its_own() {
    let dir = temp_dir();
    let log = log_in(&dir);
    skip_run(&log, "r-before", "d").assert_code(0);
    // Another writer cut its line short: the log ends without a newline.
    let torn = r#"{"ts":"2026-12-07T13:00:00.000Z","outcome":"rec"#;
    let mut text = std::fs::read_to_string(&log).unwrap();
    text.push_str(torn);
    std::fs::write(&log, &text).unwrap();
    skip_run(&log, "r-after-1", "d").assert_code(0);
    skip_run(&log, "r-after-2", "d").assert_code(0);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.ends_with('\n'), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "no blank line either: {text}");
    assert_eq!(lines[1], torn, "the torn line stays as it was");
    let uids: Vec<String> = [lines[0], lines[2], lines[3]]
        .iter()
        .map(|line| {
            let record: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("bad record {line:?}: {e}"));
            record["recovery_uid"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(uids, ["r-before", "r-after-1", "r-after-2"]);
}

#[test]
fn a_hard_linked_log_is_refused_only_under_a_world_writable_directory() {
    let dir = temp_dir();
    for (mode, refused) in [(0o1777, true), (0o755, false)] {
        let parent = dir.path().join(format!("parent-{mode:o}"));
        std::fs::create_dir(&parent).unwrap();
        std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(mode)).unwrap();
        let other = parent.join("someone-elses-file");
        std::fs::write(&other, "precious\n").unwrap();
        let log = parent.join("recovery.log");
        std::fs::hard_link(&other, &log).unwrap();
        let dry = run(skip_command(&log, "r-dry", "d").arg("--dry-run"));
        let out = skip_run(&log, "r-link", "d");
        if refused {
            for out in [&dry, &out] {
                out.assert_code(74);
                assert!(
                    out.stderr.contains(&format!(
                        "refusing recovery log {}: it has 2 hard links, in {}, which other \
                         users can write to; expected one",
                        log.display(),
                        parent.display()
                    )),
                    "{out:?}"
                );
            }
            assert_eq!(std::fs::read_to_string(&other).unwrap(), "precious\n");
        } else {
            dry.assert_code(0);
            out.assert_code(0);
            // Not refused: the record went into the file both names share.
            let text = std::fs::read_to_string(&other).unwrap();
            assert!(text.starts_with("precious\n"), "{text}");
            assert!(text.contains(r#""recovery_uid":"r-link""#), "{text}");
        }
    }
}
