//! `reconcile` against the fake vtctld and the fake Orchestrator's recovery audit: a failover
//! whose hook was lost is finished, and nothing newer is ever undone.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use crate::support::fake_orchestrator::{FakeOrchestrator, OrchestratorState};
use crate::support::fake_vtctld::{Behaviour, FakeVtctld, tablet};
use crate::support::hook::{hook, log_in, records, run, temp_dir, unused_server};
use crate::support::scenario::failover;
use orc_vitess_hook::proto::topodata::{Tablet, TabletType};
use orc_vitess_hook::proto::vttime::Time;

const UID_TOKEN: &str = "bccd466e8bd3";

/// commerce/0 as the failover left it in Vitess: db1 (zone1-100) still PRIMARY since 2026-01-01,
/// db2 (zone1-101) a REPLICA Orchestrator promoted, db3 (zone1-102) RDONLY.
pub(crate) fn fleet() -> Vec<Tablet> {
    let mut primary = tablet(100, "db1.example.com", 3306, TabletType::Primary);
    primary.primary_term_start_time = Some(Time {
        seconds: 1_767_225_600,
        nanoseconds: 0,
    });
    vec![
        primary,
        tablet(101, "db2.example.com", 3306, TabletType::Replica),
        tablet(102, "db3.example.com", 3306, TabletType::Rdonly),
    ]
}

/// A fake vtctld holding [`fleet`]: the failover stranded on the Vitess side.
fn stranded() -> FakeVtctld {
    FakeVtctld::start(Behaviour {
        tablets: fleet(),
        ..Behaviour::default()
    })
}

/// A recovery of commerce.0 as api.go answers it: db1 failed, `successor` promoted, ended
/// `ago` (never, when `None`), with the UID's start five seconds before the end.
fn recovery(uid: &str, successor: &str, ago: Option<TimeDelta>) -> Value {
    let end = Utc::now() - ago.unwrap_or(TimeDelta::zero());
    let start = end - TimeDelta::seconds(5);
    json!({
        "Id": 7,
        "UID": format!("{}:{uid}", start.timestamp_nanos_opt().unwrap_or(0)),
        "AnalysisEntry": {
            "AnalyzedInstanceKey": {"Hostname": "db1.example.com", "Port": 3306},
            "Analysis": "DeadMaster",
            "ClusterDetails": {"ClusterName": "db1.example.com:3306", "ClusterAlias": "commerce.0"},
        },
        "SuccessorKey": {"Hostname": successor, "Port": 3306},
        "SuccessorAlias": "",
        "IsActive": true,
        "IsSuccessful": ago.is_some(),
        "RecoveryStartTimestamp": start.format("%Y-%m-%d %H:%M:%S").to_string(),
        "RecoveryEndTimestamp": ago.map_or(String::new(), |_| end.format("%Y-%m-%d %H:%M:%S").to_string()),
        "Acknowledged": false,
        "AllErrors": [""],
    })
}

/// Orchestrator after failing commerce/0 over to `successor` `ago`.
pub(crate) fn orchestrator(successor: &str, ago: Option<TimeDelta>) -> OrchestratorState {
    let mut state = OrchestratorState::default();
    state.recoveries.insert(
        "commerce.0".into(),
        vec![recovery(UID_TOKEN, successor, ago)],
    );
    // `master/` is asked of the successor's own cluster, named by its key.
    state
        .masters
        .insert(format!("{successor}:3306"), (successor.to_owned(), 3306));
    state
}

pub(crate) fn reconcile(fake: &FakeVtctld, orc: &FakeOrchestrator, log: &Path) -> Command {
    let mut command = hook();
    command
        .args([
            "reconcile",
            "--server",
            &fake.server(),
            "--orc-api-url",
            &orc.url,
        ])
        .args([
            "--keyspace",
            "commerce",
            "--settle",
            "1m",
            "--output",
            "json",
        ])
        .arg("--log-file")
        .arg(log)
        .args(["--log-format", "json"]);
    command
}

