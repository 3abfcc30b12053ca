//! A reparent never undoes a newer failover (`superseded`), runs for one shard take turns, and a
//! recovery already settled is not sent again (`duplicate`): the built binary against the fake
//! vtctld, and, with `--orc-api-url`, the fake Orchestrator's recovery audit (issue 15).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::support::fake_orchestrator::{FakeOrchestrator, OrchestratorState};
use crate::support::fake_vtctld::{Behaviour, FakeVtctld, TERM_ORIGIN, alias};
use crate::support::hook::{
    attempt_statuses, log_in, records, temp_dir, unused_server, wait_within,
};
use crate::support::scenario::{Failover, failover};
use serde_json::{Value, json};
use tonic::Code;

const TYPED: &str = "/vtctlservice.Vtctld/TabletExternallyReparented";
const GET_TABLETS: &str = "/vtctlservice.Vtctld/GetTablets";

/// commerce/0's failover to zone1-101 (db2) as recovery `uid`, from the environment.
fn to_101(fake: &FakeVtctld, log: &Path, uid: &str) -> Failover {
    failover()
        .master()
        .recovery_uid(uid)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .output_json()
        .server(fake)
        .log(log)
}

fn last(log: &Path) -> Value {
    records(log).pop().expect("a record")
}

/// commerce/0's turn file beside `log`.
fn turn_file(log: &Path) -> PathBuf {
    log.with_file_name("recovery.log.commerce.0.turn")
}

/// What the turn file says was settled.
fn settled(log: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(turn_file(log)).expect("turn file");
    let content: Value = serde_json::from_str(&text).expect("turn file is JSON");
    assert_eq!(content["shard"], "commerce/0");
    content["settled"].as_array().expect("settled").clone()
}

/// zone1-102 becomes commerce/0's PRIMARY with a newer term (1) once `after` listings were
/// answered: a newer failover while the run is under way.
fn newer_failover_after(after: u32) -> Behaviour {
    Behaviour {
        newer_primary_after: Some((after, alias("zone1", 102))),
        ..Behaviour::default()
    }
}

