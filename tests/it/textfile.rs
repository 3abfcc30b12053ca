//! `--metrics-textfile`: one-shot runs tell node_exporter's textfile collector how they ended.
//! Every file is read by the Prometheus project's own parser and linter (`support::promlint`),
//! and its values checked against the records the same runs wrote.

use std::path::Path;
use std::time::Duration;

use crate::support::fake_vtctld::{Behaviour, FakeVtctld};
use crate::support::hook::{log_in, records, temp_dir, unused_server};
use crate::support::promlint::{check, value};
use crate::support::scenario::{Failover, failover};
use serde_json::Value;

/// commerce/0's failover to db2, from the environment, into `log`, updating `textfile`.
fn to_db2(log: &Path, textfile: &Path) -> Failover {
    failover()
        .master()
        .cluster_alias("commerce.0")
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .output_json()
        .log(log)
        .arg("--metrics-textfile")
        .arg(textfile)
}

fn read(textfile: &Path) -> Value {
    let text =
        std::fs::read_to_string(textfile).unwrap_or_else(|e| panic!("{}: {e}", textfile.display()));
    check(&text)
}

#[test]
fn each_run_leaves_its_outcome_status_and_time_and_the_totals_grow() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let textfile = dir.path().join("orc-vitess-hook.prom");
    let fake = FakeVtctld::start(Behaviour::default());
    to_db2(&log, &textfile).server(&fake).run().assert_code(0);
    // vtctld is gone: the next run fails within its deadline.
    to_db2(&log, &textfile)
        .server(unused_server())
        .args(["--deadline", "1s"])
        .run()
        .assert_code(69);
    to_db2(&log, &textfile)
        .record("PostFailover")
        .run()
        .assert_code(0);
    let metrics = read(&textfile);
    let all = records(&log);
    let last_reparent = all
        .iter()
        .rev()
        .find(|r| r["hook"].is_null() && !r["exit_status"].is_null())
        .expect("a final reparent record");
    // The shard as the run found it, or the cluster alias spelt as a shard: one series.
    let reparent = [("hook", "reparent"), ("shard", "commerce/0")];
    assert_eq!(
        value(&metrics, "orc_vitess_hook_last_run_exit_status", &reparent),
        last_reparent["exit_status"].as_f64(),
        "{metrics:#}"
    );
    assert_eq!(
        value(
            &metrics,
            "orc_vitess_hook_last_run_outcome",
            &[("hook", "reparent"), ("outcome", "failed")]
        ),
        Some(1.0),
        "only the last outcome of a hook and shard is there: {metrics:#}"
    );
    assert_eq!(
        value(
            &metrics,
            "orc_vitess_hook_last_run_outcome",
            &[("hook", "reparent"), ("outcome", "ok")]
        ),
        None
    );
    let ts = chrono::DateTime::parse_from_rfc3339(last_reparent["ts"].as_str().unwrap()).unwrap();
    assert_eq!(
        value(
            &metrics,
            "orc_vitess_hook_last_run_timestamp_seconds",
            &reparent
        ),
        Some(ts.timestamp_millis() as f64 / 1000.0)
    );
    for (hook, outcome, runs) in [
        ("reparent", "ok", 1.0),
        ("reparent", "failed", 1.0),
        ("PostFailover", "recorded", 1.0),
    ] {
        assert_eq!(
            value(
                &metrics,
                "orc_vitess_hook_runs_total",
                &[("hook", hook), ("outcome", outcome)]
            ),
            Some(runs),
            "{hook} {outcome}: {metrics:#}"
        );
    }
    assert_eq!(metrics["orc_vitess_hook_runs_total"]["type"], "COUNTER");
    // The file and its lock beside it (a name the collector skips); no temporary file left.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".prom"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".orc-vitess-hook.prom.lock", "orc-vitess-hook.prom"]
    );
}

#[test]
fn concurrent_runs_lose_no_count() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let other_log = dir.path().join("other.log");
    let textfile = dir.path().join("hooks.prom");
    // Half the runs write another log: the textfile's own lock keeps the counts whole.
    let runs: Vec<_> = (0..20)
        .map(|i| {
            to_db2(if i % 2 == 0 { &log } else { &other_log }, &textfile)
                .record("PreFailover")
                .command()
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("start")
        })
        .collect();
    for child in runs {
        crate::support::hook::wait_within(child, Duration::from_secs(30)).assert_code(0);
    }
    let metrics = read(&textfile);
    assert_eq!(
        value(
            &metrics,
            "orc_vitess_hook_runs_total",
            &[("hook", "PreFailover"), ("outcome", "recorded")]
        ),
        Some(20.0),
        "{metrics:#}"
    );
    assert_eq!(records(&log).len() + records(&other_log).len(), 20);
}

