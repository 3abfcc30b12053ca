//! Only the failed shard's own promotable replica becomes primary: the built binary against the
//! fake vtctld's two-keyspace demo fleet (see `fake_vtctld::demo_tablets`).

use std::path::Path;

use crate::support::fake_vtctld::{Behaviour, FakeVtctld, large_fleet};
use crate::support::hook::{Run, log_in, records, temp_dir};
use crate::support::scenario::{Failover, Server, failover};
use orc_vitess_hook::proto::topodata::TabletType;
use serde_json::Value;

const TYPED: &str = "/vtctlservice.Vtctld/TabletExternallyReparented";
const LEGACY: &str = "/vtctlservice.Vtctl/ExecuteVtctlCommand";
const GET_TABLETS: &str = "/vtctlservice.Vtctld/GetTablets";

/// The failover as these tests send it against `server`: from the environment, with
/// `ORC_IS_MASTER=true`, JSON output and log.
fn against(server: impl Server, log: &Path) -> Failover {
    failover()
        .master()
        .recovery_uid("r-safety")
        .output_json()
        .server(server)
        .log(log)
}

fn last(log: &Path) -> Value {
    records(log).pop().expect("a record")
}

/// A refusal: 65, one line on stderr naming the shard, a `rejected` record, nothing sent.
fn assert_refused(out: &Run, log: &Path, fake: &FakeVtctld, needle: &str) -> Value {
    out.assert_code(65);
    let line = out.stderr.trim_end();
    assert_eq!(line.lines().count(), 1, "{out:?}");
    assert!(line.contains(needle), "{needle:?} not in {line}");
    assert!(fake.received_for(TYPED).is_empty(), "nothing reparented");
    assert!(fake.legacy_reparents().is_empty(), "nothing reparented");
    let record = last(log);
    assert_eq!(record["outcome"], "rejected");
    assert_eq!(record["exit_status"], 65);
    assert_eq!(record["error"].as_str(), line.strip_prefix("error: "));
    record
}

#[test]
fn a_tablet_of_another_keyspace_is_never_made_primary() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    // commerce/0's primary died; Orchestrator (wrongly) names customer/-80's replica.
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.other.net", 3306)
        .successor_alias("zone1-0000000201")
        .run();
    let record = assert_refused(
        &out,
        &log,
        &fake,
        "refusing to reparent commerce/0: no tablet of commerce/0 has MySQL at db2.other.net:3306",
    );
    assert_eq!(record["failed_shard"], "commerce/0");
    assert!(
        record["candidates"][1]
            .as_str()
            .unwrap()
            .starts_with("zone1-0000000101"),
        "{record}"
    );

    // The alias alone (a manual run naming the failed primary) is checked the same way.
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor_alias("zone1-0000000201")
        .run();
    assert_refused(
        &out,
        &log,
        &fake,
        "zone1-0000000201 is not a tablet of commerce/0",
    );
}

#[test]
fn a_short_name_is_looked_up_inside_the_failed_shard_only() {
    // "db2" is db2.example.com in commerce/0 and db2.other.net in customer/-80.
    for (failed, expected) in [
        ("db4.example.com", "zone1-0000000201"),
        ("db1.example.com", "zone1-0000000101"),
    ] {
        let fake = FakeVtctld::start(Behaviour::default());
        let dir = temp_dir();
        let log = log_in(&dir);
        against(&fake, &log)
            .failed(failed, 3306)
            .successor("db2", 3306)
            .run()
            .assert_code(0);
        assert_eq!(fake.reparented(), [expected]);
        let record = last(&log);
        assert_eq!(record["alias"], expected);
        assert_eq!(record["alias_source"], "lookup");
    }
}

