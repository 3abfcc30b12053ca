//! Every way in ends in a record: bad bytes, bad settings, closed outputs, a panic, broken
//! streams, refusing servers. The built binary against the fake vtctld and a real filesystem.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::fake_vtctld::{Behaviour, FakeVtctld};
use crate::support::hook::{
    ENDING_SIGNALS, attempt_statuses, log_in, records, reparent, run, send_signal, temp_dir,
    wait_within,
};
use crate::support::scenario::{Failover, failover};
use crate::support::tls::TestPki;
use serde_json::Value;
use tonic::Code;

const TYPED: &str = "/vtctlservice.Vtctld/TabletExternallyReparented";

/// commerce/0's primary (db1) failed and Orchestrator promoted zone1-101 (db2), from the
/// environment; the tests add the servers.
fn commerce_failover(log: &Path) -> Failover {
    failover()
        .recovery_uid("r-worst")
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .log(log)
}

fn last(log: &Path) -> Value {
    records(log).pop().expect("a record")
}

#[test]
fn non_utf8_bytes_are_read_lossily_and_the_reparent_still_happens() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let bad = std::ffi::OsStr::from_bytes(b"disk \xff\xfe full");
    let out = commerce_failover(&log)
        .server(&fake)
        .env("ORC_FAILURE_DESCRIPTION", bad)
        .arg("--failure-cluster")
        .arg(std::ffi::OsStr::from_bytes(b"cluster-\xc3"))
        .run();
    out.assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let record = last(&log);
    assert_eq!(record["failure_description"], "disk \u{fffd}\u{fffd} full");
    assert_eq!(record["failure_cluster"], "cluster-\u{fffd}");
    let notes: Vec<&str> = record["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("failure_description: not valid UTF-8")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("failure_cluster: not valid UTF-8")),
        "{notes:?}"
    );
}

#[test]
fn settings_that_change_what_is_sent_are_configuration_errors_and_the_rest_only_warn() {
    let table = [
        (
            "ORC_VITESS_HOOK_DEADLINE",
            "0s",
            "--deadline / ORC_VITESS_HOOK_DEADLINE: \"0s\": expected a duration from 10ms to 1h",
        ),
        (
            "ORC_VITESS_HOOK_DEADLINE",
            "",
            "--deadline / ORC_VITESS_HOOK_DEADLINE: \"\"",
        ),
        (
            "ORC_VITESS_HOOK_ATTEMPT_TIMEOUT",
            "2h",
            "--attempt-timeout / ORC_VITESS_HOOK_ATTEMPT_TIMEOUT: \"2h\"",
        ),
        (
            "ORC_VITESS_HOOK_CONNECT_TIMEOUT",
            "soon",
            "--connect-timeout / ORC_VITESS_HOOK_CONNECT_TIMEOUT: \"soon\"",
        ),
        (
            "ORC_VITESS_HOOK_API",
            "grpc",
            "--api / ORC_VITESS_HOOK_API: \"grpc\": expected one of auto, vtctld, vtctl",
        ),
        (
            "ORC_VITESS_HOOK_SERVER",
            "http://vtctld:15999",
            "--server / ORC_VITESS_HOOK_SERVER: server \"http://vtctld:15999\": expected HOST:PORT",
        ),
    ];
    let fake = FakeVtctld::start(Behaviour::default());
    for (variable, value, expected) in table {
        let dir = temp_dir();
        let log = log_in(&dir);
        // The server comes from the environment here, so a bad one is the variable's.
        let scenario = if variable == "ORC_VITESS_HOOK_SERVER" {
            commerce_failover(&log)
        } else {
            commerce_failover(&log).server(&fake)
        };
        let out = scenario.env(variable, value).run();
        assert_eq!(out.code, 78, "{variable}={value:?}: {out:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
        assert!(
            out.stderr.contains(expected),
            "{variable}={value:?}: {out:?}"
        );
        let record = last(&log);
        assert_eq!(record["outcome"], "rejected", "{variable}");
        assert_eq!(record["exit_status"], 78);
        assert_eq!(record["recovery_uid"], "r-worst");
    }
    assert!(
        fake.received().is_empty(),
        "nothing sent after a configuration error"
    );

    // Settings no decision rests on fall back to their default with a warning on stderr and
    // in the record; the reparent goes ahead. A dry run in the environment is ignored.
    let lenient = [
        (
            "ORC_VITESS_HOOK_FSYNC",
            "maybe",
            "expected one of true, false",
        ),
        (
            "ORC_VITESS_HOOK_OUTPUT",
            "yaml",
            "--output / ORC_VITESS_HOOK_OUTPUT: \"yaml\"",
        ),
        (
            "ORC_VITESS_HOOK_DRY_RUN",
            "yes",
            "ORC_VITESS_HOOK_DRY_RUN is ignored",
        ),
    ];
    for (variable, value, expected) in lenient {
        let fake = FakeVtctld::start(Behaviour::default());
        let dir = temp_dir();
        let log = log_in(&dir);
        let out = commerce_failover(&log)
            .server(&fake)
            .env(variable, value)
            .run();
        assert_eq!(out.code, 0, "{variable}={value:?}: {out:?}");
        assert!(out.stderr.starts_with("warning: "), "{variable}: {out:?}");
        assert!(out.stderr.contains(expected), "{variable}: {out:?}");
        assert_eq!(fake.reparented(), ["zone1-0000000101"], "{variable}");
        let record = last(&log);
        assert_eq!(record["outcome"], "ok", "{variable}");
        assert!(
            record["notes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n.as_str().unwrap().contains(expected)),
            "{variable}: {record}"
        );
    }

    // A bad log format: records in the default format (logfmt), the reparent done.
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = failover()
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .server(&fake)
        .arg("--log-file")
        .arg(&log)
        .env("ORC_VITESS_HOOK_LOG_FORMAT", "xml")
        .run();
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("--log-format / ORC_VITESS_HOOK_LOG_FORMAT: \"xml\""),
        "{out:?}"
    );
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.starts_with("ts=") && text.contains(" outcome=ok "),
        "{text}"
    );
}

