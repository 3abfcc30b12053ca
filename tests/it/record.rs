//! `record`: one record for every other Orchestrator hook, exit 0 whatever happens unless
//! `--strict`, and a whole recovery recorded in order, run as Orchestrator runs hooks.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::support::fake_vtctld::{Behaviour, FakeVtctld};
use crate::support::hook::{ENDING_SIGNALS, hook, log_in, records, run, send_signal, temp_dir};
use crate::support::orchestrator::Recovery;
use crate::support::scenario::failover;
use serde_json::Value;

/// `record --hook HOOK_NAME` for commerce/0's failed primary (db1), JSON log.
fn record(log: &Path, hook_name: &str) -> Command {
    failover()
        .record(hook_name)
        .recovery_uid("r-7")
        .failed("db1.example.com", 3306)
        .log(log)
        .command()
}

fn last(log: &Path) -> Value {
    records(log).pop().expect("a record")
}

#[test]
fn one_recorded_record_with_the_hook_and_every_value() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(&mut record(&log, "PreFailover"));
    out.assert_code(0);
    assert_eq!(out.stdout.trim(), "recorded PreFailover of recovery r-7");
    assert!(out.stderr.is_empty(), "{out:?}");
    let all = records(&log);
    assert_eq!(all.len(), 1);
    let record = &all[0];
    assert_eq!(record["outcome"], "recorded");
    assert_eq!(record["hook"], "PreFailover");
    assert_eq!(record["recovery_uid"], "r-7");
    assert_eq!(record["failed_port"], 3306);
    assert_eq!(record["exit_status"], 0);
}

#[test]
fn a_problem_never_fails_the_hook_unless_strict() {
    let dir = temp_dir();
    let log = log_in(&dir);
    // An unknown hook name and a bad value: told, recorded, exit 0.
    let out = run(record(&log, "PreFailovr").env("ORC_FAILED_PORT", "99999"));
    out.assert_code(0);
    assert!(
        out.stderr
            .contains(r#"--hook / ORC_VITESS_HOOK_HOOK: "PreFailovr""#),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains(r#"failed_port (--failed-port / ORC_FAILED_PORT): "99999""#),
        "{out:?}"
    );
    let written = last(&log);
    assert_eq!(written["hook"], "PreFailovr", "kept as given");
    assert_eq!(written["failed_port"], "99999", "kept as given");
    assert_eq!(written["exit_status"], 0);
    assert!(written["notes"].to_string().contains("PreFailovr"));

    // With --strict, the usual statuses.
    let out = run(record(&log, "PreFailover")
        .env("ORC_FAILED_PORT", "99999")
        .arg("--strict"));
    out.assert_code(65);
    assert_eq!(last(&log)["exit_status"], 65);
    let out = run(record(&log, "PreFailovr").arg("--strict"));
    out.assert_code(78);
}

#[test]
fn an_unwritable_log_never_fails_the_hook_unless_strict() {
    let dir = temp_dir();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let log = file.join("recovery.log");
    let out = run(&mut record(&log, "PreFailover"));
    out.assert_code(0);
    assert!(
        out.stderr.contains("recovery record not written"),
        "{out:?}"
    );
    let out = run(record(&log, "PreFailover").arg("--strict"));
    out.assert_code(74);
}

#[test]
fn a_broken_record_line_still_records_and_exits_0() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(record(&log, "PreFailover").arg("--no-such-flag"));
    out.assert_code(0);
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    assert!(out.stderr.contains("--no-such-flag"), "{out:?}");
    let written = last(&log);
    assert_eq!(written["hook"], "PreFailover");
    assert_eq!(written["recovery_uid"], "r-7");
    assert!(written["notes"].to_string().contains("--no-such-flag"));

    let out = run(record(&log, "PreFailover").args(["--no-such-flag", "--strict"]));
    out.assert_code(64);
}

