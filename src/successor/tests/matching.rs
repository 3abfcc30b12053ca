//! Which tablet the event names: the failed shard (failed primary or cluster alias), the promoted
//! MySQL's tablet by host match inside it, and Orchestrator's alias.

use super::*;

#[test]
fn the_replica_of_the_failed_shard_is_chosen() {
    let c = chosen(resolve(
        &fleet(),
        Scope::Fleet,
        &question("db1.example.com", "db2.example.com"),
    ));
    assert_eq!(c.alias.to_string(), "zone1-0000000101");
    assert_eq!(c.shard, shard("commerce.0"));
    assert_eq!(c.basis, ShardBasis::FailedPrimary);
    assert_eq!(c.tablet_type, "REPLICA");
    assert!(!c.already_primary);
}

#[test]
fn a_short_name_never_reaches_into_another_keyspace() {
    // "db2" is db2.example.com in commerce/0 and db2.other.net in customer/-80: the failed
    // shard decides, whatever order vtctld lists them in.
    let mut tablets = fleet();
    tablets.reverse();
    let c = chosen(resolve(
        &tablets,
        Scope::Fleet,
        &question("db4.example.com", "db2"),
    ));
    assert_eq!(c.alias.to_string(), "zone1-0000000201");
    let c = chosen(resolve(&tablets, Scope::Fleet, &question("db1", "db2")));
    assert_eq!(c.alias.to_string(), "zone1-0000000101");
}

#[test]
fn an_exact_host_beats_a_short_name_and_short_names_must_be_unique() {
    let mut tablets = fleet();
    tablets.push(tablet("commerce", "0", 103, "db2", TabletType::Replica));
    let c = chosen(resolve(
        &tablets,
        Scope::Fleet,
        &question("db1.example.com", "db2"),
    ));
    assert_eq!(c.alias.to_string(), "zone1-0000000103", "exact 'db2' wins");
    tablets.push(tablet(
        "commerce",
        "0",
        104,
        "db2.example.org",
        TabletType::Replica,
    ));
    // db2.example.net is no FQDN of the shard; its short name is tablet 103's host alone.
    let c = chosen(resolve(
        &tablets,
        Scope::Fleet,
        &question("db1.example.com", "db2.example.net"),
    ));
    assert_eq!(c.alias.to_string(), "zone1-0000000103");
    tablets.retain(|t| t.mysql_hostname != "db2");
    let why = refused(resolve(
        &tablets,
        Scope::Fleet,
        &question("db1.example.com", "db2"),
    ));
    assert!(
        why.contains("2 tablets of commerce/0 have MySQL at db2:3306"),
        "{why}"
    );
    assert!(
        why.contains("zone1-0000000101") && why.contains("zone1-0000000104"),
        "{why}"
    );
}

#[test]
fn duplicates_are_refused() {
    let mut tablets = fleet();
    tablets.push(tablet(
        "commerce",
        "0",
        105,
        "db2.example.com",
        TabletType::Replica,
    ));
    let why = refused(resolve(
        &tablets,
        Scope::Fleet,
        &question("db1.example.com", "db2.example.com"),
    ));
    assert!(
        why.starts_with("refusing to reparent commerce/0: 2 tablets"),
        "{why}"
    );
}

#[test]
fn a_successor_outside_the_failed_shard_is_refused() {
    let why = refused(resolve(
        &fleet(),
        Scope::Fleet,
        &question("db1.example.com", "db4.example.com"),
    ));
    assert!(
        why.contains("no tablet of commerce/0 has MySQL at db4.example.com:3306"),
        "{why}"
    );
    assert!(why.contains("candidates: zone1-0000000100"), "{why}");
    let mut q = question("db1.example.com", "");
    q.alias = alias("zone1-201");
    let why = refused(resolve(&fleet(), Scope::Fleet, &q));
    assert!(
        why.contains("zone1-0000000201 is not a tablet of commerce/0"),
        "{why}"
    );
}

#[test]
fn a_stale_alias_is_refused() {
    let mut q = question("db1.example.com", "db2.example.com");
    q.alias = alias("zone1-102");
    let why = refused(resolve(&fleet(), Scope::Fleet, &q));
    assert!(
        why.contains("alias zone1-0000000102 is not the tablet of db2.example.com:3306"),
        "{why}"
    );
    q.alias = alias("zone1-101");
    assert_eq!(
        chosen(resolve(&fleet(), Scope::Fleet, &q))
            .alias
            .to_string(),
        "zone1-0000000101"
    );
}