/// The newer term as the record writes it: the fake's term 1.
fn newer_term() -> String {
    chrono::DateTime::from_timestamp(TERM_ORIGIN + 1, 0)
        .expect("a valid time")
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

#[test]
fn a_late_hook_after_a_newer_failover_is_superseded_and_sends_nothing() {
    let typed_listing = ["GetTablets vtctld:OK"; 2].as_slice();
    // A legacy-only vtctld: the first call finds the typed API missing.
    let legacy_listing = [
        "GetTablets vtctld:UNIMPLEMENTED",
        "ListTablets vtctl:OK",
        "ListTablets vtctl:OK",
    ]
    .as_slice();
    for (typed, listings) in [(true, typed_listing), (false, legacy_listing)] {
        // The run's listing shows db1's zone1-100 as the primary; by the first attempt,
        // zone1-102 is, with a newer term.
        let fake = FakeVtctld::start(Behaviour {
            typed,
            ..newer_failover_after(1)
        });
        let dir = temp_dir();
        let log = log_in(&dir);
        let out = to_101(&fake, &log, "r-late").run();
        out.assert_code(0);
        assert!(fake.reparented().is_empty(), "nothing sent: {out:?}");
        assert!(out.stderr.is_empty(), "{out:?}");
        let report = out.json();
        assert_eq!(report["outcome"], "superseded");
        let message = report["message"].as_str().unwrap();
        assert!(
            message.contains(
                "superseded, nothing sent to vtctld: commerce/0's primary is now zone1-0000000102"
            ) && message.contains("would undo it"),
            "{message}"
        );
        let record = last(&log);
        assert_eq!(record["outcome"], "superseded");
        assert_eq!(record["exit_status"], 0);
        assert_eq!(record["newer_primary"], "zone1-0000000102");
        assert_eq!(record["newer_primary_term"], newer_term());
        // The check is recorded as the listing it was, never as a reparent.
        assert_eq!(attempt_statuses(&record), listings);
        if typed {
            let filters: Vec<_> = fake
                .received_for(GET_TABLETS)
                .into_iter()
                .map(|r| (r.filter, r.strict))
                .collect();
            assert_eq!(
                filters[1],
                (("commerce".to_owned(), "0".to_owned()), true),
                "the shard, strictly"
            );
        }
        let settled = settled(&log);
        assert_eq!(settled.len(), 1);
        assert_eq!(settled[0]["recovery_uid"], "r-late");
        assert_eq!(settled[0]["hook"], "reparent");
        assert_eq!(settled[0]["outcome"], "superseded");
        assert_eq!(settled[0]["tablet"], "zone1-0000000102");
    }
}

#[test]
fn a_newer_failover_found_on_a_retry_stops_the_retries() {
    // The first reparent fails retryably; by the retry, zone1-102 is the newer primary.
    let fake = FakeVtctld::start(Behaviour {
        script: [Code::Unavailable].into(),
        ..newer_failover_after(2)
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&fake, &log, "r-retry").run();
    out.assert_code(0);
    assert_eq!(fake.received_for(TYPED).len(), 1, "no second reparent");
    let record = last(&log);
    assert_eq!(record["outcome"], "superseded");
    assert_eq!(record["newer_primary"], "zone1-0000000102");
    assert_eq!(
        attempt_statuses(&record),
        [
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:UNAVAILABLE",
            "GetTablets vtctld:OK"
        ]
    );
}

#[test]
fn a_check_that_cannot_be_made_fails_the_attempt_and_is_retried() {
    // The check's listing fails once (a passing fault): that attempt sent nothing and is
    // recorded as the listing; the retry checks again and sends.
    let fake = FakeVtctld::start(Behaviour {
        tablets_script: [Code::Ok, Code::Unavailable].into(),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&fake, &log, "r-check").run();
    out.assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let record = last(&log);
    assert_eq!(record["outcome"], "ok");
    assert_eq!(
        attempt_statuses(&record),
        [
            "GetTablets vtctld:OK",
            "GetTablets vtctld:UNAVAILABLE",
            "TabletExternallyReparented vtctld:OK"
        ]
    );
    let message = out.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.ends_with("1 attempt (+2 look-up calls)"),
        "{message}"
    );
}

#[test]
fn the_same_recovery_twice_is_a_duplicate_and_is_sent_once() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    to_101(&fake, &log, "r-twice").run().assert_code(0);
    let first = settled(&log);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["outcome"], "ok");
    assert_eq!(first[0]["tablet"], "zone1-0000000101");

    let out = to_101(&fake, &log, "r-twice").run();
    out.assert_code(0);
    assert_eq!(
        fake.reparented(),
        ["zone1-0000000101"],
        "one reparent in all"
    );
    let report = out.json();
    assert_eq!(report["outcome"], "duplicate");
    let record = last(&log);
    assert_eq!(record["outcome"], "duplicate");
    assert_eq!(record["exit_status"], 0);
    assert_eq!(record["settled_by"], "reparent");
    assert_eq!(record["settled_tablet"], "zone1-0000000101");
    assert_eq!(record["settled_at"], first[0]["at"]);
    let message = report["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "duplicate, nothing sent to vtctld: recovery r-twice was already settled by reparent"
        ),
        "{message}"
    );
    // A duplicate settles nothing more.
    assert_eq!(settled(&log), first);

    // A run without a recovery UID takes its turn but is never a duplicate.
    let out = failover()
        .master()
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .output_json()
        .server(&fake)
        .log(&log)
        .run();
    out.assert_code(0);
    assert_eq!(out.json()["outcome"], "ok");
    assert_eq!(fake.reparented().len(), 2);
    assert_eq!(settled(&log), first, "nothing to settle without a UID");
}

#[test]
fn twenty_concurrent_hooks_of_one_recovery_take_turns_and_send_once() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let children: Vec<_> = (0..20)
        .map(|_| {
            to_101(&fake, &log, "r-storm")
                .command()
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn orc-vitess-hook")
        })
        .collect();
    let mut outcomes: Vec<String> = children
        .into_iter()
        .map(|child| {
            let out = wait_within(child, Duration::from_secs(120));
            out.assert_code(0);
            out.json()["outcome"].as_str().unwrap().to_owned()
        })
        .collect();
    outcomes.sort();
    let mut expected = vec!["duplicate".to_owned(); 19];
    expected.push("ok".to_owned());
    assert_eq!(outcomes, expected);
    assert_eq!(
        fake.reparented(),
        ["zone1-0000000101"],
        "exactly one reparent"
    );
    let finals: Vec<Value> = records(&log)
        .into_iter()
        .filter(|r| r["outcome"] != "received")
        .collect();
    assert_eq!(finals.len(), 20);
    assert_eq!(settled(&log).len(), 1);
}