#[test]
fn non_serving_types_need_the_operators_permission() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db3.example.com", 3306)
        .run();
    let record = assert_refused(
        &out,
        &log,
        &fake,
        "is RDONLY, not a REPLICA; if it really may become primary, allow it with --allow-type \
         RDONLY (ORC_VITESS_HOOK_ALLOW_TYPES=RDONLY)",
    );
    assert_eq!(record["failed_shard"], "commerce/0");

    // Allowed by flag (Vitess's alias BATCH works too) or by variable, it goes through.
    against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db3.example.com", 3306)
        .args(["--allow-type", "BATCH"])
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000102"]);
    assert_eq!(last(&log)["allowed_types"], serde_json::json!(["RDONLY"]));

    let fake = FakeVtctld::start(Behaviour::default());
    let out = against(&fake, &log)
        .failed("db4.example.com", 3306)
        .successor("db6.example.com", 3306)
        .run();
    assert_refused(&out, &log, &fake, "is DRAINED, not a REPLICA");
    against(&fake, &log)
        .failed("db4.example.com", 3306)
        .successor("db6.example.com", 3306)
        .env("ORC_VITESS_HOOK_ALLOW_TYPES", "rdonly,drained")
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000202"]);

    // A type name that is no type is a configuration error, before anything is sent.
    let out = against(&fake, &log)
        .failed("db4.example.com", 3306)
        .successor("db6.example.com", 3306)
        .args(["--allow-type", "PRIMARYISH"])
        .run();
    out.assert_code(78);
    assert!(
        out.stderr
            .contains(r#"--allow-type / ORC_VITESS_HOOK_ALLOW_TYPES: "PRIMARYISH""#),
        "{out:?}"
    );
    assert_eq!(last(&log)["outcome"], "rejected");
}

#[test]
fn the_tablet_that_already_is_primary_is_confirmed_not_refused() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .run()
        .assert_code(0);
    // Another recovery of the same failover (one this host has not settled; the same recovery
    // again is a `duplicate`, see turns.rs): 101 is PRIMARY now. The call is repeated (a no-op
    // vtctld confirms) and the record says so.
    let out = against(&fake, &log)
        .recovery_uid("r-safety-again")
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .run();
    out.assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101", "zone1-0000000101"]);
    let record = last(&log);
    assert_eq!(record["tablet_type"], "PRIMARY");
    assert!(
        record["notes"][0]
            .as_str()
            .unwrap()
            .contains("already the primary"),
        "{record}"
    );
    let message = out.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("zone1-0000000101 is primary (already was)"),
        "{message}"
    );
}

#[test]
fn one_strict_listing_of_every_cell_settles_it_cluster_alias_or_not() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    against(&fake, &log)
        .failed("db4.example.com", 3306)
        .successor("db2.other.net", 3306)
        .cluster_alias("customer.-80")
        .run()
        .assert_code(0);
    let listed: Vec<_> = fake
        .received_for(GET_TABLETS)
        .into_iter()
        .map(|r| (r.filter, r.strict))
        .collect();
    // One listing decides; the shard's own, as strict, is only the check for a newer failover
    // before the reparent.
    assert_eq!(
        listed,
        [
            ((String::new(), String::new()), true),
            (("customer".to_owned(), "-80".to_owned()), true)
        ],
        "one call, then the check"
    );
    assert_eq!(fake.reparented(), ["zone1-0000000201"]);
    assert_eq!(last(&log)["shard_basis"], "failed-primary");

    // A short name is settled by the same listing: it shows no better match anywhere.
    let fake = FakeVtctld::start(Behaviour::default());
    against(&fake, &log)
        .recovery_uid("r-safety-short")
        .failed("db4.example.com", 3306)
        .successor("db2", 3306)
        .cluster_alias("customer.-80")
        .run()
        .assert_code(0);
    assert_eq!(fake.received_for(GET_TABLETS).len(), 2);
    assert_eq!(fake.reparented(), ["zone1-0000000201"]);

    // Without a failed host, the alias alone names the shard, whose PRIMARY nothing says has
    // failed: refused. With that record gone (the dead primary vtctld no longer lists), it goes.
    let fake = FakeVtctld::start(Behaviour::default());
    let out = against(&fake, &log)
        .successor("db2.other.net", 3306)
        .cluster_alias("customer.-80")
        .run();
    assert_refused(
        &out,
        &log,
        &fake,
        "customer/-80 has a PRIMARY that nothing says has failed",
    );
    let mut tablets = crate::support::fake_vtctld::demo_tablets();
    tablets.retain(|t| t.mysql_hostname != "db4.example.com");
    let fake = FakeVtctld::start(Behaviour {
        tablets,
        ..Behaviour::default()
    });
    against(&fake, &log)
        .recovery_uid("r-safety-gone")
        .successor("db2.other.net", 3306)
        .cluster_alias("customer.-80")
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000201"]);
    assert_eq!(last(&log)["shard_basis"], "cluster-alias");
}