#[test]
fn unknown_failed_primary_needs_an_exact_fleet_unique_match() {
    // commerce/0's primary record is gone (it is the one that failed, under a name vtctld
    // does not know).
    let without_primary: Vec<Tablet> = fleet()
        .into_iter()
        .filter(|t| t.mysql_hostname != "db1.example.com")
        .collect();
    let c = chosen(resolve(
        &without_primary,
        Scope::Fleet,
        &question("gone.example.com", "db3.example.com").with_all_types(),
    ));
    assert_eq!(c.alias.to_string(), "zone1-0000000102");
    assert_eq!(c.basis, ShardBasis::Unknown);
    assert_eq!(c.shard, None);
    assert!(c.notes[0].contains("exact, fleet-unique"), "{:?}", c.notes);

    let why = refused(resolve(&fleet(), Scope::Fleet, &question("", "db2")));
    assert!(why.contains("only short-name matches"), "{why}");
    let mut tablets = fleet();
    tablets.push(tablet(
        "other",
        "0",
        300,
        "db2.example.com",
        TabletType::Replica,
    ));
    let why = refused(resolve(
        &tablets,
        Scope::Fleet,
        &question("", "db2.example.com"),
    ));
    assert!(
        why.contains("2 tablets have MySQL at db2.example.com:3306"),
        "{why}"
    );
    let mut q = question("", "");
    q.alias = alias("zone1-101");
    let why = refused(resolve(&fleet(), Scope::Fleet, &q));
    assert!(
        why.contains("--failure-cluster-alias keyspace.shard"),
        "{why}"
    );
}

#[test]
fn cluster_alias_names_the_shard() {
    let mut q = question("", "db2");
    q.cluster_shard = shard("customer.-80");
    // The alias narrows where to look; it never demotes a PRIMARY nothing says has failed.
    let why = refused(resolve(&fleet(), Scope::Fleet, &q));
    assert!(
        why.contains("customer/-80 has a PRIMARY that nothing says has failed"),
        "{why}"
    );
    assert!(
        why.contains("candidates: zone1-0000000200 (PRIMARY"),
        "{why}"
    );
    // Its primary's record gone (the failed one, unknown to vtctld): the replica may go.
    let without_primary: Vec<Tablet> = fleet()
        .into_iter()
        .filter(|t| t.mysql_hostname != "db4.example.com")
        .collect();
    let c = chosen(resolve(&without_primary, Scope::Fleet, &q));
    assert_eq!(c.alias.to_string(), "zone1-0000000201");
    assert_eq!(c.basis, ShardBasis::ClusterAlias);
    assert!(c.confirm.is_some(), "a short name is confirmed fleet-wide");

    // The failed primary in commerce/0 but the alias says customer/-80: refuse.
    q.failed = hp("db1.example.com");
    let why = refused(resolve(&fleet(), Scope::Fleet, &q));
    assert!(
        why.contains("is a tablet of commerce/0, but the cluster alias names customer/-80"),
        "{why}"
    );

    // Agreeing: fine.
    q.cluster_shard = shard("commerce.0");
    assert_eq!(
        chosen(resolve(&fleet(), Scope::Fleet, &q)).basis,
        ShardBasis::FailedPrimary
    );

    // An alias naming no shard vtctld knows is not a Vitess shard: ignored with a note.
    q.cluster_shard = shard("orchestrator.prod");
    let c = chosen(resolve(&fleet(), Scope::Fleet, &q));
    assert_eq!(c.alias.to_string(), "zone1-0000000101");
    assert!(c.notes[0].contains("orchestrator/prod"), "{:?}", c.notes);
}

#[test]
fn a_failed_primary_matching_several_shards_is_refused() {
    let mut tablets = fleet();
    tablets.push(tablet(
        "customer",
        "80-",
        400,
        "db1.example.com",
        TabletType::Primary,
    ));
    let why = refused(resolve(
        &tablets,
        Scope::Fleet,
        &question("db1.example.com", "db2.example.com"),
    ));
    assert!(
        why.contains("matches tablets of several shards (commerce/0, customer/80-)"),
        "{why}"
    );
}

#[test]
fn candidates_are_bounded() {
    let mut tablets = vec![tablet("big", "0", 1, "primary", TabletType::Primary)];
    tablets.extend(
        (2..40).map(|uid| tablet("big", "0", uid, &format!("r{uid}"), TabletType::Replica)),
    );
    let why = refused(resolve(
        &tablets,
        Scope::Fleet,
        &question("primary", "nowhere"),
    ));
    assert!(why.ends_with("and 29 more"), "{why}");
}