#[test]
fn a_turn_held_past_the_deadline_fails_75_and_sends_nothing() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let path = turn_file(&log);
    let holder = std::fs::File::create(&path).unwrap();
    holder.lock().unwrap();
    let out = to_101(&fake, &log, "r-held")
        .args(["--deadline", "1s"])
        .run();
    out.assert_code(75);
    assert!(fake.reparented().is_empty(), "nothing sent: {out:?}");
    let needle = format!("shard commerce/0's turn file {}", path.display());
    assert!(out.stderr.contains(&needle), "{out:?}");
    assert!(
        out.stderr
            .contains("deadline passed waiting for shard commerce/0's turn"),
        "{out:?}"
    );
    let record = last(&log);
    assert_eq!(record["outcome"], "failed");
    assert_eq!(record["exit_status"], 75);
    assert!(
        record["error"].as_str().unwrap().contains(&needle),
        "{record}"
    );
    assert_eq!(attempt_statuses(&record), ["GetTablets vtctld:OK"]);

    // A dry run takes no turn: the held one does not stop it.
    to_101(&fake, &log, "r-held")
        .arg("--dry-run")
        .run()
        .assert_code(0);
    holder.unlock().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    to_101(&fake, &log, "r-held").run().assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
}

#[test]
fn a_dry_run_leaves_no_turn_file() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    to_101(&fake, &log, "r-dry")
        .arg("--dry-run")
        .run()
        .assert_code(0);
    assert!(!turn_file(&log).exists());
}

#[test]
fn an_unusable_turn_file_never_stops_the_reparent() {
    // Like a recovery log that cannot be written: the run goes on without a turn, and says so.
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    std::fs::create_dir(turn_file(&log)).unwrap();
    let out = to_101(&fake, &log, "r-unusable").run();
    out.assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    assert!(
        out.stderr
            .contains("warning: no turn taken for shard commerce/0"),
        "{out:?}"
    );
    let record = last(&log);
    assert_eq!(record["outcome"], "ok");
    let notes = record["notes"].to_string();
    assert!(
        notes.contains("no turn taken for shard commerce/0")
            && notes.contains(&turn_file(&log).display().to_string()),
        "{notes}"
    );
}

/// This run's recovery, started 2026-12-07 16:00:00 UTC; the one before; a newer one.
const OWN_UID: &str = "1796659200000000000:0wn";
const OLDER_UID: &str = "1796658600000000000:01d";
const NEWER_UID: &str = "1796659260000000000:9e3";

/// A DeadMaster recovery of commerce.0 as api.go answers it: `failed` failed, `successor`
/// (with Orchestrator's tablet `alias`) promoted; `None`: still running.
fn orc_recovery(uid: &str, failed: &str, promoted: Option<(&str, &str)>) -> Value {
    let (successor, alias) = promoted.unwrap_or_default();
    json!({
        "Id": 7,
        "UID": uid,
        "AnalysisEntry": {
            "AnalyzedInstanceKey": {"Hostname": failed, "Port": 3306},
            "Analysis": "DeadMaster",
            "ClusterDetails": {"ClusterName": format!("{failed}:3306"), "ClusterAlias": "commerce.0"},
        },
        "SuccessorKey": promoted.map(|_| json!({"Hostname": successor, "Port": 3306})),
        "SuccessorAlias": alias,
        "IsActive": promoted.is_none(),
        "IsSuccessful": promoted.is_some(),
        "RecoveryEndTimestamp": if promoted.is_some() { "2026-12-07 16:01:05" } else { "" },
        "Acknowledged": false,
        "AllErrors": [""],
    })
}

/// Orchestrator listing commerce.0's `recoveries`, newest first.
fn orchestrator_with(recoveries: Vec<Value>) -> FakeOrchestrator {
    let mut state = OrchestratorState::default();
    state.recoveries.insert("commerce.0".into(), recoveries);
    FakeOrchestrator::start(state)
}