#[test]
fn a_cluster_alias_that_contradicts_the_failed_primary_is_refused() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2", 3306)
        .cluster_alias("customer.-80")
        .run();
    assert_refused(
        &out,
        &log,
        &fake,
        "the failed primary db1.example.com:3306 is a tablet of commerce/0, but the cluster alias \
         names customer/-80",
    );
}

#[test]
fn a_cluster_alias_never_hides_that_the_failed_primary_matches_several_shards() {
    // Both shards list db1.example.com:3306 as their PRIMARY's MySQL: whichever shard the
    // alias names, vtctld's listing says the failed primary is ambiguous.
    let mut tablets = crate::support::fake_vtctld::demo_tablets();
    for t in &mut tablets {
        if t.mysql_hostname == "db4.example.com" {
            t.mysql_hostname = "db1.example.com".into();
        }
    }
    let dir = temp_dir();
    let log = log_in(&dir);
    for alias in ["commerce.0", "customer.-80"] {
        let fake = FakeVtctld::start(Behaviour {
            tablets: tablets.clone(),
            ..Behaviour::default()
        });
        let out = against(&fake, &log)
            .failed("db1.example.com", 3306)
            .successor("db2.example.com", 3306)
            .cluster_alias(alias)
            .run();
        assert_refused(
            &out,
            &log,
            &fake,
            "matches tablets of several shards (commerce/0, customer/-80)",
        );
    }
}

