//! The built hook against Vitess's own vtctld server code (tests/interop: vitess.io/vitess
//! v0.24.4, grpcvtctldserver and grpcvtctlserver over the in-memory topology, tablets reached
//! through Vitess's gRPC tablet-manager client), and what that vtctld really answers.

use std::path::Path;
use std::time::Duration;

use crate::support::hook::{attempt_statuses, log_in, records, run, temp_dir};
use crate::support::interop::{RealVtctld, demo_fleet, fleet, tablet};
use crate::support::scenario::{Failover, Server, failover};
use crate::support::tls::TestPki;
use orc_vitess_hook::proto::topodata::TabletType;
use orc_vitess_hook::proto::vtctldata::GetTabletsRequest;
use serde_json::{Value, json};
use tonic::Code;

fn demo() -> RealVtctld {
    RealVtctld::start(&fleet(demo_fleet()), &[])
}

/// The failover as these tests send it to `server`: from the environment, JSON output and log.
fn against(server: impl Server, log: &Path) -> Failover {
    failover()
        .recovery_uid("r-interop")
        .output_json()
        .server(server)
        .log(log)
}

fn last(log: &Path) -> Value {
    records(log).pop().expect("a record")
}

// What vtctld really answers (the README's table is written from these).

#[test]
fn interop_vtctld_answers_a_reparent_with_keyspace_shard_and_both_primaries() {
    let vtctld = demo();
    let answer = vtctld.reparent(101).expect("TER");
    assert_eq!(
        (answer.keyspace.as_str(), answer.shard.as_str()),
        ("commerce", "0")
    );
    assert_eq!(answer.new_primary.map(|a| a.uid), Some(101));
    assert_eq!(answer.old_primary.map(|a| a.uid), Some(100));
    assert_eq!(vtctld.type_of(101), TabletType::Primary as i32);
    // The old primary's record is left PRIMARY (its vttablet, dead, never hears of it), and
    // GetTablets reports such a stale primary as UNKNOWN.
    assert_eq!(vtctld.type_of(100), TabletType::Unknown as i32);

    // Again: a no-op, and the old primary is now the new one (from the shard record).
    let again = vtctld.reparent(101).expect("TER again");
    assert_eq!(again.old_primary.map(|a| a.uid), Some(101));
}

#[test]
fn interop_vtctld_answers_unknown_tablets_and_shards_with_unknown_node_doesnt_exist() {
    let vtctld = demo();
    let unknown = vtctld.reparent(999).expect_err("no such tablet");
    assert_eq!(unknown.code(), Code::Unknown);
    assert_eq!(
        unknown.message(),
        "node doesn't exist: tablets/zone1-0000000999/Tablet"
    );

    let unknown = vtctld.get_tablet(999).expect_err("no such tablet");
    assert_eq!(unknown.code(), Code::Unknown);
    assert_eq!(
        unknown.message(),
        "node doesn't exist: tablets/zone1-0000000999/Tablet"
    );

    let shard = vtctld
        .call(async |mut c| {
            c.get_tablets(GetTabletsRequest {
                keyspace: "commerce".into(),
                shard: "nope".into(),
                ..GetTabletsRequest::default()
            })
            .await
        })
        .expect_err("no such shard");
    assert_eq!(shard.code(), Code::Unknown);
    assert_eq!(
        shard.message(),
        "GetTabletMapForShard(commerce, nope) failed: node doesn't exist: \
         keyspaces/commerce/shards/nope/Shard"
    );
}

#[test]
fn interop_the_legacy_api_is_still_served_and_answers_like_vtctlclient() {
    let vtctld = demo();
    let (lines, ended) = vtctld.legacy(&["TabletExternallyReparented", "zone1-0000000101"]);
    ended.expect("legacy TER");
    assert!(lines.is_empty(), "v0.24 streams no lines for it: {lines:?}");
    assert_eq!(vtctld.type_of(101), TabletType::Primary as i32);

    let (lines, ended) = vtctld.legacy(&["TabletExternallyReparented", "zone1-0000000999"]);
    let status = ended.expect_err("no such tablet");
    assert!(lines.is_empty(), "{lines:?}");
    assert_eq!(status.code(), Code::Unknown);
    assert!(
        status
            .message()
            .contains("node doesn't exist: tablets/zone1-0000000999/Tablet"),
        "{status:?}"
    );
}