/// This run's recovery (db1 to db2), ended as Orchestrator writes it before the hook runs.
fn own_recovery() -> Value {
    orc_recovery(
        OWN_UID,
        "db1.example.com",
        Some(("db2.example.com", "zone1-0000000101")),
    )
}

/// A newer failover of commerce.0: db2 failed, db3 (zone1-102) promoted.
fn newer_recovery() -> Value {
    orc_recovery(
        NEWER_UID,
        "db2.example.com",
        Some(("db3.example.com", "zone1-0000000102")),
    )
}

/// `to_101` as recovery OWN_UID with the keyspace.shard alias, asking `orc`.
fn to_101_asking(fake: &FakeVtctld, log: &Path, orc: &FakeOrchestrator) -> Failover {
    to_101(fake, log, OWN_UID)
        .cluster_alias("commerce.0")
        .args(["--orc-api-url", &orc.url])
}

fn targets(orc: &FakeOrchestrator) -> Vec<String> {
    orc.seen().into_iter().map(|s| s.target).collect()
}

#[test]
fn a_newer_recovery_in_orchestrator_supersedes_the_run_and_nothing_is_sent() {
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = orchestrator_with(vec![newer_recovery(), own_recovery()]);
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101_asking(&fake, &log, &orc).run();
    out.assert_code(0);
    assert!(fake.reparented().is_empty(), "nothing sent: {out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    assert_eq!(targets(&orc), ["/api/audit-recovery/alias/commerce.0"]);
    let report = out.json();
    assert_eq!(report["outcome"], "superseded");
    let message = report["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "Orchestrator's latest master recovery of commerce.0 is {NEWER_UID}, newer than \
             this run's, and promoted db3.example.com:3306 (zone1-0000000102)"
        )) && message.contains("reparenting to zone1-0000000101 would undo it"),
        "{message}"
    );
    let record = last(&log);
    assert_eq!(record["outcome"], "superseded");
    assert_eq!(record["exit_status"], 0);
    assert_eq!(record["newer_recovery_uid"], NEWER_UID);
    assert_eq!(record["newer_recovery_successor"], "db3.example.com:3306");
    assert_eq!(record["newer_recovery_successor_alias"], "zone1-0000000102");
    assert_eq!(record.get("newer_primary"), None, "vtctld showed none");
    // The attempt sent nothing: recorded as the listing it made meanwhile.
    assert_eq!(
        attempt_statuses(&record),
        ["GetTablets vtctld:OK", "GetTablets vtctld:OK"]
    );
    let settled = settled(&log);
    assert_eq!(settled.len(), 1);
    assert_eq!(settled[0]["recovery_uid"], OWN_UID);
    assert_eq!(settled[0]["outcome"], "superseded");
    assert_eq!(settled[0]["tablet"], "zone1-0000000102");
}

#[test]
fn this_runs_recovery_still_the_latest_reparents() {
    // Ended, or still running where Orchestrator is asked (raft not yet applied there): both
    // are this run's own, and what is older does not count.
    let older = orc_recovery(
        OLDER_UID,
        "db3.example.com",
        Some(("db1.example.com", "zone1-0000000100")),
    );
    let running = orc_recovery(OWN_UID, "db1.example.com", None);
    for own in [own_recovery(), running] {
        let fake = FakeVtctld::start(Behaviour::default());
        let orc = orchestrator_with(vec![own, older.clone()]);
        let dir = temp_dir();
        let log = log_in(&dir);
        // From the variable `discover` and `check` read too.
        let out = to_101(&fake, &log, OWN_UID)
            .cluster_alias("commerce.0")
            .env("ORC_VITESS_HOOK_ORC_API_URL", &orc.url)
            .run();
        out.assert_code(0);
        assert_eq!(fake.reparented(), ["zone1-0000000101"]);
        assert!(out.stderr.is_empty(), "{out:?}");
        assert_eq!(out.json()["outcome"], "ok");
        assert_eq!(targets(&orc), ["/api/audit-recovery/alias/commerce.0"]);
        let record = last(&log);
        assert_eq!(record.get("notes"), None, "{record}");
        assert_eq!(record.get("newer_recovery_uid"), None);
    }
}