#[test]
fn a_failed_primary_short_name_naming_two_tablets_is_refused() {
    // "db1" is db1.example.com (a REPLICA) and db1.other.net (the live PRIMARY) of commerce/0.
    let mut tablets = crate::support::fake_vtctld::demo_tablets();
    for t in &mut tablets {
        match t.mysql_hostname.as_str() {
            "db1.example.com" => t.r#type = TabletType::Replica as i32,
            "db3.example.com" => {
                t.mysql_hostname = "db1.other.net".into();
                t.r#type = TabletType::Primary as i32;
            }
            _ => {}
        }
    }
    let fake = FakeVtctld::start(Behaviour {
        tablets,
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = against(&fake, &log)
        .failed("db1", 3306)
        .successor("db2.example.com", 3306)
        .run();
    assert_refused(
        &out,
        &log,
        &fake,
        "the failed primary db1:3306 matches 2 tablets of commerce/0, refusing to guess",
    );
}

#[test]
fn with_a_cell_vtctld_cannot_read_nothing_is_sent_unverified_unless_allowed() {
    // A live PRIMARY of commerce/0 (newer term) sits in zone2, whose topology cannot be read:
    // the strict listing fails, and what the other cells show proves nothing about it.
    let mut behaviour = Behaviour::default();
    let mut live =
        crate::support::fake_vtctld::tablet(300, "db9.example.com", 3306, TabletType::Primary);
    live.alias = Some(crate::support::fake_vtctld::alias("zone2", 300));
    behaviour.tablets.push(live);
    behaviour.primary_terms.insert(("zone2".into(), 300), 5);
    behaviour.unreadable_cells = vec!["zone2".into()];
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(behaviour.clone());
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .run();
    let record = assert_refused(&out, &log, &fake, "vtctld cannot read every cell");
    assert!(out.stderr.contains("--allow-unverified-alias"), "{out:?}");
    assert_eq!(record["verification"], Value::Null);
    // The operator's explicit choice: sent, recorded as unverified.
    let fake = FakeVtctld::start(behaviour);
    against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .arg("--allow-unverified-alias")
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    assert_eq!(last(&log)["verification"], "unverified");
}

/// The demo fleet without commerce/0's primary record, as when the failed primary's tablet
/// record is gone.
fn without_commerce_primary() -> Behaviour {
    let mut behaviour = Behaviour::default();
    behaviour
        .tablets
        .retain(|t| t.mysql_hostname != "db1.example.com");
    behaviour
}

#[test]
fn an_unknown_failed_shard_needs_an_exact_fleet_unique_match() {
    let fake = FakeVtctld::start(without_commerce_primary());
    let dir = temp_dir();
    let log = log_in(&dir);
    // The failed primary's tablet record is gone and Orchestrator's alias is its cluster name.
    against(&fake, &log)
        .failed("gone.example.com", 3306)
        .successor("db2.example.com", 3306)
        .cluster_alias("gone.example.com:3306")
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let record = last(&log);
    assert_eq!(record["shard_basis"], "unknown");
    assert!(
        record["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("exact, fleet-unique")),
        "{record}"
    );

    let fake = FakeVtctld::start(without_commerce_primary());
    let out = against(&fake, &log)
        .failed("gone.example.com", 3306)
        .successor("db2", 3306)
        .run();
    assert_refused(
        &out,
        &log,
        &fake,
        "only short-name matches have MySQL at db2:3306",
    );
}

#[test]
fn an_unknown_failed_shard_never_demotes_a_live_primary() {
    // A wrong failed port: the failed primary is not found, and the successor Orchestrator
    // names matches customer/-80's replica exactly, in a shard whose primary nothing says failed.
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = against(&fake, &log)
        .failed("db1.example.com", 3307)
        .successor("db2.other.net", 3306)
        .run();
    let record = assert_refused(
        &out,
        &log,
        &fake,
        "the successor's shard customer/-80 has a PRIMARY that nothing says has failed",
    );
    assert!(
        record["candidates"][0]
            .as_str()
            .unwrap()
            .starts_with("zone1-0000000200")
    );
}

#[test]
fn the_failed_primary_cannot_be_its_own_successor() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db1.example.com", 3306)
        .run();
    assert_refused(&out, &log, &fake, "is the failed primary itself");
}

#[test]
fn a_legacy_only_vtctld_is_checked_through_its_legacy_listings() {
    let legacy_only = || Behaviour {
        typed: false,
        ..Behaviour::default()
    };
    let dir = temp_dir();
    let log = log_in(&dir);
    // The same rules through ListAllTablets: the right replica goes, by the legacy API.
    let fake = FakeVtctld::start(legacy_only());
    against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let record = last(&log);
    assert_eq!(record["verification"], "verified");
    let rpcs: Vec<&str> = record["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rpc"].as_str().unwrap())
        .filter(|rpc| *rpc != "GetTablets")
        .collect();
    assert_eq!(
        rpcs,
        ["ListTablets", "TabletExternallyReparented"],
        "{record}"
    );

    // Orchestrator's alias naming another keyspace's tablet, or the failed primary itself.
    for alias in ["zone1-0000000201", "zone1-0000000100"] {
        let fake = FakeVtctld::start(legacy_only());
        let out = against(&fake, &log)
            .failed("db1.example.com", 3306)
            .successor("db2.example.com", 3306)
            .successor_alias(alias)
            .run();
        assert_refused(&out, &log, &fake, "the alias may be stale");
    }
    // With a cluster alias too, ListAllTablets: the whole fleet, as far as vtctl reads it.
    let fake = FakeVtctld::start(legacy_only());
    against(&fake, &log)
        .failed("db4.example.com", 3306)
        .successor("db2.other.net", 3306)
        .cluster_alias("customer.-80")
        .run()
        .assert_code(0);
    let listed = fake.received_for(LEGACY);
    assert_eq!(listed[0].args, ["ListAllTablets"]);
    assert_eq!(fake.reparented(), ["zone1-0000000201"]);
    // A short name needs a strict whole-fleet listing, which the legacy API does not have.
    let fake = FakeVtctld::start(legacy_only());
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2", 3306)
        .run();
    assert_refused(
        &out,
        &log,
        &fake,
        "the legacy API has no strict listing of every cell to prove it",
    );
    assert!(out.stderr.contains("--allow-unverified-alias"), "{out:?}");
}

#[test]
fn an_old_vtctld_that_cannot_list_sends_an_alias_only_when_the_operator_allows_it() {
    let old = || Behaviour {
        typed: false,
        legacy_listing: false,
        ..Behaviour::default()
    };
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(old());
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .successor_alias("zone1-0000000101")
        .run();
    assert_refused(
        &out,
        &log,
        &fake,
        "the successor cannot be verified, and only --allow-unverified-alias sends a tablet \
         alias unverified",
    );
    let fake = FakeVtctld::start(old());
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .arg("--allow-unverified-alias")
        .successor_alias("zone1-0000000101")
        .run();
    out.assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let record = last(&log);
    assert_eq!(record["verification"], "unverified");
    let message = out.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("(unverified, as --allow-unverified-alias asks)"),
        "{message}"
    );
    // Without an alias there is nothing to send.
    let fake = FakeVtctld::start(old());
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .arg("--allow-unverified-alias")
        .run();
    assert_refused(&out, &log, &fake, "Orchestrator passed no successor alias");
}