#[test]
fn a_file_that_is_not_ours_or_cannot_be_written_costs_the_failover_nothing() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour::default());
    // Someone else's file at that path: left as it was, and said so.
    let foreign = dir.path().join("node.prom");
    std::fs::write(&foreign, "node_things 3\n").unwrap();
    let out = to_db2(&log, &foreign).server(&fake).run();
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("warning: --metrics-textfile not updated")
            && out.stderr.contains("not a file orc-vitess-hook wrote"),
        "{out:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&foreign).unwrap(),
        "node_things 3\n"
    );
    // A directory that is a file: the warning names the path; the failover is done.
    let blocked = dir.path().join("recovery.log").join("hooks.prom");
    let out = to_db2(&log, &blocked).server(&fake).run();
    out.assert_code(0);
    assert!(out.stderr.contains("hooks.prom"), "{out:?}");
    // A name the collector would skip: a problem of the setting, recorded; the failover is done.
    let skipped = dir.path().join("hooks.txt");
    let out = to_db2(&log, &skipped).server(&fake).run();
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("--metrics-textfile / ORC_VITESS_HOOK_METRICS_TEXTFILE"),
        "{out:?}"
    );
    assert!(!skipped.exists());
    let outcomes: Vec<String> = records(&log)
        .iter()
        .filter_map(|r| r["outcome"].as_str().map(str::to_owned))
        .filter(|o| o != "received")
        .collect();
    assert_eq!(outcomes, ["ok", "ok", "ok"]);
}

#[test]
fn a_fifo_is_never_waited_on_and_a_symbolic_link_is_kept() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour::default());
    // A FIFO at the path: opening it to read would wait for a writer, holding the log's lock.
    let fifo = dir.path().join("fifo.prom");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = to_db2(&log, &fifo)
        .server(&fake)
        .run_within(Duration::from_secs(20));
    out.assert_code(0);
    assert!(out.stderr.contains("not a regular file"), "{out:?}");
    // A link to a device: nothing is read from it, nothing created beside it.
    let device = dir.path().join("null.prom");
    std::os::unix::fs::symlink("/dev/null", &device).unwrap();
    let out = to_db2(&log, &device).server(&fake).run();
    out.assert_code(0);
    assert!(
        out.stderr.contains("/dev/null: not a regular file"),
        "{out:?}"
    );
    assert!(!Path::new("/dev/.null.lock").exists());
    // A symbolic link an operator made: the file it names is updated, the link stays.
    let real = dir.path().join("collector");
    std::fs::create_dir(&real).unwrap();
    let link = dir.path().join("hooks.prom");
    std::os::unix::fs::symlink(real.join("hooks.prom"), &link).unwrap();
    to_db2(&log, &link).server(&fake).run().assert_code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let metrics = read(&real.join("hooks.prom"));
    assert_eq!(
        value(
            &metrics,
            "orc_vitess_hook_runs_total",
            &[("hook", "reparent"), ("outcome", "ok")]
        ),
        Some(1.0)
    );
}

#[test]
fn runs_whose_log_is_locked_elsewhere_are_all_counted_with_their_status() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let textfile = dir.path().join("hooks.prom");
    // Another process holds the log's lock past every run's wait: no record can be written, and
    // the runs update the textfile without the log's lock, under the file's own.
    let holder = std::fs::File::create(&log).unwrap();
    holder.lock().unwrap();
    let runs: Vec<_> = (0..12)
        .map(|_| {
            to_db2(&log, &textfile)
                .record("PreFailover")
                .args(["--lock-wait", "300ms"])
                .command()
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("start")
        })
        .collect();
    for child in runs {
        crate::support::hook::wait_within(child, Duration::from_secs(30));
    }
    holder.unlock().unwrap();
    let metrics = read(&textfile);
    assert_eq!(
        value(
            &metrics,
            "orc_vitess_hook_runs_total",
            &[("hook", "PreFailover"), ("outcome", "recorded")]
        ),
        Some(12.0),
        "{metrics:#}"
    );
    assert_eq!(
        value(
            &metrics,
            "orc_vitess_hook_last_run_exit_status",
            &[("hook", "PreFailover")]
        ),
        Some(74.0),
        "the record is missing, and the textfile says so: {metrics:#}"
    );
}

#[test]
fn a_broken_hook_line_is_counted_as_the_usage_error_it_is() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let textfile = dir.path().join("hooks.prom");
    to_db2(&log, &textfile)
        .server(unused_server())
        .arg("--no-such-flag")
        .run()
        .assert_code(64);
    let metrics = read(&textfile);
    assert_eq!(
        value(
            &metrics,
            "orc_vitess_hook_last_run_exit_status",
            &[("hook", "reparent")]
        ),
        Some(64.0),
        "{metrics:#}"
    );
    assert_eq!(
        value(
            &metrics,
            "orc_vitess_hook_runs_total",
            &[("hook", "reparent"), ("outcome", "rejected")]
        ),
        Some(1.0)
    );
}
