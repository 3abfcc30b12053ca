//! The built binary against a fake vtctld on 127.0.0.1: APIs, fallbacks, faults, retries,
//! deadlines, auth and the alias look-up.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::fake_vtctld::{Behaviour, FakeVtctld, tablet};
use crate::support::hook::{
    Run, attempt_statuses, log_in, records, silent_server, temp_dir, unused_server,
};
use crate::support::scenario::{Failover, failover};
use orc_vitess_hook::proto::topodata::TabletType;
use serde_json::Value;
use tonic::Code;

const TYPED: &str = "/vtctlservice.Vtctld/TabletExternallyReparented";
const LEGACY: &str = "/vtctlservice.Vtctl/ExecuteVtctlCommand";

/// zone1-101 promoted after commerce/0's primary (db1) failed, as flags (with
/// `--is-master true`), JSON output and log; the tests add the servers.
fn to_101(log: &Path) -> Failover {
    failover()
        .by_flags()
        .master()
        .recovery_uid("r-101")
        .failed("db1.example.com", 3306)
        .successor_alias("zone1-101")
        .output_json()
        .log(log)
}

fn final_record(log: &std::path::Path) -> Value {
    let all = records(log);
    assert_eq!(all[0]["outcome"], "received", "{all:?}");
    all.last().cloned().expect("a final record")
}

/// `api:STATUS` of each TabletExternallyReparented attempt.
fn statuses(record: &Value) -> Vec<String> {
    record["attempt_log"]
        .as_array()
        .expect("attempt_log")
        .iter()
        .filter(|a| a["rpc"] == "TabletExternallyReparented")
        .map(|a| {
            format!(
                "{}:{}",
                a["api"].as_str().unwrap(),
                a["status"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn typed_api_reparents_and_the_record_holds_the_result() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log).server(&fake).run();
    out.assert_code(0);

    let sent = fake.received_for(TYPED);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].tablet, Some(("zone1".into(), 101)));
    assert!(
        sent[0].grpc_timeout.is_some(),
        "the call carries a gRPC deadline"
    );

    let record = final_record(&log);
    assert_eq!(record["outcome"], "ok");
    assert_eq!(record["recovery_uid"], "r-101");
    assert_eq!(record["keyspace"], "commerce");
    assert_eq!(record["shard"], "0");
    assert_eq!(record["new_primary"], "zone1-0000000101");
    assert_eq!(record["old_primary"], "zone1-0000000100");
    assert_eq!(record["api"], "vtctld");
    assert_eq!(record["server"], fake.server());
    assert_eq!(record["attempts"], 2);
    assert_eq!(
        attempt_statuses(&record),
        [
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:OK"
        ]
    );
    assert_eq!(record["failed_shard"], "commerce/0");
    assert_eq!(record["shard_basis"], "failed-primary");
    assert_eq!(record["verification"], "verified");
    assert_eq!(record["tablet_type"], "REPLICA");
    // The shard is known from the failed primary alone: one unfiltered GetTablets, then the
    // shard's own (strict) before the reparent, the check for a newer failover.
    let listed = fake.received_for("/vtctlservice.Vtctld/GetTablets");
    let filters: Vec<_> = listed
        .iter()
        .map(|r| (r.filter.clone(), r.strict))
        .collect();
    assert_eq!(
        filters,
        [
            ((String::new(), String::new()), true),
            (("commerce".to_owned(), "0".to_owned()), true)
        ]
    );

    let report = out.json();
    assert_eq!(report["outcome"], "ok");
    let message = report["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "reparented commerce/0: zone1-0000000101 is primary (was zone1-0000000100) via "
        ) && message.contains("[vtctld api]")
            && message.ends_with(", 1 attempt (+1 look-up call)"),
        "{message}"
    );
}