#[test]
fn the_look_up_works_in_a_fleet_of_ten_thousand_tablets() {
    let fake = FakeVtctld::start(Behaviour {
        tablets: large_fleet(2000, 5),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    against(&fake, &log)
        .failed("db-1234-0.example.com", 3306)
        .successor("db-1234-3.example.com", 3306)
        .run()
        .assert_code(0);
    // uid = 10000 + shard × 5 + n
    assert_eq!(fake.reparented(), ["zone1-0000016173"]);
    assert_eq!(last(&log)["failed_shard"], "fleet/s1234");
}

#[test]
fn a_cluster_alias_naming_a_shard_vtctld_does_not_have_is_set_aside() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    // An operator's alias that merely looks like keyspace.shard.
    against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .cluster_alias("orders.primary")
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    // One listing, then the check of commerce/0 before the reparent.
    assert_eq!(fake.received_for(GET_TABLETS).len(), 2);
    let record = last(&log);
    assert_eq!(record["shard_basis"], "failed-primary");
    let notes = record["notes"].to_string();
    assert!(
        notes.contains("which has no tablet in vtctld's list"),
        "{notes}"
    );
}

#[test]
fn an_unknown_failed_shard_is_confirmed_with_a_strict_list() {
    let fake = FakeVtctld::start(without_commerce_primary());
    let dir = temp_dir();
    let log = log_in(&dir);
    against(&fake, &log)
        .failed("gone.example.com", 3306)
        .successor("db2.example.com", 3306)
        .run()
        .assert_code(0);
    // Fleet-unique is only proof on a whole list: vtctld is asked to be strict (and the check
    // before the reparent lists the shard as strictly).
    let strict: Vec<bool> = fake
        .received_for(GET_TABLETS)
        .iter()
        .map(|r| r.strict)
        .collect();
    assert_eq!(strict, [true, true]);
}

#[test]
fn a_stale_failed_primary_never_demotes_the_shards_live_primary() {
    // Orchestrator says db3 (an RDONLY tablet in vtctld) failed; commerce/0's PRIMARY is db1.
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = against(&fake, &log)
        .failed("db3.example.com", 3306)
        .successor("db2.example.com", 3306)
        .run();
    let record = assert_refused(&out, &log, &fake, "not the shard's PRIMARY");
    assert!(
        record["candidates"][0]
            .as_str()
            .unwrap()
            .starts_with("zone1-0000000100")
    );
}

#[test]
fn an_exact_match_in_another_shard_beats_a_short_name_in_the_failed_one() {
    // Orchestrator promoted db2.example.com:3306, which vtctld lists exactly as a REPLICA of
    // customer/-80; commerce/0 (the failed shard) has a tablet whose MySQL host is "db2".
    let mut tablets = crate::support::fake_vtctld::demo_tablets();
    for t in &mut tablets {
        match t.mysql_hostname.as_str() {
            "db2.example.com" => t.mysql_hostname = "db2".into(),
            "db2.other.net" => t.mysql_hostname = "db2.example.com".into(),
            _ => {}
        }
    }
    let dir = temp_dir();
    let log = log_in(&dir);
    for cluster_alias in [None, Some("commerce.0")] {
        let fake = FakeVtctld::start(Behaviour {
            tablets: tablets.clone(),
            ..Behaviour::default()
        });
        let mut scenario = against(&fake, &log)
            .failed("db1.example.com", 3306)
            .successor("db2.example.com", 3306);
        if let Some(alias) = cluster_alias {
            scenario = scenario.cluster_alias(alias);
        }
        let out = scenario.run();
        let record = assert_refused(
            &out,
            &log,
            &fake,
            "a better match for db2.example.com:3306 is a tablet of another shard",
        );
        assert!(
            record["candidates"][0]
                .as_str()
                .unwrap()
                .starts_with("zone1-0000000201"),
            "{record}"
        );
    }
}

#[test]
fn an_unsubstituted_identifying_placeholder_is_refused_unless_allowed() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour::default());
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .failure_type("{failureType}")
        .run();
    let record = assert_refused(&out, &log, &fake, "failure_type={failureType}");
    assert!(out.stderr.contains("--allow-placeholders"), "{out:?}");
    assert_eq!(record["outcome"], "rejected");
    // The successor's placeholders stay unfilled when nothing was promoted: no successor, 65.
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .env("ORC_SUCCESSOR_HOST", "{successorHost}")
        .run();
    out.assert_code(65);
    assert!(!out.stderr.contains("--allow-placeholders"), "{out:?}");
    // Allowed: the failure type counts as absent (a manual run) and the reparent goes ahead.
    against(&fake, &log)
        .failed("{failedHost}", "{failedPort}")
        .successor("db2.example.com", 3306)
        .cluster_alias("commerce.0")
        .failure_type("{failureType}")
        .arg("--allow-placeholders")
        .run()
        .assert_code(65);
    assert!(
        fake.reparented().is_empty(),
        "commerce/0's PRIMARY is alive"
    );
    let fake = FakeVtctld::start(Behaviour::default());
    against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .failure_type("{failureType}")
        .arg("--allow-placeholders")
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
}

