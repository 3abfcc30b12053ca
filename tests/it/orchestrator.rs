//! End to end: `PostMasterFailoverProcesses` entries run exactly as Orchestrator runs them
//! (plain-text substitution, `bash <tempfile>`, ORC_* environment, combined output) against the
//! fake vtctld.

use crate::support::fake_vtctld::{Behaviour, FakeVtctld};
use crate::support::hook::{log_in, records, temp_dir};
use crate::support::orchestrator::Recovery;

const TYPED: &str = "/vtctlservice.Vtctld/TabletExternallyReparented";

#[test]
fn documented_entry_without_placeholders_on_current_vitess() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    // Current Vitess: no _vt.local_metadata, so the alias arrives empty and is looked up.
    let recovery = Recovery::dead_master("db2.example.com", 3306, "");
    let run = recovery.run_hook(
        &format!("orc-vitess-hook reparent --server {}", fake.server()),
        &[("ORC_VITESS_HOOK_LOG_FILE", log.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.output.starts_with(
            "reparented commerce/0: zone1-0000000101 is primary (was zone1-0000000100)"
        ),
        "{run:?}"
    );
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains(" outcome=received "), "{text}");
    assert!(lines[1].contains(" outcome=ok "), "{text}");
    for expected in [
        "recovery_uid=1795643468510176998:bccd466e8bd3",
        "failure_description=\"Master cannot be reached by orchestrator and none of its replicas is replicating\"",
        "replica_hosts=db3.example.com:3306,db2.example.com:3306",
        "alias_source=lookup",
        "new_primary=zone1-0000000101",
    ] {
        assert!(
            lines[1].contains(expected),
            "{expected} missing: {}",
            lines[1]
        );
    }
}

#[test]
fn placeholder_entry_with_alias_from_local_metadata() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let recovery = Recovery::dead_master("db2.example.com", 3306, "zone1-0000000101")
        .with("command", "graceful-master-takeover");
    let run = recovery.run_hook(
        &format!(
            "orc-vitess-hook reparent --server {} --log-file {} --log-format json \
             --failure-type {{failureType}} --successor-alias={{successorAlias}} \
             --recovery-uid {{recoveryUID}}",
            fake.server(),
            log.display()
        ),
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let last = records(&log).pop().unwrap();
    assert_eq!(last["alias_source"], "orchestrator");
    assert_eq!(last["command"], "graceful-master-takeover");
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
}

#[test]
fn no_successor_leaves_placeholders_and_nothing_is_sent() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let recovery = Recovery::dead_master("unused", 1, "unused").without_successor();
    let run = recovery.run_hook(
        &format!(
            "orc-vitess-hook reparent --server {} --successor-alias {{successorAlias}} \
             --successor-host {{successorHost}} --successor-port {{successorPort}}",
            fake.server()
        ),
        &[("ORC_VITESS_HOOK_LOG_FILE", log.to_str().unwrap())],
    );
    assert_eq!(run.code, 65, "{run:?}");
    assert_eq!(run.output.lines().count(), 1, "{run:?}");
    assert!(run.output.contains("is_successful=false"), "{run:?}");
    assert!(fake.received().is_empty());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains(" outcome=failed "), "{text}");
    assert!(
        text.contains("{successorAlias} is an unsubstituted Orchestrator placeholder"),
        "{text}"
    );
}

#[test]
fn intermediate_master_hook_records_and_skips() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let recovery = Recovery::dead_master("db2.example.com", 3306, "zone1-0000000101")
        .with("failureType", "DeadIntermediateMaster")
        .with("instanceType", "intermediate-master")
        .with("isMaster", "false");
    let run = recovery.run_hook(
        &format!("orc-vitess-hook reparent --server {}", fake.server()),
        &[("ORC_VITESS_HOOK_LOG_FILE", log.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.output.starts_with("skipped"), "{run:?}");
    assert!(
        fake.received().is_empty(),
        "never reparent after a non-master failure"
    );
}

#[test]
fn the_seed_recipes_quoting_trap_is_avoided_by_the_environment() {
    // A description with a quote breaks a command line that pastes {failureDescription}; the
    // documented entry reads ORC_FAILURE_DESCRIPTION instead and records it intact.
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let description = "Master's gone; `rm -rf /` \"quoted\" $HOME";
    let recovery = Recovery::dead_master("db2.example.com", 3306, "zone1-0000000101")
        .with("failureDescription", description);
    let run = recovery.run_hook(
        &format!(
            "orc-vitess-hook reparent --server {} --log-format json",
            fake.server()
        ),
        &[("ORC_VITESS_HOOK_LOG_FILE", log.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(records(&log)[1]["failure_description"], description);
}

#[test]
fn a_vtctlclient_style_line_with_single_dash_flags_works() {
    // Older vtctlclient lines spell long flags with one dash, as the seed recipe's `-server`.
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let recovery = Recovery::dead_master("db2.example.com", 3306, "zone1-0000000101");
    let run = recovery.run_hook(
        &format!(
            "orc-vitess-hook reparent -server {} -log-file={} -log-format json",
            fake.server(),
            log.display()
        ),
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(fake.received_for(TYPED).len(), 1);
    assert_eq!(records(&log).last().unwrap()["outcome"], "ok");
}