#[test]
fn a_whole_recovery_is_recorded_in_order_in_one_log() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let recovery = Recovery::dead_master("db2.example.com", 3306, "");
    let env = [
        ("ORC_VITESS_HOOK_LOG_FILE", log.to_str().unwrap()),
        ("ORC_VITESS_HOOK_LOG_FORMAT", "json"),
    ];
    // The hook lists Orchestrator runs for a dead master, in its order.
    for line in [
        "orc-vitess-hook record --hook OnFailureDetection".to_owned(),
        "orc-vitess-hook record --hook PreFailover".to_owned(),
        format!("orc-vitess-hook reparent --server {}", fake.server()),
        "orc-vitess-hook record --hook PostFailover".to_owned(),
    ] {
        let hook_run = recovery.run_hook(&line, &env);
        assert_eq!(hook_run.code, 0, "{line}: {hook_run:?}");
    }
    let all = records(&log);
    let sequence: Vec<String> = all
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["outcome"].as_str().unwrap(),
                r["hook"].as_str().unwrap_or("reparent")
            )
        })
        .collect();
    assert_eq!(
        sequence,
        [
            "recorded OnFailureDetection",
            "recorded PreFailover",
            "received reparent",
            "ok reparent",
            "recorded PostFailover"
        ]
    );
    assert!(
        all.iter()
            .all(|r| r["recovery_uid"] == "1795643468510176998:bccd466e8bd3")
    );
}

#[test]
fn a_signal_while_waiting_for_the_lock_still_leaves_the_record() {
    for &(signal, number, name) in ENDING_SIGNALS {
        let dir = temp_dir();
        let log = log_in(&dir);
        let holder = std::fs::File::create(&log).unwrap();
        holder.lock().unwrap();
        let child = record(&log, "PreFailover")
            .args(["--lock-wait", "10s"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        send_signal(&child, signal);
        std::thread::sleep(std::time::Duration::from_millis(300));
        holder.unlock().unwrap();
        let out = crate::support::hook::wait_within(child, std::time::Duration::from_secs(10));
        // Not --strict: a Pre* hook exits 0 whatever happens.
        out.assert_code(0);
        let written = last(&log);
        assert_eq!(written["outcome"], "interrupted", "{signal}");
        assert_eq!(written["hook"], "PreFailover", "{signal}");
        assert_eq!(written["exit_status"], 128 + number, "{signal}");
        assert_eq!(written["signal"], name, "{signal}");
        assert_eq!(
            written["error"],
            format!("interrupted by {name}"),
            "{signal}"
        );
    }
}

#[test]
fn a_lock_wait_above_ten_seconds_is_a_configuration_error() {
    let dir = temp_dir();
    let log = log_in(&dir);
    for (value, strict, code) in [("11s", true, 78), ("1h", true, 78), ("11s", false, 0)] {
        let mut command = record(&log, "PreFailover");
        command.args(["--lock-wait", value]);
        if strict {
            command.arg("--strict");
        }
        let out = run(&mut command);
        out.assert_code(code);
        let expected =
            format!("--lock-wait / ORC_VITESS_HOOK_LOCK_WAIT: {value:?}: expected at most 10s");
        assert!(out.stderr.contains(&expected), "{value}: {out:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    }
    // The variable is capped alike, and 10s itself is allowed.
    let out = run(record(&log, "PreFailover")
        .arg("--strict")
        .env("ORC_VITESS_HOOK_LOCK_WAIT", "10001ms"));
    out.assert_code(78);
    assert!(
        out.stderr.contains("\"10001ms\": expected at most 10s"),
        "{out:?}"
    );
    run(record(&log, "PreFailover").args(["--strict", "--lock-wait", "10s"])).assert_code(0);
}

#[test]
fn a_file_size_limit_is_a_write_error_not_a_dead_hook() {
    let dir = temp_dir();
    let log = log_in(&dir);
    std::fs::write(&log, vec![b'x'; 100 * 1024]).unwrap();
    let out = run(Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -f 100; exec {} record --hook PreFailover --log-file {}",
            crate::support::hook::BIN,
            log.display()
        ))
        .env_clear()
        .env("ORC_RECOVERY_UID", "r-big"));
    out.assert_code(0);
    assert!(
        out.stderr.contains("recovery record not written"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("(its record could not be written)"),
        "{out:?}"
    );
    assert_eq!(
        std::fs::metadata(&log).unwrap().len(),
        100 * 1024,
        "rolled back"
    );
}

/// `history` over a log that real runs wrote: a failed reparent, a `record` hook of the same
/// recovery, a refused one, and a torn line.
#[test]
fn history_groups_real_runs_into_failovers_and_check_names_the_unwell() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour::default());
    failover()
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .recovery_uid("r-ok")
        .server(&fake)
        .log(&log)
        .run()
        .assert_code(0);
    failover()
        .failed("db4.example.com", 3306)
        .successor("db6.example.com", 3306)
        .recovery_uid("r-refused")
        .server(&fake)
        .log(&log)
        .run()
        .assert_code(65);
    let mut torn = std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .expect("open log");
    std::io::Write::write_all(&mut torn, b"{\"ts\":\"2026-12-07T1").expect("torn line");
    drop(torn);

    let out = run(hook().args(["history", "--log-file"]).arg(&log));
    out.assert_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{out:?}");
    assert!(
        lines[0].contains(
            "commerce/0 db1.example.com:3306 -> zone1-0000000101 (db2.example.com:3306) ok exit=0"
        ),
        "{out:?}"
    );
    assert!(lines[1].contains("rejected exit=65"), "{out:?}");
    assert!(
        lines[2].contains("2 failovers shown; 4 records read"),
        "{out:?}"
    );
    assert!(lines[2].contains("1 line is no record"), "{out:?}");

    let out = run(hook()
        .args(["history", "--check", "--output", "json", "--log-file"])
        .arg(&log));
    out.assert_code(1);
    let report = out.json();
    assert_eq!(
        report["check"]["unwell"][0]["recovery_uid"], "r-refused",
        "{report}"
    );
    assert_eq!(report["not_records"], 1);

    let out = run(hook()
        .args([
            "history",
            "--check",
            "--cluster",
            "commerce.0",
            "--log-file",
        ])
        .arg(&log));
    out.assert_code(0);
    assert!(out.stdout.contains("1 failover shown"), "{out:?}");
}

/// `history --rotated` reads logrotate's siblings too, compressed or not, oldest first, and
/// nothing else beside the log (the shard turn files are no log).
#[test]
fn history_reads_rotated_logs_oldest_first() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let line = |uid: &str, outcome: &str| {
        format!(
            "ts=2026-12-0{}T10:00:00.000Z outcome={outcome} pid=1 recovery_uid={uid} \
             failed_shard=commerce/0 exit_status=0\n",
            &uid[1..]
        )
    };
    let older = dir.path().join("recovery.log.2.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&older).expect("create"),
        flate2::Compression::default(),
    );
    std::io::Write::write_all(&mut gz, line("r1", "failed").as_bytes()).expect("write");
    gz.finish().expect("finish");
    std::fs::write(dir.path().join("recovery.log.1"), line("r2", "ok")).expect("write");
    std::fs::write(&log, line("r3", "ok")).expect("write");
    std::fs::write(dir.path().join("recovery.log.commerce.0.turn"), "{}").expect("write");
    let age = |path: &std::path::Path, seconds: u64| {
        let file = std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open");
        file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(seconds))
            .expect("mtime");
    };
    age(&older, 200);
    age(&dir.path().join("recovery.log.1"), 100);

    let out = run(hook()
        .args(["history", "--rotated", "--log-file"])
        .arg(&log));
    out.assert_code(0);
    let uids: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.rsplit("uid=").next().filter(|_| l.contains("uid=")))
        .collect();
    assert_eq!(uids, ["r1", "r2", "r3"], "{out:?}");
    assert!(out.stdout.contains("3 records read"), "{out:?}");

    let out = run(hook().args(["history", "--log-file"]).arg(&log));
    assert!(out.stdout.contains("1 record read"), "{out:?}");
}