fn shard(out: &Value) -> &Value {
    &out["shards"][0]
}

pub(crate) fn ten_minutes() -> Option<TimeDelta> {
    Some(TimeDelta::minutes(10))
}

#[test]
fn a_failover_whose_hook_was_lost_is_finished_by_one_pass() {
    let dir = temp_dir();
    let log = log_in(&dir);
    // The hook ran while no vtctld answered, and gave up at its deadline.
    let lost = failover()
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .recovery_uid("r-lost")
        .server(unused_server())
        .log(&log)
        .args(["--deadline", "300ms"])
        .run();
    assert_ne!(lost.code, 0, "{lost:?}");

    let fake = stranded();
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    let report = out.json();
    assert_eq!(shard(&report)["verdict"], "converge", "{report}");
    assert_eq!(shard(&report)["action"], "sent", "{report}");
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let written = records(&log);
    let last = written.last().expect("a record");
    assert_eq!(last["hook"], "reconcile");
    assert_eq!(last["outcome"], "ok");
    assert_eq!(last["alias"], "zone1-0000000101");
    assert!(
        last["recovery_uid"]
            .as_str()
            .is_some_and(|u| u.ends_with(UID_TOKEN)),
        "{last}"
    );
    assert!(
        last["reason"]
            .as_str()
            .is_some_and(|r| r.contains("vtctld's primary is zone1-0000000100")),
        "{last}"
    );

    // The next pass finds them in agreement and sends nothing.
    let again = run(&mut reconcile(&fake, &orc, &log));
    again.assert_code(0);
    assert_eq!(shard(&again.json())["verdict"], "in-sync", "{again:?}");
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
}

#[test]
fn a_dry_run_says_what_it_would_send_and_sends_and_writes_nothing() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = stranded();
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let out = run(reconcile(&fake, &orc, &log).arg("--dry-run"));
    out.assert_code(0);
    let report = out.json();
    assert_eq!(shard(&report)["action"], "would-send", "{report}");
    assert!(fake.reparented().is_empty());
    assert!(!log.exists());
}

#[test]
fn a_recent_or_running_recovery_is_left_to_its_hook() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = stranded();
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", Some(TimeDelta::seconds(5))));
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    assert_eq!(shard(&out.json())["verdict"], "settling", "{out:?}");

    orc.state().recoveries.insert(
        "commerce.0".into(),
        vec![
            recovery("newer", "db3.example.com", None),
            recovery(UID_TOKEN, "db2.example.com", ten_minutes()),
        ],
    );
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    assert_eq!(shard(&out.json())["verdict"], "recovery-running", "{out:?}");
    assert!(fake.reparented().is_empty());
}

#[test]
fn an_operators_newer_reparent_is_reported_and_left_alone() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let mut tablets = fleet();
    // After the recovery, the operator made db3's tablet primary (PlannedReparentShard).
    tablets[0].r#type = TabletType::Replica as i32;
    tablets[0].primary_term_start_time = None;
    tablets[2].r#type = TabletType::Primary as i32;
    tablets[2].primary_term_start_time = Some(Time {
        seconds: (Utc::now() - TimeDelta::minutes(1)).timestamp(),
        nanoseconds: 0,
    });
    let fake = FakeVtctld::start(Behaviour {
        tablets,
        ..Behaviour::default()
    });
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    let report = out.json();
    assert_eq!(shard(&report)["verdict"], "vitess-newer", "{report}");
    assert_eq!(shard(&report)["action"], "none", "{report}");
    assert!(fake.reparented().is_empty());
}

#[test]
fn a_follower_node_reports_standby_and_asks_nothing_else() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = stranded();
    let mut state = orchestrator("db2.example.com", ten_minutes());
    state.follower = true;
    let orc = FakeOrchestrator::start(state);
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    assert_eq!(out.json()["standby"], true, "{out:?}");
    assert!(fake.received().is_empty());
    let seen: Vec<String> = orc.seen().iter().map(|s| s.target.clone()).collect();
    assert_eq!(seen, ["/api/leader-check"]);
}