#[test]
fn text_output_is_one_summary_line() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let out = to_101(&log_in(&dir)).output("text").server(&fake).run();
    out.assert_code(0);
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with("reparented commerce/0: zone1-0000000101"),
        "{out:?}"
    );
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[test]
fn legacy_only_server_is_reached_through_auto_fallback() {
    let fake = FakeVtctld::start(Behaviour {
        typed: false,
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log)
        .server(&fake)
        .args(["--attempt-timeout", "7s", "-v"])
        .run();
    out.assert_code(0);

    let legacy = fake.legacy_reparents();
    assert_eq!(legacy.len(), 1);
    assert_eq!(
        legacy[0].args,
        ["TabletExternallyReparented", "zone1-0000000101"]
    );
    assert_eq!(legacy[0].action_timeout, 7_000_000_000);
    assert!(
        fake.received_for(TYPED).is_empty(),
        "GetTablets already showed the typed API missing"
    );

    let record = final_record(&log);
    assert_eq!(
        attempt_statuses(&record),
        [
            "GetTablets vtctld:UNIMPLEMENTED",
            "ListTablets vtctl:OK",
            "TabletExternallyReparented vtctl:OK"
        ]
    );
    assert_eq!(record["api"], "vtctl");
    // Old Vitess has no GetTablets: its legacy listing proved the successor.
    assert_eq!(record["verification"], "verified");
    let events = record["vtctld_events"].as_array().unwrap();
    assert!(
        events[0].as_str().unwrap().contains("zone1-0000000101"),
        "{events:?}"
    );
    // -v prints what vtctld streamed.
    assert!(
        out.stderr
            .contains("TabletExternallyReparented: zone1-0000000101"),
        "{out:?}"
    );
}

#[test]
fn auto_remembers_a_legacy_server_for_the_rest_of_the_run() {
    let fake = FakeVtctld::start(Behaviour {
        typed: false,
        script: [Code::Unavailable].into(),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    to_101(&log).server(&fake).run().assert_code(0);
    assert_eq!(
        statuses(&final_record(&log)),
        ["vtctl:UNAVAILABLE", "vtctl:OK"]
    );
}

#[test]
fn forced_legacy_api_on_old_vitess() {
    let fake = FakeVtctld::start(Behaviour {
        typed: false,
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    to_101(&log)
        .server(&fake)
        .args(["--api", "vtctl"])
        .run()
        .assert_code(0);
    assert!(fake.received_for(TYPED).is_empty());
    assert_eq!(statuses(&final_record(&log)), ["vtctl:OK"]);
}

#[test]
fn typed_only_server_new_vitess() {
    let fake = FakeVtctld::start(Behaviour {
        legacy: false,
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    to_101(&log).server(&fake).run().assert_code(0);
    assert!(fake.received_for(LEGACY).is_empty());

    // Forcing the legacy API on a server without it is refused without retrying.
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log).server(&fake).args(["--api", "vtctl"]).run();
    out.assert_code(70);
    assert!(out.stderr.contains("UNIMPLEMENTED"), "{out:?}");
    // The legacy listing already shows it; nothing is sent.
    assert_eq!(
        attempt_statuses(&final_record(&log)),
        ["ListTablets vtctl:UNIMPLEMENTED"]
    );
}

#[test]
fn neither_api_is_unimplemented_refusal() {
    let fake = FakeVtctld::start(Behaviour {
        typed: false,
        legacy: false,
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    to_101(&log).server(&fake).run().assert_code(70);
    assert_eq!(
        attempt_statuses(&final_record(&log)),
        [
            "GetTablets vtctld:UNIMPLEMENTED",
            "ListTablets vtctl:UNIMPLEMENTED"
        ]
    );
}

#[test]
fn a_dead_first_server_costs_one_attempt() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dead = unused_server();
    let dir = temp_dir();
    let log = log_in(&dir);
    to_101(&log)
        .server(&dead)
        .server(&fake)
        .run()
        .assert_code(0);
    let record = final_record(&log);
    assert_eq!(
        attempt_statuses(&record),
        [
            "GetTablets vtctld:CONNECT_ERROR",
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:OK"
        ]
    );
    assert_eq!(record["attempt_log"][0]["server"], dead);
    assert_eq!(record["server"], fake.server());
}

#[test]
fn servers_from_the_environment_comma_separated() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dead = unused_server();
    let dir = temp_dir();
    let log = log_in(&dir);
    to_101(&log)
        .env(
            "ORC_VITESS_HOOK_SERVER",
            format!("{dead},{}", fake.server()),
        )
        .run()
        .assert_code(0);
    assert_eq!(fake.received_for(TYPED).len(), 1);
}

#[test]
fn flaky_server_is_retried_until_it_answers() {
    let fake = FakeVtctld::start(Behaviour {
        script: [Code::Unavailable, Code::Unavailable].into(),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log).server(&fake).run();
    out.assert_code(0);
    let record = final_record(&log);
    assert_eq!(
        statuses(&record),
        ["vtctld:UNAVAILABLE", "vtctld:UNAVAILABLE", "vtctld:OK"]
    );
    assert_eq!(record["attempts"], 4);
    assert!(
        out.json()["message"]
            .as_str()
            .unwrap()
            .ends_with("3 attempts (+1 look-up call)")
    );
}

#[test]
fn success_and_failure_count_attempts_the_same_way() {
    let fake = FakeVtctld::start(Behaviour {
        script: std::iter::repeat_n(Code::Unavailable, 10_000).collect(),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log)
        .server(&fake)
        .args(["--deadline", "1s"])
        .run_within(Duration::from_secs(10));
    out.assert_code(75);
    let record = final_record(&log);
    let attempts = statuses(&record).len();
    assert!(attempts >= 2, "{record}");
    // The reparent's own attempts, the look-up apart: as the success summary counts them.
    let expected = format!(
        "deadline passed: TabletExternallyReparented did not succeed after {attempts} attempts \
         (+1 look-up call); last: 127.0.0.1"
    );
    assert!(
        out.json()["message"]
            .as_str()
            .unwrap()
            .starts_with(&expected),
        "{out:?}"
    );
}

#[test]
fn never_reachable_exits_69_within_the_deadline() {
    let dead = unused_server();
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log)
        .server(&dead)
        .args(["--deadline", "1s"])
        .run_within(Duration::from_secs(10));
    out.assert_code(69);
    let record = final_record(&log);
    let attempts = attempt_statuses(&record).len();
    let expected = format!(
        "no vtctld reachable before the deadline ({dead}): GetTablets did not succeed after \
         {attempts} attempts; last: cannot connect"
    );
    assert!(out.stderr.contains(&expected), "{out:?}");
    assert_eq!(record["outcome"], "failed");
    assert!(
        record["attempts"].as_u64().unwrap() >= 2,
        "retried: {record}"
    );
    assert!(
        attempt_statuses(&record)
            .iter()
            .all(|s| s == "GetTablets vtctld:CONNECT_ERROR"),
        "{record}"
    );
}

#[test]
fn server_that_never_answers_exits_75_within_the_deadline() {
    let fake = FakeVtctld::start(Behaviour {
        hang: true,
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log)
        .server(&fake)
        .args(["--deadline", "1500ms", "--attempt-timeout", "500ms"])
        .run_within(Duration::from_secs(10));
    out.assert_code(75);
    assert!(out.stderr.contains("deadline passed"), "{out:?}");
    let record = final_record(&log);
    assert!(
        attempt_statuses(&record)
            .iter()
            .all(|s| s == "GetTablets vtctld:TIMEOUT"),
        "{record}"
    );
    assert!(
        fake.received().len() >= 2,
        "attempts are retried within the deadline"
    );
}

#[test]
fn listener_that_never_speaks_exits_75_within_the_deadline() {
    let silent = silent_server();
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log)
        .server(&silent)
        .args(["--deadline", "1s", "--attempt-timeout", "300ms"])
        .run_within(Duration::from_secs(10));
    out.assert_code(75);
    assert_eq!(final_record(&log)["outcome"], "failed");
}

#[test]
fn not_found_is_refused_after_exactly_one_attempt() {
    let fake = FakeVtctld::start(Behaviour {
        script: [Code::NotFound].into(),
        script_message: Some("node doesn't exist: tablets/zone1-0000000101/Tablet".into()),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log).server(&fake).run();
    out.assert_code(70);
    assert!(out.stderr.contains("NOT_FOUND"), "{out:?}");
    assert_eq!(fake.received_for(TYPED).len(), 1);
    assert_eq!(statuses(&final_record(&log)), ["vtctld:NOT_FOUND"]);
}

#[test]
fn a_go_error_saying_node_doesnt_exist_ends_the_run_though_coded_unknown() {
    let fake = FakeVtctld::start(Behaviour {
        script: [Code::Unknown].into(),
        script_message: Some("node doesn't exist: tablets/zone1-0000000101/Tablet".into()),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log).server(&fake).run();
    out.assert_code(70);
    assert_eq!(statuses(&final_record(&log)), ["vtctld:UNKNOWN"]);

    // Any other UNKNOWN (a tablet manager that did not answer) is transient and retried.
    let fake = FakeVtctld::start(Behaviour {
        script: [Code::Unknown].into(),
        script_message: Some("rpc error: code = Unavailable desc = TabletManager.ChangeType on zone1-0000000101: mysqld is not reachable".into()),
        ..Behaviour::default()
    });
    let log = dir.path().join("second.log");
    to_101(&log).server(&fake).run().assert_code(0);
    assert_eq!(
        statuses(&final_record(&log)),
        ["vtctld:UNKNOWN", "vtctld:OK"]
    );
}

fn with_creds(dir: &tempfile::TempDir, user: &str, password: &str, mode: u32) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.path().join("creds.json");
    std::fs::write(
        &path,
        format!(r#"{{"Username": "{user}", "Password": "{password}"}}"#),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.display().to_string()
}

fn authed_fake() -> FakeVtctld {
    FakeVtctld::start(Behaviour {
        auth: Some(("orc".into(), "s3cret-pw".into())),
        ..Behaviour::default()
    })
}

#[test]
fn static_auth_metadata_is_sent_on_every_call() {
    let fake = authed_fake();
    let dir = temp_dir();
    let log = log_in(&dir);
    let creds = with_creds(&dir, "orc", "s3cret-pw", 0o600);
    // The name a vtctlclient invocation uses works as well.
    let out = to_101(&log)
        .server(&fake)
        .args(["--grpc_auth_static_client_creds", &creds, "--verify-alias"])
        .successor("db2.example.com", 3306)
        .run();
    out.assert_code(0);
    let received = fake.received();
    assert_eq!(
        received.len(),
        3,
        "GetTablets, the shard's GetTablets (the check), then TabletExternallyReparented"
    );
    for request in received {
        assert_eq!(request.username.as_deref(), Some("orc"));
        assert_eq!(request.password.as_deref(), Some("s3cret-pw"));
    }
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(!log_text.contains("s3cret-pw") && !out.stdout.contains("s3cret-pw"));
}

#[test]
fn missing_or_wrong_credentials_exit_77_without_retrying() {
    let fake = authed_fake();
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log).server(&fake).run();
    out.assert_code(77);
    assert!(out.stderr.contains("UNAUTHENTICATED"), "{out:?}");
    assert_eq!(fake.received().len(), 1);

    let creds = with_creds(&dir, "orc", "wrong-pw", 0o600);
    let out = to_101(&log)
        .server(&fake)
        .args(["--auth-static-creds", &creds])
        .run();
    out.assert_code(77);
    assert!(out.stderr.contains("PERMISSION_DENIED"), "{out:?}");
    assert!(!out.stderr.contains("wrong-pw") && !out.stdout.contains("wrong-pw"));
    assert_eq!(fake.received().len(), 2);
}

#[test]
fn unsafe_or_malformed_credentials_files_exit_78_before_connecting() {
    let fake = authed_fake();
    let dir = temp_dir();
    let log = log_in(&dir);
    let readable = with_creds(&dir, "orc", "s3cret-pw", 0o644);
    let out = to_101(&log)
        .server(&fake)
        .args(["--auth-static-creds", &readable])
        .run();
    out.assert_code(78);
    assert!(
        out.stderr.contains(&readable) && out.stderr.contains("chmod 600"),
        "{out:?}"
    );

    let malformed = dir.path().join("bad.json");
    std::fs::write(
        &malformed,
        "{\"Username\": \"orc\", \"Password\": s3cret-pw",
    )
    .unwrap();
    let out = to_101(&log)
        .server(&fake)
        .args(["--auth-static-creds", malformed.to_str().unwrap()])
        .run();
    out.assert_code(78);
    assert!(
        out.stderr.contains("bad.json") && !out.stderr.contains("s3cret"),
        "{out:?}"
    );
    assert!(
        fake.received().is_empty(),
        "no connection before a configuration error"
    );
    assert_eq!(records(&log).last().unwrap()["outcome"], "rejected");
}

/// The successor by host and port alone (an empty alias): the hook looks its alias up.
fn lookup(log: &Path, fake: &FakeVtctld, host: &str, port: u16) -> Run {
    failover()
        .by_flags()
        .failed("db1.example.com", 3306)
        .successor(host, port)
        .successor_alias("")
        .server(fake)
        .output_json()
        .log(log)
        .run()
}

#[test]
fn alias_is_looked_up_from_host_and_port() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    lookup(&log, &fake, "db2.example.com", 3306).assert_code(0);
    // The look-up, then the check of the shard before the reparent.
    assert_eq!(
        fake.received_for("/vtctlservice.Vtctld/GetTablets").len(),
        2
    );
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let record = final_record(&log);
    assert_eq!(record["alias_source"], "lookup");
    assert_eq!(record["alias"], "zone1-0000000101");
    assert_eq!(
        record["tablet"],
        "zone1-0000000101 (REPLICA, mysql db2.example.com:3306, commerce/0)"
    );
    assert_eq!(records(&log)[0]["alias_source"], "lookup");
}

#[test]
fn look_up_matches_short_name_against_fqdn_case_insensitively() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    // DB2 is db2.example.com in commerce/0 and db2.other.net in customer/-80: the failed
    // primary's shard decides.
    lookup(&log_in(&dir), &fake, "DB2", 3306).assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
}

#[test]
fn look_up_reads_legacy_port_map() {
    let mut old = tablet(103, "", 0, TabletType::Replica);
    old.hostname = "legacy-db".into();
    old.port_map.insert("mysql".into(), 17100);
    old.port_map.insert("vt".into(), 15100);
    let mut behaviour = Behaviour::default();
    behaviour.tablets.push(old);
    let fake = FakeVtctld::start(behaviour);
    let dir = temp_dir();
    lookup(&log_in(&dir), &fake, "legacy-db", 17100).assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000103"]);
}

#[test]
fn look_up_without_a_match_exits_65_naming_candidates() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = lookup(&log, &fake, "db9.example.com", 3306);
    out.assert_code(65);
    assert!(
        out.stderr
            .contains("refusing to reparent commerce/0: no tablet of commerce/0 has MySQL at db9.example.com:3306"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("zone1-0000000101 (REPLICA, mysql db2.example.com:3306"),
        "{out:?}"
    );
    assert!(fake.received_for(TYPED).is_empty(), "nothing reparented");
    let record = final_record(&log);
    assert_eq!(record["outcome"], "rejected");
    assert_eq!(record["failed_shard"], "commerce/0");
    assert!(
        record["candidates"].as_array().unwrap().len() >= 3,
        "{record}"
    );
}

#[test]
fn look_up_with_two_matches_exits_65_naming_both() {
    let mut behaviour = Behaviour::default();
    behaviour
        .tablets
        .push(tablet(301, "db2.example.com", 3306, TabletType::Spare));
    let fake = FakeVtctld::start(behaviour);
    let dir = temp_dir();
    let out = lookup(&log_in(&dir), &fake, "db2", 3306);
    out.assert_code(65);
    assert!(
        out.stderr
            .contains("2 tablets of commerce/0 have MySQL at db2:3306"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("zone1-0000000101") && out.stderr.contains("zone1-0000000301"),
        "{out:?}"
    );
    assert!(fake.received_for(TYPED).is_empty(), "nothing reparented");
}

#[test]
fn verify_alias_refuses_a_stale_alias() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = to_101(&log)
        .server(&fake)
        .arg("--verify-alias")
        .successor("db3.example.com", 3306)
        .run();
    out.assert_code(65);
    assert!(out.stderr.contains("may be stale"), "{out:?}");
    assert_eq!(
        fake.received_for("/vtctlservice.Vtctld/GetTablets").len(),
        1
    );
    assert!(fake.received_for(TYPED).is_empty(), "nothing reparented");
}

/// Sends `signal` while the hook waits on a hanging vtctld; returns the run and its final record.
fn interrupt_mid_call(signal: &str) -> (Run, Value) {
    let fake = FakeVtctld::start(Behaviour {
        hang: true,
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let child = to_101(&log)
        .server(&fake)
        .args(["--deadline", "30s"])
        .command()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        fake.wait_for_requests(1, Duration::from_secs(10)),
        "call never arrived"
    );
    let killed = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = crate::support::hook::wait_within(child, Duration::from_secs(10));
    (out, final_record(&log))
}

#[test]
fn sigterm_mid_call_writes_an_interrupted_record() {
    let (out, record) = interrupt_mid_call("TERM");
    out.assert_code(143);
    assert_eq!(record["outcome"], "interrupted");
    assert_eq!(record["signal"], "SIGTERM");
    assert_eq!(record["recovery_uid"], "r-101");
    assert!(out.stderr.contains("interrupted by SIGTERM"), "{out:?}");
    // The call in flight when the signal came is in the record.
    assert_eq!(
        attempt_statuses(&record),
        ["GetTablets vtctld:INTERRUPTED"],
        "{record}"
    );
}

#[test]
fn sigint_mid_call_writes_an_interrupted_record() {
    let (out, record) = interrupt_mid_call("INT");
    out.assert_code(130);
    assert_eq!(record["outcome"], "interrupted");
    assert_eq!(record["signal"], "SIGINT");
}

#[test]
fn sighup_is_handled_like_sigterm() {
    let (out, record) = interrupt_mid_call("HUP");
    out.assert_code(129);
    assert_eq!(record["outcome"], "interrupted");
    assert_eq!(record["signal"], "SIGHUP");
    assert_eq!(record["exit_status"], 129);
}