/// A pipe whose reading end is already closed: writing to it fails with EPIPE.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Stdio::from(writer)
}

#[test]
fn closed_stdout_and_stderr_change_neither_outcome_nor_status() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let child = commerce_failover(&log)
        .server(&fake)
        .command()
        .stdin(Stdio::null())
        .stdout(closed_pipe())
        .stderr(closed_pipe())
        .spawn()
        .unwrap();
    let out = wait_within(child, Duration::from_secs(30));
    out.assert_code(0);
    assert_eq!(last(&log)["outcome"], "ok");

    // A failing run keeps its own status too.
    let child = commerce_failover(&log)
        .successor("db9.example.com", 3306)
        .server(&fake)
        .command()
        .stdin(Stdio::null())
        .stdout(closed_pipe())
        .stderr(closed_pipe())
        .spawn()
        .unwrap();
    wait_within(child, Duration::from_secs(30)).assert_code(65);
    assert_eq!(last(&log)["exit_status"], 65);
}

// Only debug builds (which `cargo test` runs) read the panic switch.
#[cfg(debug_assertions)]
#[test]
fn a_panic_still_leaves_an_internal_error_record() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = commerce_failover(&log)
        .server("127.0.0.1:1")
        .env("ORC_VITESS_HOOK_TEST_PANIC", "1")
        .run();
    out.assert_code(134);
    assert!(out.stderr.contains("internal error (a bug)"), "{out:?}");
    let record = last(&log);
    assert_eq!(record["outcome"], "internal-error");
    assert_eq!(record["exit_status"], 134);
    assert_eq!(record["recovery_uid"], "r-worst");
}