#[test]
fn disagreements_that_are_not_ours_to_fix_are_reported_never_acted_on() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = stranded();
    // Orchestrator has moved on from the recovery's successor.
    let mut state = orchestrator("db2.example.com", ten_minutes());
    state.masters.insert(
        "db2.example.com:3306".into(),
        ("db9.example.com".into(), 3306),
    );
    let orc = FakeOrchestrator::start(state);
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    assert_eq!(
        shard(&out.json())["verdict"],
        "orchestrator-moved-on",
        "{out:?}"
    );

    // Orchestrator promoted the RDONLY tablet: refused as reparent refuses it, 65.
    let orc = FakeOrchestrator::start(orchestrator("db3.example.com", ten_minutes()));
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(65);
    let report = out.json();
    assert_eq!(shard(&report)["verdict"], "successor-refused", "{report}");
    assert!(
        shard(&report)["detail"]
            .as_str()
            .is_some_and(|d| d.contains("RDONLY")),
        "{report}"
    );
    assert!(fake.reparented().is_empty());
    assert!(!log.exists());
}

#[test]
fn a_shard_whose_turn_is_held_is_left_to_the_run_holding_it() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = stranded();
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let turn = dir.path().join("recovery.log.commerce.0.turn");
    let held = std::fs::File::create(&turn).expect("turn file");
    held.lock().expect("hold the turn");
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    assert_eq!(shard(&out.json())["action"], "busy", "{out:?}");
    assert!(fake.reparented().is_empty());
    drop(held);
    let out = run(&mut reconcile(&fake, &orc, &log));
    assert_eq!(shard(&out.json())["action"], "sent", "{out:?}");
}

#[test]
fn two_reconcilers_racing_send_at_most_one_reparent() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour {
        tablets: fleet(),
        delay: Duration::from_millis(100),
        ..Behaviour::default()
    });
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let children: Vec<_> = (0..2)
        .map(|_| {
            reconcile(&fake, &orc, &log)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn reconcile")
        })
        .collect();
    for child in children {
        let out = crate::support::hook::wait_within(child, Duration::from_secs(60));
        out.assert_code(0);
    }
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
}

/// A spawned run with its output captured.
fn spawn(command: &mut Command) -> std::process::Child {
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn orc-vitess-hook")
}

#[test]
fn a_hook_killed_while_vtctld_failed_its_reparent_is_finished_by_one_pass() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour {
        tablets: fleet(),
        script: std::iter::repeat_n(tonic::Code::Unavailable, 1000).collect(),
        ..Behaviour::default()
    });
    let hook = spawn(
        &mut failover()
            .failed("db1.example.com", 3306)
            .successor("db2.example.com", 3306)
            .recovery_uid("r-killed")
            .server(&fake)
            .log(&log)
            .args(["--deadline", "30s"])
            .command(),
    );
    let started = std::time::Instant::now();
    while fake
        .received_for(orc_vitess_hook::vtctld::TYPED_REPARENT_METHOD)
        .is_empty()
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no reparent attempt"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    crate::support::hook::send_signal(&hook, "KILL");
    let killed = crate::support::hook::wait_within(hook, Duration::from_secs(10));
    assert_eq!(killed.code, -1, "{killed:?}");
    fake.behaviour().script.clear();
    let attempts = fake.reparented().len();

    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    assert_eq!(shard(&out.json())["action"], "sent", "{out:?}");
    assert_eq!(fake.reparented().len(), attempts + 1);
    assert_eq!(
        fake.reparented().last().map(String::as_str),
        Some("zone1-0000000101")
    );
}

/// `reconcile --interval 1s` into `log` over the stranded failover, against a vtctld that refuses
/// every call (`Unavailable`) until its script is cleared.
pub(crate) fn refused_until_cleared(log: &Path) -> (FakeVtctld, FakeOrchestrator, Command) {
    let fake = FakeVtctld::start(Behaviour {
        tablets: fleet(),
        script: std::iter::repeat_n(tonic::Code::Unavailable, 1000).collect(),
        ..Behaviour::default()
    });
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let mut command = hook();
    command
        .args([
            "reconcile",
            "--server",
            &fake.server(),
            "--orc-api-url",
            &orc.url,
        ])
        .args(["--interval", "1s", "--deadline", "300ms", "--settle", "1s"])
        .arg("--log-file")
        .arg(log)
        .args(["--log-format", "json"]);
    (fake, orc, command)
}