#[test]
fn interop_vtctld_filters_gettablets_by_keyspace_and_shard_strict_or_not() {
    let vtctld = demo();
    for strict in [false, true] {
        let listed = |keyspace: &str, shard: &str| {
            vtctld
                .call(async |mut c| {
                    c.get_tablets(GetTabletsRequest {
                        keyspace: keyspace.into(),
                        shard: shard.into(),
                        strict,
                        ..GetTabletsRequest::default()
                    })
                    .await
                })
                .expect("GetTablets")
                .into_inner()
                .tablets
                .len()
        };
        assert_eq!(listed("", ""), 6, "strict={strict}");
        assert_eq!(listed("commerce", "0"), 3, "strict={strict}");
        assert_eq!(listed("customer", ""), 3, "strict={strict}");
    }
}

// The hook against it.

#[test]
fn interop_the_hook_reparents_through_the_typed_api() {
    let vtctld = demo();
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = against(&vtctld, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .run();
    out.assert_code(0);
    let record = last(&log);
    assert_eq!(record["new_primary"], "zone1-0000000101");
    assert_eq!(record["old_primary"], "zone1-0000000100");
    assert_eq!(
        (record["keyspace"].as_str(), record["shard"].as_str()),
        (Some("commerce"), Some("0"))
    );
    assert_eq!(
        attempt_statuses(&record),
        [
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:OK"
        ]
    );
    assert_eq!(vtctld.type_of(101), TabletType::Primary as i32);

    // Another recovery of the same failover (the same one again is a `duplicate`): the real
    // vtctld confirms.
    let out = against(&vtctld, &log)
        .recovery_uid("r-interop-again")
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .run();
    out.assert_code(0);
    assert!(
        out.json()["message"]
            .as_str()
            .unwrap()
            .contains("(already was)"),
        "{out:?}"
    );
}

#[test]
fn interop_the_hook_reparents_through_the_legacy_api() {
    let vtctld = demo();
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = against(&vtctld, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .args(["--api", "vtctl", "-v"])
        .run();
    out.assert_code(0);
    // --api vtctl: the look-up goes through the legacy API too.
    assert_eq!(
        attempt_statuses(&last(&log)),
        [
            "ListTablets vtctl:OK",
            "TabletExternallyReparented vtctl:OK"
        ]
    );
    assert_eq!(vtctld.type_of(101), TabletType::Primary as i32);
}

#[test]
fn interop_the_legacy_listings_read_back_as_gettablets_answers() {
    // What v0.24's vtctl prints, pinned: one line a tablet, a primary term on primaries only.
    let mut tablets = demo_fleet();
    tablets.push(json!({
        "alias": "zone1-103",
        "keyspace": "commerce",
        "shard": "0",
        "type": "REPLICA",
        "mysql_hostname": "",
        "mysql_port": 0,
        "port_map": {"mysql": 17102},
        "hostname": "db7.example.com",
    }));
    let vtctld = RealVtctld::start(&fleet(tablets), &[]);
    let (lines, ended) = vtctld.legacy(&["ListShardTablets", "commerce/0"]);
    ended.expect("ListShardTablets");
    let first = lines[0].trim_end();
    let fields: Vec<&str> = first.split(' ').collect();
    assert_eq!(
        fields[..6],
        [
            "zone1-0000000100",
            "commerce",
            "0",
            "primary",
            "127.0.0.1:0",
            "db1.example.com:3306"
        ],
        "{first}"
    );
    assert_eq!(fields[6], "[]", "{first}");
    assert!(
        chrono::DateTime::parse_from_rfc3339(fields[7]).is_ok(),
        "{first}"
    );
    assert!(lines[1].trim_end().ends_with(" [] <null>"), "{lines:?}");

    // Read back, every listing is what GetTablets answers (alias, place, type, MySQL, term).
    let key = |t: &orc_vitess_hook::proto::topodata::Tablet| {
        let (host, port) = orc_vitess_hook::tablet::mysql_endpoint(t);
        (
            t.alias.as_ref().map(|a| (a.cell.clone(), a.uid)),
            t.keyspace.clone(),
            t.shard.clone(),
            t.r#type,
            host.to_owned(),
            port,
            t.primary_term_start_time.as_ref().map(|p| p.seconds),
        )
    };
    let mut typed: Vec<_> = vtctld.tablets().iter().map(key).collect();
    typed.sort();
    // An old record that keeps its MySQL port only in port_map is printed without a MySQL
    // address (vtctl's MysqlAddr does not fall back to it): such a tablet matches nothing
    // through the legacy listings, so it is never chosen there.
    let old = typed
        .iter_mut()
        .find(|t| t.0 == Some(("zone1".to_owned(), 103)))
        .expect("tablet 103");
    (old.4, old.5) = (String::new(), 0);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("zone1-0000000103 ") && l.contains(" :0 [] ")),
        "{lines:?}"
    );
    let (all, ended) = vtctld.legacy(&["ListAllTablets"]);
    ended.expect("ListAllTablets");
    let mut legacy: Vec<_> = orc_vitess_hook::vtctld::legacy_listing::parse(&all)
        .expect("every line reads")
        .iter()
        .map(key)
        .collect();
    legacy.sort();
    assert_eq!(legacy, typed);
    let shard = orc_vitess_hook::vtctld::legacy_listing::parse(&lines).expect("every line reads");
    assert_eq!(shard.len(), 4, "{lines:?}");
}