/// `history --follow`: a failover's line as each of its records is appended, across a rotation
/// (the log renamed and a new one begun), until a signal.
#[test]
fn history_follows_new_records_across_a_rotation() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let dir = temp_dir();
    let log = log_in(&dir);
    let record = |uid: &str| {
        format!(
            "ts=2026-12-07T10:00:00.000Z outcome=ok pid=1 recovery_uid={uid} \
             failed_shard=commerce/0 exit_status=0\n"
        )
    };
    std::fs::write(&log, record("r1")).expect("write");
    /// Kills the follower should the test fail before it stops it.
    struct Follower(std::process::Child);
    impl Drop for Follower {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Follower(
        hook()
            .args(["history", "--follow", "--log-file"])
            .arg(&log)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn history --follow"),
    );
    let (sender, lines) = std::sync::mpsc::channel();
    let stdout = child.0.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let wait_for = |wanted: &str| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if let Ok(line) = lines.recv_timeout(Duration::from_millis(100))
                && line.ends_with(wanted)
            {
                return;
            }
        }
        panic!("no line ending {wanted:?}");
    };
    wait_for("uid=r1");
    let mut appended = std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .expect("open");
    appended.write_all(record("r2").as_bytes()).expect("append");
    drop(appended);
    wait_for("uid=r2");
    std::fs::rename(&log, dir.path().join("recovery.log.1")).expect("rotate");
    std::fs::write(&log, record("r3")).expect("new log");
    wait_for("uid=r3");
    send_signal(&child.0, "TERM");
    let status = child.0.wait().expect("wait");
    assert_eq!(status.code(), Some(143));
}