#[test]
fn legacy_events_are_kept_when_the_stream_ends_in_an_error() {
    let fake = FakeVtctld::start(Behaviour {
        typed: false,
        legacy_stream_error: Some(Code::FailedPrecondition),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = commerce_failover(&log)
        .server(&fake)
        .successor_alias("zone1-101")
        .run();
    out.assert_code(70);
    let record = last(&log);
    let events = record["vtctld_events"].as_array().expect("events kept");
    assert!(
        events[0]
            .as_str()
            .unwrap()
            .contains("TabletExternallyReparented: zone1-0000000101"),
        "{record}"
    );
    assert!(
        record["error"]
            .as_str()
            .unwrap()
            .contains("FAILED_PRECONDITION"),
        "{record}"
    );
}

#[test]
fn vtctlds_text_is_printed_on_one_line() {
    let fake = FakeVtctld::start(Behaviour {
        script: [Code::InvalidArgument].into(),
        script_message: Some("first line\nsecond line\u{2028}third".into()),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = commerce_failover(&log).server(&fake).run();
    out.assert_code(70);
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    assert!(
        out.stderr.contains(r"first line\nsecond line\u2028third"),
        "{out:?}"
    );
    // The record holds the text exactly, escaped so the line stays one line.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains('\u{2028}'), "{text}");
    assert_eq!(
        last(&log)["error"]
            .as_str()
            .unwrap()
            .matches('\u{2028}')
            .count(),
        1
    );
}

#[test]
fn malformed_server_addresses_are_configuration_errors_before_any_connection() {
    for bad in [
        "vtctld:15999/x",
        "user@vtctld:15999",
        "vtctld..x:1",
        "[vtctld]:1",
        "vtctld:0",
    ] {
        let dir = temp_dir();
        let log = log_in(&dir);
        let out = commerce_failover(&log).server(bad).run();
        out.assert_code(78);
        assert!(out.stderr.contains(&format!("{bad:?}")), "{out:?}");
        assert_eq!(last(&log)["outcome"], "rejected");
    }
}

#[test]
fn a_server_refusing_our_certificate_moves_the_run_to_the_next() {
    let ours = TestPki::new();
    let theirs = TestPki::new();
    let good = FakeVtctld::start_tls(Behaviour::default(), ours.server(false));
    let foreign = FakeVtctld::start_tls(Behaviour::default(), theirs.server(false));
    let dir = temp_dir();
    let log = log_in(&dir);
    commerce_failover(&log)
        .server(format!("localhost:{}", foreign.addr.port()))
        .server(format!("localhost:{}", good.addr.port()))
        .args(["--tls-ca", ours.path("ca.pem").to_str().unwrap()])
        .run()
        .assert_code(0);
    assert_eq!(good.reparented(), ["zone1-0000000101"]);
    let statuses = attempt_statuses(&last(&log));
    assert_eq!(
        statuses,
        [
            "GetTablets vtctld:TLS_ERROR",
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:OK"
        ],
        "the refusing server is left out, not retried"
    );
}

#[test]
fn dry_run_checks_that_the_log_can_be_appended_to() {
    let dir = temp_dir();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let log = file.join("recovery.log");
    let out = commerce_failover(&log)
        .server("127.0.0.1:1")
        .arg("--dry-run")
        .run();
    out.assert_code(74);
    assert!(out.stderr.contains("cannot be appended to"), "{out:?}");
    assert!(out.stdout.contains("dry run: would make"), "{out:?}");

    let log = log_in(&dir);
    commerce_failover(&log)
        .server("127.0.0.1:1")
        .arg("--dry-run")
        .run()
        .assert_code(0);
    assert!(!log.exists(), "a dry run creates nothing");
}

#[test]
fn the_deadline_bounds_lock_waits_too() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let holder = std::fs::File::create(&log).unwrap();
    holder.lock().unwrap();
    // Far above the 1 s deadline: a hang guard, not a speed check.
    let out = commerce_failover(&log)
        .server(&fake)
        .args(["--deadline", "1s"])
        .run_within(Duration::from_secs(20));
    out.assert_code(74);
    assert!(out.stderr.contains("gave up after"), "{out:?}");
    assert_eq!(
        fake.reparented(),
        ["zone1-0000000101"],
        "the reparent still happened"
    );
    holder.unlock().unwrap();
}

#[test]
fn a_signal_before_vtctld_answers_is_recorded_with_the_call_in_flight() {
    let fake = FakeVtctld::start(Behaviour {
        hang: true,
        ..Behaviour::default()
    });
    for (index, &(signal, number, name)) in ENDING_SIGNALS.iter().enumerate() {
        let dir = temp_dir();
        let log = log_in(&dir);
        let child = commerce_failover(&log)
            .server(&fake)
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Each run's first call reaches the hanging fake, which keeps every call it got.
        assert!(fake.wait_for_requests(index + 1, Duration::from_secs(10)));
        send_signal(&child, signal);
        let out = wait_within(child, Duration::from_secs(10));
        out.assert_code(128 + number);
        assert!(out.stderr.contains(name), "{signal}: {out:?}");
        let record = last(&log);
        assert_eq!(record["outcome"], "interrupted", "{signal}");
        assert_eq!(record["exit_status"], 128 + number, "{signal}");
        assert_eq!(
            record["attempt_log"][0]["status"], "INTERRUPTED",
            "{signal}"
        );
    }
    assert!(fake.received_for(TYPED).is_empty());
}

#[test]
fn a_signal_while_a_record_waits_for_the_lock_ends_the_run_at_once() {
    for &(signal, number, name) in ENDING_SIGNALS {
        let dir = temp_dir();
        let log = log_in(&dir);
        let holder = std::fs::File::create(&log).unwrap();
        holder.lock().unwrap();
        // A skip needs no vtctld: the run's only wait is the log's lock (up to the 60 s
        // deadline).
        let child = reparent(&log)
            .env("ORC_FAILURE_TYPE", "DeadIntermediateMaster")
            .env("ORC_RECOVERY_UID", "r-signal")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        send_signal(&child, signal);
        // Far below the 60 s the lock wait would take: the signal ended it.
        let out = wait_within(child, Duration::from_secs(20));
        out.assert_code(128 + number);
        assert!(
            out.stderr.contains(&format!("interrupted by {name}")),
            "{signal}: {out:?}"
        );
        holder.unlock().unwrap();
        drop(holder);
        // The lock was never free, so no record could be written; the run said so.
        assert!(
            out.stderr.contains("recovery record not written"),
            "{signal}: {out:?}"
        );
    }
}

#[test]
fn a_broken_dry_run_command_line_writes_nothing() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(reparent(&log)
        .args(["--dry-run", "--no-such-flag"])
        .env("ORC_FAILURE_TYPE", "DeadMaster"));
    out.assert_code(64);
    assert!(!log.exists(), "a dry run writes nothing");
}

#[test]
fn runs_end_within_the_deadline_and_its_margin() {
    // Correctness, not speed: the deadline is a promise to Orchestrator. Generous slack for a
    // loaded machine; the margin itself is 0.5 s.
    let limit = Duration::from_millis(1000 + 500 + 1500);
    let dead = crate::support::hook::unused_server();
    let silent = crate::support::hook::silent_server();
    let hanging = FakeVtctld::start(Behaviour {
        hang: true,
        ..Behaviour::default()
    });
    // Nothing listening: never reached (69); a listener that takes the connection and never
    // answers, or a vtctld that hangs: reached, kept failing (75).
    for (server, expected) in [(dead, 69), (silent, 75), (hanging.server(), 75)] {
        let dir = temp_dir();
        let log = log_in(&dir);
        let started = std::time::Instant::now();
        let out = commerce_failover(&log)
            .server(&server)
            .args(["--deadline", "1s"])
            .run_within(Duration::from_secs(30));
        let took = started.elapsed();
        assert_eq!(out.code, expected, "{server}: {out:?}");
        assert!(took < limit, "{server}: {took:?}");
        assert_eq!(last(&log)["exit_status"], out.code);
    }
}

#[test]
fn a_bad_value_no_decision_rests_on_only_warns() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = commerce_failover(&log)
        .server(&fake)
        .env("ORC_COUNT_REPLICAS", "abc")
        .env("ORC_IS_DOWNTIMED", "1")
        .run();
    out.assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    assert!(
        out.stderr.contains(r#"warning: count_replicas (--count-replicas / ORC_COUNT_REPLICAS): "abc": expected a non-negative integer"#),
        "{out:?}"
    );
    let record = last(&log);
    assert_eq!(record["count_replicas"], "abc", "kept as given");
    assert_eq!(record["is_downtimed"], "1");

    // A value a decision rests on is still refused, with nothing sent.
    let fake = FakeVtctld::start(Behaviour::default());
    let out = commerce_failover(&log)
        .server(&fake)
        .env("ORC_IS_MASTER", "yes")
        .run();
    out.assert_code(65);
    assert!(fake.received().is_empty());
}

#[test]
fn a_usage_error_in_a_hook_is_one_line_and_honours_the_output_and_log_format() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(crate::support::hook::hook()
        .args([
            "reparent",
            "--bogus",
            "--output",
            "json",
            "--log-format",
            "json",
            "--log-file",
        ])
        .arg(&log)
        .env("ORC_FAILURE_TYPE", "DeadMaster")
        .env("ORC_RECOVERY_UID", "r-usage"));
    out.assert_code(64);
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    let report = out.json();
    assert_eq!(report["exit_status"], 64);
    assert_eq!(report["outcome"], "rejected");
    let record = last(&log);
    assert_eq!(record["recovery_uid"], "r-usage");
    assert_eq!(record["exit_status"], 64);
}

#[test]
fn something_that_is_no_vtctld_costs_one_attempt_not_the_failover() {
    let proxy = FakeVtctld::start(Behaviour {
        not_vtctld: true,
        ..Behaviour::default()
    });
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    commerce_failover(&log)
        .server(&proxy)
        .server(&fake)
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let statuses = attempt_statuses(&last(&log));
    assert_eq!(
        statuses,
        [
            "GetTablets vtctld:UNIMPLEMENTED",
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:OK"
        ]
    );
    // Alone, it is no vtctld at all: refused at once, and it never counts as an old Vitess.
    let out = commerce_failover(&log).server(&proxy).run();
    out.assert_code(70);
    assert!(
        out.stderr.contains("no server answered as a vtctld"),
        "{out:?}"
    );
}

#[test]
fn the_interrupted_record_waits_its_turn_for_the_lock() {
    let fake = FakeVtctld::start(Behaviour {
        hang: true,
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let child = commerce_failover(&log)
        .server(&fake)
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(fake.wait_for_requests(1, Duration::from_secs(10)));
    // Another writer holds the log while the signal comes, and lets go soon after.
    let holder = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    holder.lock().unwrap();
    send_signal(&child, "TERM");
    std::thread::sleep(Duration::from_millis(200));
    holder.unlock().unwrap();
    wait_within(child, Duration::from_secs(10)).assert_code(143);
    let record = last(&log);
    assert_eq!(record["outcome"], "interrupted");
    assert_eq!(record["exit_status"], 143);
}

#[test]
fn a_broken_command_line_with_dry_run_equals_true_writes_nothing() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(reparent(&log)
        .args(["--dry-run=true", "--no-such-flag"])
        .env("ORC_FAILURE_TYPE", "DeadMaster"));
    out.assert_code(64);
    assert!(!log.exists(), "a dry run writes nothing");
}

#[test]
fn a_fifo_as_a_tls_file_is_refused_without_reading_it() {
    let dir = temp_dir();
    let fifo = dir.path().join("ca.pem");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let log = log_in(&dir);
    // A hang guard far above anything the run needs: reading the FIFO would block forever.
    let out = commerce_failover(&log)
        .server("127.0.0.1:1")
        .arg("--tls-ca")
        .arg(&fifo)
        .run_within(Duration::from_secs(20));
    out.assert_code(78);
    assert!(out.stderr.contains("not a regular file"), "{out:?}");
    assert_eq!(last(&log)["outcome"], "rejected");
}
