//! Dry runs and input handling, through the built binary: nothing written, nothing connected.

use crate::support::hook::{hook, log_in, reparent, run, temp_dir};
use crate::support::scenario::failover;

#[test]
fn dry_run_json_shows_the_planned_record_and_rpc_and_writes_nothing() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = failover()
        .by_flags()
        .successor_alias("zone1-101")
        .recovery_uid("r-1")
        .server("vtctld-a:15999")
        .server("vtctld-b:15999")
        .output_json()
        .log(&log)
        .arg("--dry-run")
        .run();
    out.assert_code(0);
    let plan = out.json();
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["action"], "reparent");
    assert_eq!(plan["exit_status"], 0);
    assert_eq!(plan["record"]["outcome"], "received");
    assert_eq!(plan["record"]["recovery_uid"], "r-1");
    assert_eq!(plan["record"]["successor_alias"], "zone1-0000000101");
    assert_eq!(plan["record"]["alias_source"], "orchestrator");
    let rpc = &plan["rpc"];
    assert_eq!(
        rpc["servers"],
        serde_json::json!(["vtctld-a:15999", "vtctld-b:15999"])
    );
    assert_eq!(rpc["api"], "auto");
    assert_eq!(
        rpc["reparent"][0]["method"],
        "/vtctlservice.Vtctld/TabletExternallyReparented"
    );
    assert_eq!(
        rpc["reparent"][0]["request"]["tablet"],
        serde_json::json!({"cell": "zone1", "uid": 101})
    );
    assert_eq!(
        rpc["reparent"][1]["method"],
        "/vtctlservice.Vtctl/ExecuteVtctlCommand"
    );
    assert_eq!(
        rpc["reparent"][1]["request"]["args"],
        serde_json::json!(["TabletExternallyReparented", "zone1-0000000101"])
    );
    assert_eq!(
        rpc["reparent"][1]["request"]["action_timeout"],
        15_000_000_000u64
    );
    assert!(!log.exists(), "a dry run must not write the log");
}

#[test]
fn dry_run_text_is_two_lines() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(reparent(&log).args([
        "--dry-run",
        "--server",
        "vtctld:15999",
        "--successor-host",
        "db2",
        "--successor-port",
        "3306",
    ]));
    out.assert_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{out:?}");
    assert!(
        lines[0].contains("db2:3306") && lines[0].contains("GetTablets"),
        "{out:?}"
    );
    assert!(lines[1].contains("\"alias_source\":\"lookup\""), "{out:?}");
}

#[test]
fn environment_alone_is_enough() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(hook()
        .args([
            "--output",
            "json",
            "reparent",
            "--dry-run",
            "--server",
            "vtctld:15999",
        ])
        .env("ORC_VITESS_HOOK_LOG_FILE", &log)
        .env("ORC_FAILURE_TYPE", "DeadPrimary")
        .env("ORC_IS_MASTER", "true")
        .env("ORC_SUCCESSOR_ALIAS", "zone1-0000000102")
        .env("ORC_SUCCESSOR_HOST", "127.0.0.1")
        .env("ORC_SUCCESSOR_PORT", "23307")
        .env("ORC_COUNT_REPLICAS", "2")
        .env("ORC_RECOVERY_UID", "uid-env"));
    out.assert_code(0);
    let plan = out.json();
    assert_eq!(plan["log_file"], log.display().to_string());
    let record = &plan["record"];
    assert_eq!(record["failure_type"], "DeadPrimary");
    assert_eq!(record["is_master"], true);
    assert_eq!(record["successor_port"], 23307);
    assert_eq!(record["count_replicas"], 2);
    assert_eq!(record["successor_alias"], "zone1-0000000102");
}

#[test]
fn a_flag_wins_over_its_variable() {
    // (flag, variable, flag value, variable value, record field, recorded from flag, from variable)
    let table = [
        (
            "--successor-alias",
            "ORC_SUCCESSOR_ALIAS",
            "zone1-7",
            "zone1-8",
            "successor_alias",
            "zone1-0000000007",
            "zone1-0000000008",
        ),
        (
            "--failure-type",
            "ORC_FAILURE_TYPE",
            "DeadCoMaster",
            "DeadMaster",
            "failure_type",
            "DeadCoMaster",
            "DeadMaster",
        ),
        (
            "--failed-host",
            "ORC_FAILED_HOST",
            "db-flag",
            "db-env",
            "failed_host",
            "db-flag",
            "db-env",
        ),
        (
            "--recovery-uid",
            "ORC_RECOVERY_UID",
            "uid-flag",
            "uid-env",
            "recovery_uid",
            "uid-flag",
            "uid-env",
        ),
        (
            "--count-replicas",
            "ORC_COUNT_REPLICAS",
            "3",
            "4",
            "count_replicas",
            "3",
            "4",
        ),
    ];
    for (flag, variable, flag_value, env_value, field, from_flag, from_env) in table {
        let dir = temp_dir();
        let base = ["--output", "json", "--dry-run", "--server", "v:1"];
        let successor = ["--successor-host", "h", "--successor-port", "3306"];
        let out = run(reparent(&log_in(&dir))
            .args(base)
            .args(successor)
            .args([flag, flag_value])
            .env(variable, env_value));
        out.assert_code(0);
        let shown = |v: &serde_json::Value| v.to_string().trim_matches('"').to_owned();
        assert_eq!(
            shown(&out.json()["record"][field]),
            from_flag,
            "{flag} over {variable}"
        );

        let out = run(reparent(&log_in(&dir))
            .args(base)
            .args(successor)
            .env(variable, env_value));
        out.assert_code(0);
        assert_eq!(
            shown(&out.json()["record"][field]),
            from_env,
            "{variable} alone"
        );
    }

    // The tool's own settings follow the same rule.
    let dir = temp_dir();
    let out = run(reparent(&log_in(&dir))
        .args([
            "--output",
            "json",
            "--dry-run",
            "--server",
            "flag:1",
            "--successor-alias",
            "z-1",
        ])
        .env("ORC_VITESS_HOOK_SERVER", "env-a:1,env-b:2")
        .env("ORC_VITESS_HOOK_DEADLINE", "5s"));
    out.assert_code(0);
    assert_eq!(out.json()["rpc"]["servers"], serde_json::json!(["flag:1"]));
    assert_eq!(out.json()["rpc"]["deadline_ms"], 5000);
}