#[test]
fn a_dry_run_in_the_environment_is_ignored_and_the_failover_is_real() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour::default());
    let out = against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .env("ORC_VITESS_HOOK_DRY_RUN", "true")
        .run();
    out.assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    assert!(
        out.stderr
            .contains("warning: ORC_VITESS_HOOK_DRY_RUN is ignored"),
        "{out:?}"
    );
    let record = last(&log);
    assert_eq!(record["outcome"], "ok");
    assert!(
        record["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("ORC_VITESS_HOOK_DRY_RUN is ignored")),
        "{record}"
    );
}

#[test]
fn deadmaster_in_any_case_is_a_master_failure() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour::default());
    against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .failure_type("deadmaster")
        .env("ORC_INSTANCE_TYPE", "Master")
        .run()
        .assert_code(0);
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let fake = FakeVtctld::start(Behaviour::default());
    against(&fake, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .failure_type("DeadMaster")
        .env("ORC_INSTANCE_TYPE", "Intermediate-Master")
        .run()
        .assert_code(0);
    assert!(fake.reparented().is_empty());
    assert_eq!(last(&log)["outcome"], "skipped");
}

#[test]
fn an_old_vtctld_first_in_the_list_does_not_stop_the_failover() {
    // The first server's vtctl has no ListAllTablets; the second lists: verified through it.
    let old = FakeVtctld::start(Behaviour {
        typed: false,
        legacy_listing: false,
        ..Behaviour::default()
    });
    let current = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    against(&old, &log)
        .failed("db1.example.com", 3306)
        .successor("db2.example.com", 3306)
        .server(&current)
        .run()
        .assert_code(0);
    // Either server may take the reparent itself (both serve it): exactly one did.
    let mut sent = current.reparented();
    sent.extend(old.reparented());
    assert_eq!(sent, ["zone1-0000000101"]);
    assert_eq!(last(&log)["verification"], "verified");
}
