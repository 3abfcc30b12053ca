//! `discover` against the fake vtctld's two-keyspace fleet and the fake Orchestrator API.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use orc_vitess_hook::proto::topodata::TabletType;
use serde_json::Value;
use support::fake_orchestrator::{FakeOrchestrator, OrchestratorState};
use support::fake_vtctld::{Behaviour, FakeVtctld, tablet_in};
use support::hook::{hook, run, run_within, send_signal, unused_server, wait_within};

/// Orchestrator's view: commerce's instances in db1's cluster, customer's in db4's.
fn orchestrator() -> OrchestratorState {
    let mut state = OrchestratorState::default();
    for host in ["db1.example.com", "db2.example.com", "db3.example.com"] {
        state
            .clusters
            .insert(format!("{host}:3306"), "db1.example.com:3306".into());
    }
    for host in ["db4.example.com", "db2.other.net", "db6.example.com"] {
        state
            .clusters
            .insert(format!("{host}:3306"), "db4.example.com:3306".into());
    }
    state
}

fn discover(fake: &FakeVtctld, url: &str) -> Command {
    let mut command = hook();
    command.args(["discover", "--server", &fake.server(), "--orc-api-url", url]);
    command
}

#[test]
fn one_pass_registers_the_instances_rules_and_aliases() {
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = FakeOrchestrator::start(orchestrator());
    let out = run(&mut discover(&fake, &orc.url));
    out.assert_code(0);
    assert!(
        out.stdout
            .ends_with("6 instances registered, 2 aliases, 0 failures\n"),
        "{out:?}"
    );
    let state = orc.state();
    let rules: Vec<(String, String)> = state.rules.clone().into_iter().collect();
    assert_eq!(
        rules,
        [
            ("db1.example.com:3306", "neutral"),
            ("db2.example.com:3306", "neutral"),
            ("db2.other.net:3306", "neutral"),
            ("db3.example.com:3306", "must_not"),
            ("db4.example.com:3306", "neutral"),
            ("db6.example.com:3306", "must_not"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert_eq!(state.aliases["db1.example.com:3306"], "commerce.0");
    assert_eq!(state.aliases["db4.example.com:3306"], "customer.-80");
    // Each instance is discovered before its rule is registered.
    let targets: Vec<&str> = state.seen.iter().map(|s| s.target.as_str()).collect();
    let discovered = targets
        .iter()
        .position(|t| *t == "/api/discover/db3.example.com/3306")
        .unwrap();
    let ruled = targets
        .iter()
        .position(|t| *t == "/api/register-candidate/db3.example.com/3306/must_not")
        .unwrap();
    assert!(discovered < ruled, "{targets:?}");
    assert!(
        targets.contains(&"/api/set-cluster-alias/db1.example.com:3306?alias=commerce.0"),
        "{targets:?}"
    );
}

#[test]
fn rules_can_be_overridden_per_type_and_a_bad_one_is_a_configuration_error() {
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = FakeOrchestrator::start(orchestrator());
    run(discover(&fake, &orc.url).args(["--promotion-rule", "REPLICA=prefer,rdonly=prefer_not"]))
        .assert_code(0);
    let state = orc.state();
    assert_eq!(state.rules["db2.example.com:3306"], "prefer");
    assert_eq!(state.rules["db3.example.com:3306"], "prefer_not");
    assert_eq!(state.rules["db6.example.com:3306"], "must_not");
    drop(state);
    let out = run(discover(&fake, &orc.url).args(["--promotion-rule", "REPLICA=always"]));
    out.assert_code(78);
    assert!(
        out.stderr
            .contains(r#"--promotion-rule / ORC_VITESS_HOOK_PROMOTION_RULES: "REPLICA=always""#),
        "{out:?}"
    );
}

#[test]
fn odd_host_names_are_escaped_in_the_path() {
    let behaviour = Behaviour {
        tablets: vec![tablet_in(
            "ks",
            "0",
            1,
            "db x/1%.example",
            3306,
            TabletType::Primary,
        )],
        ..Behaviour::default()
    };
    let fake = FakeVtctld::start(behaviour);
    let orc = FakeOrchestrator::start(OrchestratorState::default());
    run(&mut discover(&fake, &orc.url)).assert_code(0);
    let state = orc.state();
    assert_eq!(
        state.seen[0].target,
        "/api/discover/db%20x%2F1%25.example/3306"
    );
    assert_eq!(state.rules["db x/1%.example:3306"], "neutral");
    assert_eq!(state.aliases["db x/1%.example:3306"], "ks.0");
}

#[test]
fn a_refused_instance_is_reported_and_the_rest_registered() {
    let fake = FakeVtctld::start(Behaviour::default());
    let mut state = orchestrator();
    state.refuse.push("db6.example.com:3306".into());
    let orc = FakeOrchestrator::start(state);
    let out = run(discover(&fake, &orc.url).args(["--output", "json"]));
    out.assert_code(70);
    let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(report["registered"].as_array().unwrap().len(), 5);
    let failures = report["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1);
    assert!(
        failures[0]
            .as_str()
            .unwrap()
            .contains("discover db6.example.com:3306: Orchestrator answered ERROR"),
        "{report}"
    );
    assert_eq!(report["exit_status"], 70);
}

#[test]
fn basic_auth_is_sent_and_a_hung_api_costs_one_timeout() {
    let fake = FakeVtctld::start(Behaviour::default());
    let mut state = orchestrator();
    state.authorization = Some("Basic b3JjOnMzY3JldA==".into()); // orc:s3cret
    let orc = FakeOrchestrator::start(state);
    run(discover(&fake, &orc.url)
        .args(["--orc-api-user", "orc"])
        .env("ORC_VITESS_HOOK_ORC_API_PASSWORD", "s3cret"))
    .assert_code(0);
    let out = run(discover(&fake, &orc.url)
        .args(["--orc-api-user", "orc"])
        .env("ORC_VITESS_HOOK_ORC_API_PASSWORD", "wrong"));
    out.assert_code(77);
    assert!(!out.stdout.contains("wrong") && !out.stderr.contains("wrong"));

    let hung = FakeOrchestrator::start(OrchestratorState {
        hang: true,
        ..OrchestratorState::default()
    });
    // A hang guard far above the timeout: every call gives up after --orc-timeout.
    let out = run_within(
        discover(&fake, &hung.url).args(["--orc-timeout", "300ms"]),
        Duration::from_secs(30),
    );
    out.assert_code(69);
}

#[test]
fn a_dry_run_calls_no_orchestrator() {
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = FakeOrchestrator::start(orchestrator());
    let out = run(discover(&fake, &orc.url).arg("--dry-run"));
    out.assert_code(0);
    assert!(
        out.stdout
            .contains("would register db3.example.com:3306 must_not"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains(r#"alias {"alias":"commerce.0","cluster_of":"db1.example.com:3306"}"#),
        "{out:?}"
    );
    assert!(orc.seen().is_empty(), "no HTTP call");
}

#[test]
fn forget_missing_forgets_old_instances_of_our_clusters_never_the_last() {
    let fake = FakeVtctld::start(Behaviour::default());
    let mut state = orchestrator();
    // db9 left commerce/0 long ago; Orchestrator still knows it, in commerce's cluster.
    state.instances.push(("db9.example.com".into(), 3306));
    state
        .clusters
        .insert("db9.example.com:3306".into(), "db1.example.com:3306".into());
    // A cluster that is not ours: untouched.
    state.instances.push(("other.example.com".into(), 3306));
    // An old cluster still carrying customer/-80's alias, with one instance left: never forgotten.
    state.instances.push(("old.example.com".into(), 3306));
    state
        .aliases
        .insert("old.example.com:3306".into(), "customer.-80".into());
    let orc = FakeOrchestrator::start(state);
    // The first pass sets the aliases; the second forgets.
    run(&mut discover(&fake, &orc.url)).assert_code(0);
    let out = run(discover(&fake, &orc.url).arg("--forget-missing"));
    out.assert_code(0);
    assert!(
        out.stdout
            .contains("forgot db9.example.com:3306 (cluster db1.example.com:3306)"),
        "{out:?}"
    );
    assert_eq!(orc.state().forgotten, ["db9.example.com:3306"]);
}

#[test]
fn interval_mode_outlives_an_api_that_is_down_and_stops_on_sigterm() {
    let fake = FakeVtctld::start(Behaviour::default());
    let address = unused_server();
    let url = format!("http://{address}/api/");
    let child = discover(&fake, &url)
        .args(["--interval", "1s", "--orc-timeout", "500ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // Orchestrator comes up where it was expected.
    let orc = FakeOrchestrator::start_on(&address, orchestrator());
    let started = std::time::Instant::now();
    while orc.state().aliases.len() < 2 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
    }
    send_signal(&child, "TERM");
    let out = wait_within(child, Duration::from_secs(10));
    out.assert_code(143);
    assert!(
        out.stdout
            .contains("failing: discover db1.example.com:3306: no answer"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("recovered: discover db1.example.com:3306"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("registered: db2.example.com:3306 neutral"),
        "{out:?}"
    );
    // Only changes: each instance registered once in the log however many passes ran.
    assert_eq!(
        out.stdout
            .matches("registered: db2.example.com:3306")
            .count(),
        1,
        "{out:?}"
    );
    assert_eq!(orc.state().aliases.len(), 2);
}

#[test]
fn forget_missing_keeps_instances_orchestrator_names_its_own_way() {
    let fake = FakeVtctld::start(Behaviour::default());
    let mut state = orchestrator();
    // Orchestrator resolves names: db3 is stored by address, db2 with another case and a dot.
    state
        .resolve
        .insert("db3.example.com".into(), "10.0.0.3".into());
    state
        .resolve
        .insert("db2.example.com".into(), "DB2.example.com.".into());
    for key in ["10.0.0.3:3306", "DB2.example.com.:3306"] {
        state
            .clusters
            .insert(key.into(), "db1.example.com:3306".into());
    }
    let orc = FakeOrchestrator::start(state);
    run(&mut discover(&fake, &orc.url)).assert_code(0);
    let out = run(discover(&fake, &orc.url).arg("--forget-missing"));
    out.assert_code(0);
    assert!(orc.state().forgotten.is_empty(), "{out:?}");
    assert!(!out.stdout.contains("forgot"), "{out:?}");
}

#[test]
fn forget_missing_lists_every_cell_strictly_and_refuses_a_cell_filter() {
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = FakeOrchestrator::start(orchestrator());
    let out = run(discover(&fake, &orc.url).args(["--forget-missing", "--cell", "zone1"]));
    out.assert_code(78);
    assert!(
        out.stderr
            .contains("--forget-missing cannot be combined with --cell"),
        "{out:?}"
    );
    assert!(fake.received().is_empty() && orc.seen().is_empty());
    run(discover(&fake, &orc.url).arg("--forget-missing")).assert_code(0);
    let listings = fake.received_for("/vtctlservice.Vtctld/GetTablets");
    assert!(
        !listings.is_empty() && listings.iter().all(|r| r.strict),
        "{listings:?}"
    );
}

#[test]
fn a_shard_with_two_primaries_gets_no_alias() {
    let mut behaviour = Behaviour::default();
    behaviour.tablets.push(tablet_in(
        "commerce",
        "0",
        103,
        "db7.example.com",
        3306,
        TabletType::Primary,
    ));
    let fake = FakeVtctld::start(behaviour);
    let orc = FakeOrchestrator::start(orchestrator());
    let out = run(&mut discover(&fake, &orc.url));
    out.assert_code(70);
    assert!(
        out.stderr
            .contains("commerce/0: vtctld lists more than one PRIMARY")
            || out
                .stdout
                .contains("commerce/0: vtctld lists more than one PRIMARY"),
        "{out:?}"
    );
    let aliases: Vec<String> = orc.state().aliases.values().cloned().collect();
    assert_eq!(aliases, ["customer.-80"], "{out:?}");
}

#[test]
fn sigterm_while_vtctld_hangs_ends_the_pass_with_143() {
    let fake = FakeVtctld::start(Behaviour {
        hang: true,
        ..Behaviour::default()
    });
    let orc = FakeOrchestrator::start(orchestrator());
    let child = discover(&fake, &orc.url)
        .args(["--deadline", "60s", "--attempt-timeout", "60s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(fake.wait_for_requests(1, Duration::from_secs(10)));
    send_signal(&child, "TERM");
    // Far below the 60 s deadline: the signal, not the deadline, ends it.
    let out = wait_within(child, Duration::from_secs(10));
    out.assert_code(143);
    assert!(orc.seen().is_empty(), "{out:?}");
}

#[test]
fn forget_missing_forgets_nothing_while_a_tablet_has_no_mysql_endpoint() {
    let mut behaviour = Behaviour::default();
    // A replica whose mysqld is not up yet: no port in its record.
    behaviour.tablets.push(tablet_in(
        "commerce",
        "0",
        104,
        "db9.example.com",
        0,
        TabletType::Replica,
    ));
    let fake = FakeVtctld::start(behaviour);
    let mut state = orchestrator();
    // Orchestrator already knows its instance, from replication.
    state.instances.push(("db9.example.com".into(), 3306));
    state
        .clusters
        .insert("db9.example.com:3306".into(), "db1.example.com:3306".into());
    let orc = FakeOrchestrator::start(state);
    run(&mut discover(&fake, &orc.url));
    let out = run(discover(&fake, &orc.url).arg("--forget-missing"));
    out.assert_code(70);
    assert!(out.stderr.contains("forgetting skipped"), "{out:?}");
    assert!(orc.state().forgotten.is_empty(), "{out:?}");
}

#[test]
fn a_dry_run_exits_as_the_pass_would_for_a_shard_without_a_primary() {
    let mut behaviour = Behaviour::default();
    behaviour
        .tablets
        .retain(|t| t.r#type != TabletType::Primary as i32 || t.keyspace != "customer");
    let fake = FakeVtctld::start(behaviour);
    let orc = FakeOrchestrator::start(orchestrator());
    let dry = run(discover(&fake, &orc.url).arg("--dry-run"));
    dry.assert_code(70);
    assert!(
        dry.stderr
            .contains("customer/-80: vtctld lists no PRIMARY, its alias would not be set"),
        "{dry:?}"
    );
    assert!(orc.seen().is_empty(), "{dry:?}");
    run(&mut discover(&fake, &orc.url)).assert_code(70);
}