#[test]
fn with_an_interval_a_pass_after_vtctld_is_back_converges_and_a_signal_stops_it() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let (fake, _orc, mut command) = refused_until_cleared(&log);
    let mut child = spawn(&mut command);
    let started = std::time::Instant::now();
    let wait = |done: &dyn Fn() -> bool, what: &str, child: &mut std::process::Child| {
        while !done() {
            let exited = child.try_wait().ok().flatten().is_some();
            if exited || started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("{what}: the run exited or took too long");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    // The first pass fails: every attempt within its deadline is refused.
    wait(
        &|| {
            log.exists()
                && records(&log)
                    .iter()
                    .any(|r| r["hook"] == "reconcile" && r["outcome"] == "failed")
        },
        "no failed pass",
        &mut child,
    );
    fake.behaviour().script.clear();
    wait(
        &|| {
            log.exists()
                && records(&log)
                    .iter()
                    .any(|r| r["hook"] == "reconcile" && r["outcome"] == "ok")
        },
        "never converged",
        &mut child,
    );
    crate::support::hook::send_signal(&child, "TERM");
    let out = crate::support::hook::wait_within(child, Duration::from_secs(10));
    out.assert_code(143);
    assert!(out.stdout.contains("reparent failed"), "{out:?}");
    assert!(
        out.stdout
            .contains("-> reparented: zone1-0000000101 is primary of commerce/0"),
        "{out:?}"
    );
    let converged = records(&log)
        .iter()
        .filter(|r| r["hook"] == "reconcile" && r["outcome"] == "ok")
        .count();
    assert_eq!(converged, 1);
}

#[test]
fn a_newer_primary_between_the_pass_and_the_reparent_stops_it() {
    let dir = temp_dir();
    let log = log_in(&dir);
    // The pass lists the fleet; before the reparent's attempt lists the shard again, an
    // operator made zone1-102 primary.
    let fake = FakeVtctld::start(Behaviour {
        tablets: fleet(),
        newer_primary_after: Some((1, crate::support::fake_vtctld::alias("zone1", 102))),
        ..Behaviour::default()
    });
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    let report = out.json();
    assert_eq!(shard(&report)["verdict"], "converge", "{report}");
    assert_eq!(shard(&report)["action"], "changed", "{report}");
    assert!(fake.reparented().is_empty());
    let last = records(&log).pop().expect("records");
    assert_eq!(last["outcome"], "superseded", "{last}");
    assert_eq!(last["hook"], "reconcile");
}

#[test]
fn a_run_that_settled_the_shard_after_the_listing_keeps_the_pass_from_acting() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = stranded();
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let later = (Utc::now() + TimeDelta::minutes(1)).to_rfc3339();
    std::fs::write(
        dir.path().join("recovery.log.commerce.0.turn"),
        json!({"shard": "commerce/0", "settled": [{"recovery_uid": "r-other",
            "hook": "reparent", "outcome": "ok", "tablet": "zone1-0000000101", "at": later}]})
        .to_string(),
    )
    .expect("turn file");
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    let report = out.json();
    assert_eq!(shard(&report)["action"], "changed", "{report}");
    assert!(
        shard(&report)["action_detail"]
            .as_str()
            .is_some_and(|d| d.contains("reparent settled recovery r-other")),
        "{report}"
    );
    assert!(fake.reparented().is_empty());
}