#[test]
fn an_orchestrator_that_cannot_be_asked_never_stops_the_reparent() {
    // Nothing listening: noted, and the failover goes on.
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let url = format!("http://{}/api/", unused_server());
    let out = to_101(&fake, &log, OWN_UID)
        .cluster_alias("commerce.0")
        .args(["--orc-api-url", &url])
        .run();
    out.assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let record = last(&log);
    assert_eq!(record["outcome"], "ok");
    let notes = record["notes"].to_string();
    assert!(
        notes.contains("Orchestrator's recoveries of commerce.0 could not be read")
            && notes.contains("vtctld's check of the shard's primary still runs"),
        "{notes}"
    );

    // Hung: waited for half an attempt at most (not --orc-timeout), and not asked again on
    // the retry.
    let fake = FakeVtctld::start(Behaviour {
        script: [Code::Unavailable].into(),
        ..Behaviour::default()
    });
    let orc = FakeOrchestrator::start(OrchestratorState {
        hang: true,
        ..OrchestratorState::default()
    });
    let log = dir.path().join("hung.log");
    let out = to_101_asking(&fake, &log, &orc)
        .args(["--orc-timeout", "1h", "--attempt-timeout", "2s"])
        .run_within(Duration::from_secs(30));
    out.assert_code(0);
    assert_eq!(
        fake.reparented(),
        ["zone1-0000000101"; 2],
        "the first failed"
    );
    assert_eq!(orc.seen().len(), 1, "asked once");
    let record = last(&log);
    assert_eq!(record["outcome"], "ok");
    assert!(
        record["notes"].to_string().contains("no answer in time"),
        "{record}"
    );
}

#[test]
fn without_an_orchestrator_url_or_a_recovery_uid_orchestrator_is_not_asked() {
    // Orchestrator lists a newer recovery, but no --orc-api-url: no call, as before.
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = orchestrator_with(vec![newer_recovery(), own_recovery()]);
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&fake, &log, OWN_UID)
        .cluster_alias("commerce.0")
        .run();
    out.assert_code(0);
    assert_eq!(out.json()["outcome"], "ok");
    assert!(orc.seen().is_empty(), "no HTTP call");

    // No recovery UID, or no keyspace.shard alias: skipped with a note.
    for (uid, alias, why) in [
        (None, "commerce.0", "no recovery UID"),
        (
            Some(OWN_UID),
            "db1.example.com:3306",
            "no keyspace.shard cluster alias",
        ),
    ] {
        let fake = FakeVtctld::start(Behaviour::default());
        let log = dir.path().join(format!("{}.log", uid.is_some()));
        let mut run = failover()
            .master()
            .failed("db1.example.com", 3306)
            .successor("db2.example.com", 3306)
            .cluster_alias(alias)
            .output_json()
            .server(&fake)
            .log(&log)
            .args(["--orc-api-url", &orc.url]);
        if let Some(uid) = uid {
            run = run.recovery_uid(uid);
        }
        let out = run.run();
        out.assert_code(0);
        assert_eq!(fake.reparented(), ["zone1-0000000101"]);
        assert!(orc.seen().is_empty(), "no HTTP call");
        let notes = last(&log)["notes"].to_string();
        assert!(notes.contains(why), "{notes}");
    }

    // A bad Orchestrator setting: a warning and a note, and the failover goes on.
    let fake = FakeVtctld::start(Behaviour::default());
    let log = dir.path().join("bad.log");
    let out = to_101(&fake, &log, OWN_UID)
        .cluster_alias("commerce.0")
        .args(["--orc-api-url", "orchestrator:3000"])
        .run();
    out.assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    assert!(
        out.stderr
            .contains("warning: the Orchestrator API settings are not usable"),
        "{out:?}"
    );
}

#[test]
fn a_dry_run_says_what_it_would_ask_orchestrator_and_asks_nothing() {
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = orchestrator_with(vec![newer_recovery(), own_recovery()]);
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101_asking(&fake, &log, &orc).arg("--dry-run").run();
    out.assert_code(0);
    assert!(orc.seen().is_empty(), "no HTTP call");
    assert!(fake.received().is_empty(), "no gRPC call");
    let needle = format!(
        "unless {}audit-recovery/alias/commerce.0 lists a master recovery newer than {OWN_UID}",
        orc.url
    );
    assert!(out.stdout.contains(&needle), "{out:?}");
}