#[test]
fn unsubstituted_placeholder_is_absent_and_explained() {
    let dir = temp_dir();
    let out = run(reparent(&log_in(&dir)).args([
        "--dry-run",
        "--server",
        "v:1",
        "--failure-type",
        "DeadMaster",
        "--successor-alias",
        "{successorAlias}",
        "--successor-host",
        "{successorHost}",
        "--successor-port",
        "{successorPort}",
    ]));
    out.assert_code(65);
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    assert!(out.stderr.contains("no successor"), "{out:?}");
    assert!(out.stderr.contains("{successorAlias}"), "{out:?}");
    assert!(out.stderr.contains("no replica was promoted"), "{out:?}");
}

#[test]
fn no_successor_is_recorded_as_failed_and_exits_65() {
    let dir = temp_dir();
    let log = log_in(&dir);
    // No successor: Orchestrator says the recovery failed.
    let out = failover()
        .by_flags()
        .recovery_uid("r-none")
        .server("v:1")
        .log(&log)
        .args(["--is-successful", "false"])
        .run();
    out.assert_code(65);
    assert!(out.stderr.contains("is_successful=false"), "{out:?}");
    let records = crate::support::hook::records(&log);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["outcome"], "failed");
    assert_eq!(records[0]["recovery_uid"], "r-none");
    assert_eq!(records[0]["exit_status"], 65);
}

#[test]
fn bad_input_names_field_value_and_expectation_and_is_still_recorded() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(reparent(&log).args([
        "--server",
        "v:1",
        "--recovery-uid",
        "r-bad",
        "--successor-alias",
        "zone1-4294967296",
        "--failure-description",
        "it's \"dead\"",
    ]));
    out.assert_code(65);
    let line = out.stderr.trim();
    assert_eq!(line.lines().count(), 1, "{out:?}");
    assert!(line.contains("successor_alias"), "{line}");
    assert!(line.contains("\"zone1-4294967296\""), "{line}");
    assert!(line.contains("32 bits"), "{line}");
    let records = crate::support::hook::records(&log);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["outcome"], "rejected");
    assert_eq!(records[0]["successor_alias"], "zone1-4294967296");
    assert_eq!(records[0]["failure_description"], "it's \"dead\"");
}

#[test]
fn intermediate_master_failure_is_recorded_and_skipped() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(reparent(&log).args([
        "--server",
        "v:1",
        "--failure-type",
        "DeadIntermediateMaster",
        "--successor-alias",
        "zone1-101",
    ]));
    out.assert_code(0);
    assert!(out.stdout.starts_with("skipped"), "{out:?}");
    let records = crate::support::hook::records(&log);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["outcome"], "skipped");
    assert!(
        records[0]["reason"]
            .as_str()
            .unwrap()
            .contains("intermediate")
    );
}

#[test]
fn bad_server_address_is_a_configuration_error() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(reparent(&log).args(["--server", "vtctld", "--successor-alias", "zone1-1"]));
    out.assert_code(78);
    assert!(
        out.stderr.contains("\"vtctld\"") && out.stderr.contains("HOST:PORT"),
        "{out:?}"
    );
    assert_eq!(
        crate::support::hook::records(&log)[0]["outcome"],
        "rejected"
    );
}

#[test]
fn usage_errors_exit_64_and_help_documents_exit_statuses() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(hook()
        .args(["reparent", "--no-such-flag", "--log-file"])
        .arg(&log)
        .env("ORC_RECOVERY_UID", "r-usage")
        .env("ORC_VITESS_HOOK_LOG_FORMAT", "json")
        .env("ORC_FAILURE_TYPE", "DeadMaster"));
    out.assert_code(64);
    assert!(out.stderr.contains("--no-such-flag"), "{out:?}");
    assert_eq!(
        out.stderr.lines().count(),
        1,
        "one line, like every error: {out:?}"
    );
    // The failover is still recorded, best effort: event from the environment, the log file
    // from the command line.
    let records = crate::support::hook::records(&log);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["outcome"], "rejected");
    assert_eq!(records[0]["recovery_uid"], "r-usage");
    assert_eq!(records[0]["exit_status"], 64);
    assert!(
        records[0]["error"]
            .as_str()
            .unwrap()
            .contains("--no-such-flag")
    );

    let help = run(hook().args(["reparent", "--help"]));
    help.assert_code(0);
    for needle in [
        "ORC_SUCCESSOR_ALIAS",
        "Exit status",
        "75",
        "--dry-run",
        "--allow-type",
    ] {
        assert!(help.stdout.contains(needle), "{needle} missing from --help");
    }
}