#[test]
fn interop_the_look_up_works_on_real_records_old_ones_included() {
    // An old record: no mysql_hostname/mysql_port, the host in `hostname` (where its tablet
    // manager listens too), the MySQL port only in port_map.
    let mut tablets = demo_fleet();
    let mut old = tablet(103, "commerce", "0", "REPLICA", "");
    old["mysql_port"] = json!(0);
    old["hostname"] = json!("127.0.0.1");
    old["port_map"] = json!({"mysql": 17100});
    tablets.push(old);
    let vtctld = RealVtctld::start(&fleet(tablets), &[]);
    let listed = vtctld.tablets();
    let record = listed
        .iter()
        .find(|t| t.alias.as_ref().is_some_and(|a| a.uid == 103))
        .unwrap();
    assert_eq!((record.mysql_hostname.as_str(), record.mysql_port), ("", 0));
    assert_eq!(record.port_map.get("mysql"), Some(&17100));

    let dir = temp_dir();
    let log = log_in(&dir);
    against(&vtctld, &log)
        .failed("db1.example.com", 3306)
        .successor("127.0.0.1", 17100)
        .run()
        .assert_code(0);
    let record = last(&log);
    assert_eq!(record["alias"], "zone1-0000000103");
    assert_eq!(
        record["tablet"],
        "zone1-0000000103 (REPLICA, mysql 127.0.0.1:17100, commerce/0)"
    );
    assert_eq!(vtctld.type_of(103), TabletType::Primary as i32);
}

#[test]
fn interop_the_safety_rules_hold_on_real_records() {
    let vtctld = demo();
    let dir = temp_dir();
    let log = log_in(&dir);
    // Another keyspace's replica, an RDONLY, a DRAINED: refused, nothing sent.
    for (failed, successor, why) in [
        (
            "db1.example.com",
            "db2.other.net",
            "no tablet of commerce/0 has MySQL at db2.other.net:3306",
        ),
        (
            "db1.example.com",
            "db3.example.com",
            "is RDONLY, not a REPLICA",
        ),
        (
            "db4.example.com",
            "db6.example.com",
            "is DRAINED, not a REPLICA",
        ),
        (
            "db1.example.com",
            "db1.example.com",
            "is the failed primary itself",
        ),
        // Orchestrator names an RDONLY as the failed primary: commerce/0's live PRIMARY stays.
        (
            "db3.example.com",
            "db2.example.com",
            "not the shard's PRIMARY",
        ),
    ] {
        let out = against(&vtctld, &log)
            .failed(failed, 3306)
            .successor(successor, 3306)
            .run();
        out.assert_code(65);
        assert!(out.stderr.contains(why), "{out:?}");
        assert_eq!(last(&log)["outcome"], "rejected");
    }
    // Nothing changed in vtctld.
    assert_eq!(vtctld.type_of(100), TabletType::Primary as i32);
    assert_eq!(vtctld.type_of(200), TabletType::Primary as i32);
    assert_eq!(vtctld.type_of(102), TabletType::Rdonly as i32);
}