#[test]
fn a_missing_log_directory_is_created_and_an_unusable_turn_file_stops_the_action() {
    let dir = temp_dir();
    let log = dir.path().join("new/dir/recovery.log");
    let fake = stranded();
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    assert_eq!(shard(&out.json())["action"], "sent", "{out:?}");

    let other = temp_dir();
    let log = log_in(&other);
    std::fs::create_dir(other.path().join("recovery.log.commerce.0.turn")).expect("dir");
    fake.behaviour().tablets = fleet();
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(74);
    let report = out.json();
    assert_eq!(shard(&report)["action"], "failed", "{report}");
    assert_eq!(fake.reparented().len(), 1);
}

#[test]
fn a_shard_filter_that_is_no_vitess_name_is_refused_before_anything_is_asked() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = stranded();
    let orc = FakeOrchestrator::start(orchestrator("db2.example.com", ten_minutes()));
    // An empty name would watch every shard; a padded or mistyped one would match none.
    for shard in ["", " 0", "0\n", "-80/x"] {
        let out = run(reconcile(&fake, &orc, &log).args(["--shard", shard]));
        out.assert_code(78);
        let named = format!("--shard / (no variable): {shard:?}: expected a Vitess keyspace");
        assert!(out.stderr.contains(&named), "{out:?}");
    }
    assert!(fake.received().is_empty() && orc.seen().is_empty());
}

#[test]
fn shard_filters_take_vitess_names_and_one_matching_nothing_is_an_error() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour::default());
    let mut state = OrchestratorState::default();
    state.recoveries.insert("customer.-80".into(), Vec::new());
    let orc = FakeOrchestrator::start(state);
    let mut command = hook();
    command
        .args([
            "reconcile",
            "--server",
            &fake.server(),
            "--orc-api-url",
            &orc.url,
        ])
        .args([
            "--keyspace",
            "customer",
            "--shard",
            "-80",
            "--output",
            "json",
        ])
        .arg("--log-file")
        .arg(&log);
    let out = run(&mut command);
    out.assert_code(0);
    assert_eq!(shard(&out.json())["shard"], "customer/-80", "{out:?}");
    assert_eq!(shard(&out.json())["verdict"], "no-recovery", "{out:?}");

    let mut command = hook();
    command
        .args([
            "reconcile",
            "--server",
            &fake.server(),
            "--orc-api-url",
            &orc.url,
        ])
        .args(["--keyspace", "Commerce", "--output", "json"])
        .arg("--log-file")
        .arg(&log);
    let out = run(&mut command);
    out.assert_code(78);
    assert!(
        out.json()["failures"][0]
            .as_str()
            .is_some_and(|f| f.contains("--keyspace \"Commerce\"")),
        "{out:?}"
    );
}

#[test]
fn orchestrators_answers_are_read_as_they_mean_it() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = stranded();
    // The master spelt another way is the same host; a settled recovery behind a page of
    // other recoveries is still found.
    let mut state = orchestrator("db2.example.com", ten_minutes());
    state.masters.insert(
        "db2.example.com:3306".into(),
        ("DB2.example.com.".into(), 3306),
    );
    let settled = state.recoveries["commerce.0"][0].clone();
    let mut others: Vec<Value> = (0..crate::support::fake_orchestrator::AUDIT_PAGE_SIZE)
        .map(|i| {
            let mut other = settled.clone();
            other["UID"] = json!(format!("0:other{i}"));
            other["AnalysisEntry"]["Analysis"] = json!("DeadIntermediateMaster");
            other
        })
        .collect();
    others.push(settled);
    state.recoveries.insert("commerce.0".into(), others);
    let orc = FakeOrchestrator::start(state);
    let out = run(&mut reconcile(&fake, &orc, &log));
    out.assert_code(0);
    assert_eq!(shard(&out.json())["action"], "sent", "{out:?}");

    // A URL that is not Orchestrator's API is a failure, never a standby.
    let out = run(hook()
        .args(["reconcile", "--server", &fake.server(), "--output", "json"])
        .args(["--orc-api-url", &format!("{}nothing/", orc.url)])
        .arg("--log-file")
        .arg(&log));
    out.assert_code(70);
    assert_eq!(out.json()["standby"], false, "{out:?}");
}
