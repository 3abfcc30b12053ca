//! `discover` against the fake vtctld's two-keyspace fleet and the fake Orchestrator API.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::fake_orchestrator::{FakeOrchestrator, OrchestratorState};
use crate::support::fake_vtctld::{Behaviour, FakeVtctld, tablet_in};
use crate::support::hook::{hook, run, run_within, send_signal, unused_server, wait_within};
use orc_vitess_hook::proto::topodata::TabletType;
use serde_json::Value;

/// Orchestrator's view: commerce's instances in db1's cluster, customer's in db4's.
pub(crate) fn orchestrator() -> OrchestratorState {
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

pub(crate) fn discover(fake: &FakeVtctld, url: &str) -> Command {
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
fn unusable_mysql_hosts_are_reported_and_skipped_and_a_trailing_dot_dropped() {
    let bad = [
        "127.0.0.1",
        "127.1.2.3",
        "::1",
        "localhost",
        "0.0.0.0",
        "::",
        "db x/1%.example",
        "db\n1.example.com",
        "-db1.example.com",
        "db1..example.com",
    ];
    let mut tablets = vec![tablet_in(
        "ks",
        "0",
        1,
        "db7.example.com.",
        3306,
        TabletType::Primary,
    )];
    for (uid, host) in (2..).zip(bad) {
        tablets.push(tablet_in("ks", "0", uid, host, 3306, TabletType::Replica));
    }
    let fake = FakeVtctld::start(Behaviour {
        tablets,
        ..Behaviour::default()
    });
    let orc = FakeOrchestrator::start(OrchestratorState::default());
    let out = run(discover(&fake, &orc.url).args(["--output", "json"]));
    out.assert_code(0);
    let report = out.json();
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(skipped.len(), bad.len(), "{report}");
    for host in bad {
        assert!(
            skipped
                .iter()
                .any(|s| s.contains(&format!("MySQL host {host:?} port 3306"))),
            "{host:?} not reported: {skipped:?}"
        );
    }
    assert!(
        skipped[0].starts_with("zone1-0000000002 (REPLICA, ks/0): MySQL host \"127.0.0.1\"")
            && skipped[0].contains("loopback"),
        "{skipped:?}"
    );
    // Only the good one reached Orchestrator, without its trailing dot.
    let targets: Vec<String> = orc.seen().into_iter().map(|s| s.target).collect();
    assert_eq!(
        targets,
        [
            "/api/discover/db7.example.com/3306",
            "/api/register-candidate/db7.example.com/3306/neutral",
            "/api/set-cluster-alias/db7.example.com:3306?alias=ks.0",
        ],
        "{out:?}"
    );
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
    // db9 left commerce/0 long ago; Orchestrator still knows it, in commerce's cluster, and
    // has not reached it for an hour.
    state.instances.push(("db9.example.com".into(), 3306));
    state
        .unreached
        .insert("db9.example.com:3306".into(), Some(3600));
    state
        .clusters
        .insert("db9.example.com:3306".into(), "db1.example.com:3306".into());
    // A cluster that is not ours: untouched.
    state.instances.push(("other.example.com".into(), 3306));
    // An old cluster still carrying customer/-80's alias, with one instance left: never forgotten.
    state.instances.push(("old.example.com".into(), 3306));
    state
        .unreached
        .insert("old.example.com:3306".into(), Some(3600));
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
fn filters_that_are_no_vitess_names_are_refused_before_anything_is_asked() {
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = FakeOrchestrator::start(orchestrator());
    // `--keyspace ""` (an unset shell variable) would register every keyspace's tablets.
    // Each with the value the refusal names (a cell list is split at its commas).
    let cases: [(&[&str], &str); 4] = [
        (&["--keyspace", ""], "--keyspace / (no variable): \"\""),
        (&["--keyspace", "commerce "], "\"commerce \""),
        (
            &["--keyspace", "commerce", "--shard", "-80,80-"],
            "\"-80,80-\"",
        ),
        (
            &["--cell", "zone1,zone 2"],
            "--cell / (no variable): \"zone 2\"",
        ),
    ];
    for (args, named) in cases {
        let out = run(discover(&fake, &orc.url).args(args));
        out.assert_code(78);
        assert!(
            out.stderr.contains("expected a Vitess "),
            "{args:?}: {out:?}"
        );
        assert!(out.stderr.contains(named), "{args:?}: {out:?}");
    }
    assert!(fake.received().is_empty() && orc.seen().is_empty());
}

#[test]
fn vitess_names_reach_vtctld_as_given() {
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = FakeOrchestrator::start(orchestrator());
    let filters = [
        "--keyspace",
        "commerce",
        "--shard",
        "0",
        "--cell",
        "zone1,us-east-1a",
    ];
    run(discover(&fake, &orc.url).args(filters)).assert_code(0);
    let listings = fake.received_for("/vtctlservice.Vtctld/GetTablets");
    let asked = listings.first().expect("a listing");
    assert_eq!(asked.filter, ("commerce".into(), "0".into()));
    assert_eq!(asked.cells, ["zone1", "us-east-1a"]);
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
    assert!(
        out.stdout.contains(
            r#"skipped zone1-0000000104 (REPLICA, commerce/0): MySQL host "db9.example.com" port 0: no MySQL endpoint"#
        ),
        "{out:?}"
    );
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

#[test]
fn a_cluster_holding_tablets_of_two_shards_gets_no_alias() {
    // Two shards' primaries on one MySQL endpoint: one Orchestrator cluster for both.
    let mut behaviour = Behaviour::default();
    behaviour.tablets.push(tablet_in(
        "lookup",
        "0",
        300,
        "db1.example.com",
        3306,
        TabletType::Primary,
    ));
    let fake = FakeVtctld::start(behaviour);
    let orc = FakeOrchestrator::start(orchestrator());
    let out = run(&mut discover(&fake, &orc.url));
    out.assert_code(70);
    assert!(
        out.stderr.contains(
            "error: cluster db1.example.com:3306: its instances are the MySQL of tablets of \
             shards commerce/0, lookup/0, so no keyspace.shard alias is set"
        ),
        "{out:?}"
    );
    assert_eq!(out.stderr.matches("error: ").count(), 1, "{out:?}");
    let aliases: Vec<String> = orc.state().aliases.values().cloned().collect();
    assert_eq!(aliases, ["customer.-80"], "{out:?}");
    // The dry run says so without Orchestrator, and exits as the pass does.
    let dry = run(discover(&fake, &orc.url).arg("--dry-run"));
    dry.assert_code(70);
    assert!(
        dry.stderr.contains(
            "db1.example.com:3306 is the MySQL of tablets of shards commerce/0, lookup/0: its \
             cluster's alias would not be set"
        ),
        "{dry:?}"
    );

    // Different endpoints, one cluster in Orchestrator's view: customer's instances replicate
    // from commerce's primary.
    let fake = FakeVtctld::start(Behaviour::default());
    let mut state = orchestrator();
    for host in ["db4.example.com", "db2.other.net", "db6.example.com"] {
        state
            .clusters
            .insert(format!("{host}:3306"), "db1.example.com:3306".into());
    }
    let orc = FakeOrchestrator::start(state);
    let out = run(&mut discover(&fake, &orc.url));
    out.assert_code(70);
    assert!(
        out.stderr.contains(
            "cluster db1.example.com:3306: its instances are the MySQL of tablets of shards \
             commerce/0, customer/-80"
        ),
        "{out:?}"
    );
    assert!(orc.state().aliases.is_empty(), "{out:?}");
}

#[test]
fn an_endpoint_of_tablets_of_different_types_gets_the_most_restrictive_rule() {
    // An RDONLY tablet naming the REPLICA's MySQL, spelt with another case and a trailing dot.
    let rdonly = tablet_in(
        "commerce",
        "0",
        103,
        "DB2.example.com.",
        3306,
        TabletType::Rdonly,
    );
    let mut first = Behaviour::default();
    first.tablets.push(rdonly.clone());
    let mut reversed = Behaviour::default();
    reversed.tablets.insert(0, rdonly);
    reversed.tablets.reverse();
    let mut rules = Vec::new();
    for behaviour in [first, reversed] {
        let fake = FakeVtctld::start(behaviour);
        let orc = FakeOrchestrator::start(orchestrator());
        let out = run(discover(&fake, &orc.url).args(["--concurrency", "8"]));
        out.assert_code(0);
        assert!(
            out.stderr.contains(
                "warning: DB2.example.com:3306 is the MySQL of tablets of different types \
                 (zone1-0000000101 (REPLICA, mysql db2.example.com:3306, commerce/0), \
                 zone1-0000000103 (RDONLY, mysql DB2.example.com.:3306, commerce/0)): \
                 registered as must_not, the most restrictive of their rules"
            ),
            "{out:?}"
        );
        let state = orc.state();
        // One registration for the endpoint, not one per tablet.
        let registrations: Vec<&str> = state
            .seen
            .iter()
            .map(|s| s.target.as_str())
            .filter(|t| t.contains("/db2.example.com/") || t.contains("/DB2.example.com/"))
            .collect();
        assert_eq!(
            registrations,
            [
                "/api/discover/DB2.example.com/3306",
                "/api/register-candidate/DB2.example.com/3306/must_not"
            ],
            "{out:?}"
        );
        rules.push(state.rules.clone());
    }
    assert_eq!(rules[0], rules[1]);
    assert_eq!(rules[0]["DB2.example.com:3306"], "must_not");
}

#[test]
fn forget_missing_forgets_only_what_orchestrator_has_not_reached_for_forget_after() {
    let fake = FakeVtctld::start(Behaviour::default());
    let mut state = orchestrator();
    // In commerce's cluster, none of them a tablet any more.
    for (host, unreached) in [
        ("gone.example.com", Some(Some(3600))),
        ("brief.example.com", Some(Some(90))),
        ("never.example.com", Some(None)),
        ("alive.example.com", None),
    ] {
        state.instances.push((host.into(), 3306));
        let key = format!("{host}:3306");
        state
            .clusters
            .insert(key.clone(), "db1.example.com:3306".into());
        if let Some(seen) = unreached {
            state.unreached.insert(key, seen);
        }
    }
    let orc = FakeOrchestrator::start(state);
    run(&mut discover(&fake, &orc.url)).assert_code(0);
    let out = run(discover(&fake, &orc.url).arg("--forget-missing"));
    out.assert_code(0);
    assert_eq!(orc.state().forgotten, ["gone.example.com:3306"], "{out:?}");
    for kept in [
        "kept brief.example.com:3306 (cluster db1.example.com:3306): Orchestrator last reached \
         it 90 s ago, less than --forget-after 10m",
        "kept never.example.com:3306 (cluster db1.example.com:3306): Orchestrator has never \
         reached it",
        "kept alive.example.com:3306 (cluster db1.example.com:3306): Orchestrator's last check \
         reached it",
    ] {
        assert!(out.stdout.contains(kept), "{kept}: {out:?}");
    }
    // The variable lowers the bar: 90 s unreached is enough for 1m.
    let out = run(discover(&fake, &orc.url)
        .arg("--forget-missing")
        .env("ORC_VITESS_HOOK_FORGET_AFTER", "1m"));
    out.assert_code(0);
    assert_eq!(
        orc.state().forgotten,
        ["gone.example.com:3306", "brief.example.com:3306"],
        "{out:?}"
    );
    let out = run(discover(&fake, &orc.url).args([
        "--forget-missing",
        "--forget-after",
        "5s",
        "--forget-max-shrink",
        "150%",
    ]));
    out.assert_code(78);
    assert!(
        out.stderr.contains(
            r#"--forget-after / ORC_VITESS_HOOK_FORGET_AFTER: "5s": expected a duration from 1m to 30days"#
        ) && out.stderr.contains(
            r#"--forget-max-shrink / ORC_VITESS_HOOK_FORGET_MAX_SHRINK: "150%": expected a percentage from 0 to 100"#
        ),
        "{out:?}"
    );
}

/// Reads a running child's stdout lines as they come.
fn collect_lines(child: &mut std::process::Child) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use std::io::BufRead;
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let stdout = child.stdout.take().unwrap();
    let shared = std::sync::Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            shared.lock().unwrap().push(line);
        }
    });
    lines
}