#[test]
fn interop_a_cluster_alias_filters_the_list_and_one_that_names_no_shard_falls_back_to_the_fleet() {
    let vtctld = demo();
    let dir = temp_dir();
    let log = log_in(&dir);
    against(&vtctld, &log)
        .failed("db4.example.com", 3306)
        .successor("db2.other.net", 3306)
        .cluster_alias("customer.-80")
        .run()
        .assert_code(0);
    assert_eq!(vtctld.type_of(201), TabletType::Primary as i32);
    let record = last(&log);
    assert_eq!(
        attempt_statuses(&record),
        [
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:OK"
        ],
        "one strict call of every cell"
    );
    // A short name: the same one listing shows no better match anywhere.
    let vtctld = demo();
    against(&vtctld, &log)
        .recovery_uid("r-interop-short")
        .failed("db4.example.com", 3306)
        .successor("db2", 3306)
        .cluster_alias("customer.-80")
        .run()
        .assert_code(0);
    assert_eq!(vtctld.type_of(201), TabletType::Primary as i32);
    assert_eq!(
        attempt_statuses(&last(&log)),
        [
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:OK"
        ]
    );

    // An alias shaped like keyspace.shard that names no shard vtctld has: set aside.
    let vtctld = demo();
    against(&vtctld, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .cluster_alias("orders.primary")
        .run()
        .assert_code(0);
    let record = last(&log);
    assert_eq!(
        attempt_statuses(&record),
        [
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:OK"
        ]
    );
    assert!(
        record["notes"]
            .to_string()
            .contains("which has no tablet in vtctld's list"),
        "{record}"
    );
}

#[test]
fn interop_a_tablet_whose_vttablet_is_down_or_slow_is_retried_until_the_deadline() {
    let mut tablets = demo_fleet();
    for (uid, host, mode) in [
        (103, "db7.example.com", "down"),
        (104, "db8.example.com", "slow"),
    ] {
        let mut t = tablet(uid, "commerce", "0", "REPLICA", host);
        t["tablet_manager"] = json!(mode);
        tablets.push(t);
    }
    let vtctld = RealVtctld::start(&fleet(tablets), &[]);
    for successor in ["db7.example.com", "db8.example.com"] {
        let dir = temp_dir();
        let log = log_in(&dir);
        let out = against(&vtctld, &log)
            .failed("db1.example.com", 3306)
            .successor(successor, 3306)
            .args(["--deadline", "2s", "--attempt-timeout", "700ms"])
            .run_within(Duration::from_secs(30));
        out.assert_code(75);
        let statuses = attempt_statuses(&last(&log));
        assert_eq!(statuses[0], "GetTablets vtctld:OK");
        assert!(statuses.len() >= 3, "retried: {statuses:?}");
        // vtctld waits for the tablet manager as long as the call may last, so the attempt
        // times out here (or, when vtctld gives up at the same moment, its cancelled call ends
        // the stream): never a refusal, always retried.
        let reparents = &statuses[1..];
        assert!(
            reparents.iter().all(|s| s.starts_with("TabletExternallyReparented vtctld:")
                && !s.ends_with(":OK")),
            "{statuses:?}"
        );
        assert!(
            reparents.iter().any(|s| s.ends_with(":TIMEOUT")),
            "{statuses:?}"
        );
    }
    assert_eq!(
        vtctld.type_of(100),
        TabletType::Primary as i32,
        "nothing changed"
    );
}

fn static_auth(dir: &Path) -> Vec<String> {
    let users = dir.join("users.json");
    std::fs::write(&users, r#"[{"Username": "orc", "Password": "s3cret"}]"#).unwrap();
    vec![
        "--grpc-auth-mode=static".into(),
        format!("--grpc-auth-static-password-file={}", users.display()),
    ]
}

fn creds(dir: &Path, password: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(format!("creds-{password}.json"));
    std::fs::write(
        &path,
        format!(r#"{{"Username": "orc", "Password": "{password}"}}"#),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path.display().to_string()
}

#[test]
fn interop_vitess_static_auth_right_missing_and_wrong_credentials() {
    let dir = temp_dir();
    let vtctld = RealVtctld::start(&fleet(demo_fleet()), &static_auth(dir.path()));
    let log = log_in(&dir);

    let out = against(&vtctld, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .run();
    out.assert_code(77);
    assert!(
        out.stderr
            .contains("UNAUTHENTICATED: username and password must be provided"),
        "{out:?}"
    );

    let out = against(&vtctld, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .args(["--auth-static-creds", &creds(dir.path(), "wrong")])
        .run();
    out.assert_code(77);
    assert!(
        out.stderr.contains(
            r#"PERMISSION_DENIED: auth failure: caller "orc" provided invalid credentials"#
        ),
        "{out:?}"
    );

    against(&vtctld, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .args(["--auth-static-creds", &creds(dir.path(), "s3cret")])
        .run()
        .assert_code(0);
}

fn tls_flags(pki: &TestPki, mutual: bool) -> Vec<String> {
    let server = pki.server(mutual);
    let cert = pki.write("server.pem", &server.cert_pem);
    let key = pki.write("server.key", &server.key_pem);
    let mut flags = vec![
        format!("--tls-cert={}", cert.display()),
        format!("--tls-key={}", key.display()),
    ];
    if mutual {
        flags.push(format!("--tls-ca={}", pki.path("ca.pem").display()));
    }
    flags
}

#[test]
fn interop_vitess_tls_right_ca_wrong_ca_and_plain_text() {
    let pki = TestPki::new();
    let vtctld = RealVtctld::start(&fleet(demo_fleet()), &tls_flags(&pki, false));
    let port = vtctld.addr.rsplit_once(':').unwrap().1.to_owned();
    let server = format!("127.0.0.1:{port}");
    let dir = temp_dir();
    let log = log_in(&dir);

    let out = against(&server, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .args(["--tls-ca", pki.path("other-ca.pem").to_str().unwrap()])
        .run();
    out.assert_code(77);
    assert!(out.stderr.contains("invalid peer certificate"), "{out:?}");

    // Plain text at Go's TLS, which closes the connection without a word: the probe's TLS
    // ClientHello gets its certificate. Two rounds, then 69, long before the deadline.
    let out = against(&server, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .args(["--deadline", "30s"])
        .run();
    out.assert_code(69);
    assert!(
        out.stderr.contains(
            "speaks TLS (it answered with its certificate, in answer to a TLS ClientHello) but \
             no --tls-ca/--vtctld-grpc-ca was given"
        ),
        "{out:?}"
    );
    assert_eq!(records(&log).last().unwrap()["attempts"], 2, "{out:?}");

    against(&server, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .args(["--tls-ca", pki.path("ca.pem").to_str().unwrap()])
        .run()
        .assert_code(0);
}

#[test]
fn interop_vitess_mutual_tls() {
    let pki = TestPki::new();
    let vtctld = RealVtctld::start(&fleet(demo_fleet()), &tls_flags(&pki, true));
    let port = vtctld.addr.rsplit_once(':').unwrap().1.to_owned();
    let server = format!("127.0.0.1:{port}");
    let dir = temp_dir();
    let log = log_in(&dir);
    let ca = pki.path("ca.pem");
    // Without a client certificate the handshake is refused after ours (TLS 1.3): calls see a
    // dead connection, the probe connection Go's alert. Two rounds, then 77, long before the
    // deadline.
    let out = against(&server, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .args(["--deadline", "30s", "--tls-ca", ca.to_str().unwrap()])
        .run();
    out.assert_code(77);
    assert!(
        out.stderr
            .contains("refused the TLS handshake (received fatal alert: "),
        "{out:?}"
    );
    assert_eq!(records(&log).last().unwrap()["attempts"], 2, "{out:?}");
    against(&server, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .args([
            "--tls-ca",
            ca.to_str().unwrap(),
            "--tls-cert",
            pki.path("client.pem").to_str().unwrap(),
            "--tls-key",
            pki.path("client.key").to_str().unwrap(),
        ])
        .run()
        .assert_code(0);
}

#[test]
fn interop_a_transient_tablet_manager_failure_is_retried_until_it_succeeds() {
    let mut tablets = demo_fleet();
    let mut flaky = tablet(105, "commerce", "0", "REPLICA", "db5.example.com");
    flaky["tablet_manager"] = json!("fail:2");
    tablets.push(flaky);
    let vtctld = RealVtctld::start(&fleet(tablets.clone()), &[]);
    // What vtctld answers while vttablet fails: its error, as a plain Go error.
    let answer = vtctld.reparent(105).expect_err("the tablet manager fails");
    assert_eq!(answer.code(), Code::Unknown);
    assert_eq!(
        answer.message(),
        "rpc error: code = Unavailable desc = TabletManager.ChangeType on zone1-0000000105: \
         mysqld is not reachable"
    );

    let vtctld = RealVtctld::start(&fleet(tablets), &[]);
    let dir = temp_dir();
    let log = log_in(&dir);
    against(&vtctld, &log)
        .failed("db1.example.com", 3306)
        .successor("db5.example.com", 3306)
        .run()
        .assert_code(0);
    assert_eq!(
        attempt_statuses(&last(&log)),
        [
            "GetTablets vtctld:OK",
            "TabletExternallyReparented vtctld:UNKNOWN",
            "TabletExternallyReparented vtctld:UNKNOWN",
            "TabletExternallyReparented vtctld:OK"
        ]
    );
    assert_eq!(vtctld.type_of(105), TabletType::Primary as i32);
}

#[test]
fn interop_a_shard_listing_over_an_unreadable_cell() {
    let mut tablets = demo_fleet();
    tablets.push(crate::support::interop::tablet_in_cell(
        "zone2",
        300,
        "commerce",
        "0",
        "REPLICA",
        "db9.example.com",
    ));
    let mut f = fleet(tablets);
    f["cells"] = json!(["zone1", "zone2"]);
    f["unreadable_cells"] = json!(["zone2"]);
    let vtctld = RealVtctld::start(&f, &[]);
    let shard = |strict: bool| {
        vtctld
            .call(async |mut c| {
                c.get_tablets(GetTabletsRequest {
                    keyspace: "commerce".into(),
                    shard: "0".into(),
                    strict,
                    ..GetTabletsRequest::default()
                })
                .await
            })
            .map(|r| r.into_inner().tablets.len())
    };
    // Not strict: what can be read, silently without zone2's tablet.
    assert_eq!(shard(false).expect("partial list"), 3);
    // Strict: the failure, as a plain Go error.
    let refused = shard(true).expect_err("strict");
    assert_eq!(refused.code(), Code::Unknown);
    assert_eq!(
        refused.message(),
        "GetTabletMapForShard(commerce, 0) failed: partial result: zone2"
    );
}

#[test]
fn interop_auto_falls_back_on_a_legacy_only_vtctld_and_a_typed_only_one_refuses_legacy() {
    let legacy_only = RealVtctld::start(&fleet(demo_fleet()), &["--services=vtctl".to_owned()]);
    let dir = temp_dir();
    let log = log_in(&dir);
    // No GetTablets: the legacy ListAllTablets proves the successor by the same rules.
    against(&legacy_only, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .successor_alias("zone1-0000000101")
        .run()
        .assert_code(0);
    let record = last(&log);
    assert_eq!(record["verification"], "verified");
    assert_eq!(
        attempt_statuses(&record),
        [
            "GetTablets vtctld:UNIMPLEMENTED",
            "ListTablets vtctl:OK",
            "TabletExternallyReparented vtctl:OK"
        ]
    );
    // Orchestrator's alias naming another keyspace's tablet, or the failed primary: refused.
    let legacy_only = RealVtctld::start(&fleet(demo_fleet()), &["--services=vtctl".to_owned()]);
    for alias in ["zone1-0000000201", "zone1-0000000100"] {
        let out = against(&legacy_only, &log)
            .failed("db1.example.com", 3306)
            .successor("db2.example.com", 3306)
            .successor_alias(alias)
            .run();
        out.assert_code(65);
        assert!(out.stderr.contains("the alias may be stale"), "{out:?}");
    }

    let typed_only = RealVtctld::start(&fleet(demo_fleet()), &["--services=vtctld".to_owned()]);
    let (_, ended) = typed_only.legacy(&["TabletExternallyReparented", "zone1-0000000101"]);
    let status = ended.expect_err("no legacy service");
    assert_eq!(
        (status.code(), status.message()),
        (Code::Unimplemented, "unknown service vtctlservice.Vtctl")
    );
    let out = against(&typed_only, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .args(["--api", "vtctl"])
        .run();
    out.assert_code(70);
    assert!(
        out.stderr.contains("unknown service vtctlservice.Vtctl"),
        "{out:?}"
    );
}

#[test]
fn interop_check_reads_the_real_vtctld() {
    let vtctld = demo();
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(crate::support::hook::hook()
        .args([
            "check",
            "--server",
            &vtctld.addr,
            "--tablet",
            "zone1-202",
            "--log-file",
        ])
        .arg(&log));
    out.assert_code(65);
    assert!(
        out.stdout.contains("typed Vtctld API") && out.stdout.contains("legacy Vtctl API"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("customer/-80 DRAINED, mysql db6.example.com:3306"),
        "{out:?}"
    );

    let legacy_only = RealVtctld::start(&fleet(demo_fleet()), &["--services=vtctl".to_owned()]);
    let out = run(crate::support::hook::hook()
        .args(["check", "--server", &legacy_only.addr, "--log-file"])
        .arg(&log));
    out.assert_code(0);
    assert!(
        out.stdout.contains("legacy Vtctl API") && !out.stdout.contains("typed"),
        "{out:?}"
    );
}