#[test]
fn a_tablet_list_that_shrank_forgets_nothing_in_that_pass() {
    let fake = FakeVtctld::start(Behaviour::default());
    let mut state = orchestrator();
    for host in ["db3.example.com", "db6.example.com"] {
        state.unreached.insert(format!("{host}:3306"), Some(3600));
    }
    let orc = FakeOrchestrator::start(state);
    let mut child = discover(&fake, &orc.url)
        .args(["--interval", "1s", "--forget-missing"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = collect_lines(&mut child);
    // The first pass reached its forgetting step with the whole fleet listed...
    let started = std::time::Instant::now();
    while !orc.seen().iter().any(|s| s.target == "/api/all-instances")
        && started.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    // ...then two of six tablets vanish from the listing: a shrink of a third.
    fake.behaviour().tablets.retain(|t| {
        t.r#type != TabletType::Rdonly as i32 && t.r#type != TabletType::Drained as i32
    });
    // The pass after the shrinking one compares with a list as short: it forgets.
    while orc.state().forgotten.len() < 2 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    send_signal(&child, "TERM");
    let out = wait_within(child, Duration::from_secs(10));
    out.assert_code(143);
    let lines = lines.lock().unwrap().clone();
    let warned = lines.iter().position(|l| {
        l == "warning: forgetting skipped: vtctld listed 4 tablet(s), 6 in the previous pass, \
              a shrink of more than 10% (--forget-max-shrink)"
    });
    let forgot = lines.iter().position(|l| l.starts_with("forgot: "));
    assert!(
        warned.is_some() && forgot.is_some() && warned < forgot,
        "{lines:#?}"
    );
    let mut forgotten = orc.state().forgotten.clone();
    forgotten.sort();
    assert_eq!(forgotten, ["db3.example.com:3306", "db6.example.com:3306"]);
}

#[test]
fn an_unreadable_cell_is_a_named_failure_and_the_rest_is_registered() {
    let mut behaviour = Behaviour::default();
    let mut zone2 = tablet_in(
        "commerce",
        "0",
        300,
        "db9.example.com",
        3306,
        TabletType::Replica,
    );
    zone2.alias.as_mut().unwrap().cell = "zone2".into();
    behaviour.tablets.push(zone2);
    behaviour.unreadable_cells = vec!["zone2".into()];
    let fake = FakeVtctld::start(behaviour);
    let orc = FakeOrchestrator::start(orchestrator());
    let out = run(&mut discover(&fake, &orc.url));
    out.assert_code(70);
    assert!(
        out.stderr
            .contains("error: vtctld: the tablet list is partial (")
            && out
                .stderr
                .contains("node doesn't exist: /vitess/zone2/tablets"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("registered what vtctld could read; no alias set, nothing forgotten"),
        "{out:?}"
    );
    // zone1's instances still get their rules; no alias is set from a partial list.
    assert_eq!(orc.state().rules.len(), 6, "{out:?}");
    assert!(orc.state().aliases.is_empty(), "{out:?}");
    let strictness: Vec<bool> = fake
        .received_for("/vtctlservice.Vtctld/GetTablets")
        .iter()
        .map(|r| r.strict)
        .collect();
    assert_eq!(strictness, [true, false]);

    // One shard: vtctld's "partial result".
    let out = run(discover(&fake, &orc.url).args(["--keyspace", "commerce", "--shard", "0"]));
    out.assert_code(70);
    assert!(
        out.stderr
            .contains("GetTabletMapForShard(commerce, 0) failed: partial result: zone2"),
        "{out:?}"
    );
}

#[test]
fn every_phase_stops_within_a_second_of_a_signal() {
    for (phase, signal, code) in [
        ("discover", "TERM", 143),
        ("set-cluster-alias", "INT", 130),
        ("all-instances", "TERM", 143),
        ("forget", "TERM", 143),
    ] {
        let fake = FakeVtctld::start(Behaviour::default());
        let mut state = orchestrator();
        // Something to forget, in a cluster that already carries our alias.
        state.instances.push(("db9.example.com".into(), 3306));
        state
            .clusters
            .insert("db9.example.com:3306".into(), "db1.example.com:3306".into());
        state
            .unreached
            .insert("db9.example.com:3306".into(), Some(3600));
        state
            .aliases
            .insert("db1.example.com:3306".into(), "commerce.0".into());
        state.hang_on = vec![phase.into()];
        let orc = FakeOrchestrator::start(state);
        let child = discover(&fake, &orc.url)
            .args(["--forget-missing", "--orc-timeout", "60s"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let prefix = format!("/api/{phase}");
        while !orc.seen().iter().any(|s| s.target.starts_with(&prefix))
            && started.elapsed() < Duration::from_secs(30)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        send_signal(&child, signal);
        // Far below the 60 s timeout of the hung call: the signal ends it.
        let out = wait_within(child, Duration::from_secs(10));
        out.assert_code(code);
        assert!(
            out.stderr.contains(&format!("SIG{signal}")),
            "{phase}: {out:?}"
        );
    }
}

#[test]
#[allow(
    clippy::zombie_processes,
    reason = "waited for by wait4, for its rusage"
)]
fn a_huge_listing_is_refused_in_little_memory() {
    use std::io::Read;
    let fake = FakeVtctld::start(Behaviour::default());
    let mut state = orchestrator();
    state
        .aliases
        .insert("db1.example.com:3306".into(), "commerce.0".into());
    state.huge = Some(300_000_000);
    let orc = FakeOrchestrator::start(state);
    let mut child = discover(&fake, &orc.url)
        .args(["--forget-missing", "--orc-timeout", "10m"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).unwrap();
        text
    });
    let mut errors = String::new();
    stderr.read_to_string(&mut errors).unwrap();
    let (status, peak_kib) = wait_with_peak_rss(&child);
    let stdout = out.join().unwrap();
    assert_eq!(status, 70, "{stdout}\n{errors}");
    assert!(
        errors.contains(
            "all-instances: not Orchestrator's JSON: an answer larger than 268435456 bytes"
        ),
        "{errors}"
    );
    eprintln!("peak RSS of discover reading a 300 MB answer: {peak_kib} KiB");
    assert!(peak_kib < 64 * 1024, "peak RSS {peak_kib} KiB");

    // Announced, it is refused before a byte of it is read.
    orc.state().huge_announced = true;
    let out = run(discover(&fake, &orc.url).arg("--forget-missing"));
    out.assert_code(70);
    assert!(
        out.stderr.contains(
            "all-instances: not Orchestrator's JSON: an answer of 300000000 bytes, more than the \
             268435456 bytes allowed; nothing read"
        ),
        "{out:?}"
    );
}

/// Waits for the child and returns its exit status and its own peak RSS in KiB, as the kernel
/// counted it (`wait4`'s `ru_maxrss`).
#[allow(unsafe_code)]
fn wait_with_peak_rss(child: &std::process::Child) -> (i32, i64) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own unwaited child; both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    assert!(libc::WIFEXITED(status), "status {status}");
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}
