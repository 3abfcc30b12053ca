//! What may become primary, and what is never demoted: tablet types, the shard's newest-term
//! PRIMARY, the failed primary itself, and what a listing that may lack a cell cannot prove.

use super::*;

#[test]
fn every_tablet_type() {
    use TabletType::*;
    for (kind, ok) in [
        (Primary, true),
        (Replica, true),
        (Rdonly, false),
        (Spare, false),
        (Experimental, false),
        (Backup, false),
        (Restore, false),
        (Drained, false),
        (Unknown, false),
    ] {
        let mut tablets = vec![
            tablet("commerce", "0", 100, "db1", Primary),
            tablet("commerce", "0", 101, "db2", kind),
        ];
        // Already primary: a newer term than the failed one's.
        tablets[1].primary_term_start_time = Some(crate::proto::vttime::Time {
            seconds: 2,
            nanoseconds: 0,
        });
        let result = resolve(&tablets, Scope::Fleet, &question("db1", "db2"));
        if ok {
            let c = chosen(result);
            assert_eq!(c.already_primary, kind == Primary, "{kind:?}");
            if kind == Primary {
                assert!(c.notes[0].contains("already the primary"), "{:?}", c.notes);
            }
        } else {
            let why = refused(result);
            let name = tablet::type_name(kind as i32);
            assert!(why.contains(&format!("is {name}, not a REPLICA")), "{why}");
            // Every piece of advice is a value the tool accepts; UNKNOWN gets none.
            let advice = format!("--allow-type {name}");
            if kind == Unknown {
                assert!(!why.contains("--allow-type"), "{why}");
            } else {
                assert!(why.contains(&advice), "{why}");
                assert!(why.contains("ORC_VITESS_HOOK_ALLOW_TYPES"), "{why}");
                let mut problems = crate::settings::Problems::default();
                let allowed = Promotable::from_settings(&[name.clone().into()], &mut problems);
                assert!(problems.into_message().is_none(), "{advice} is refused");
                assert!(allowed.allows(kind as i32), "{advice}");
            }
            let mut q = question("db1", "db2");
            q.promotable.allow(kind);
            let allowed = resolve(&tablets, Scope::Fleet, &q);
            assert_eq!(
                kind != Unknown,
                matches!(allowed, Resolution::Chosen(_)),
                "{kind:?}"
            );
        }
    }
}

#[test]
fn the_failed_primary_is_never_its_own_successor() {
    let why = refused(resolve(
        &fleet(),
        Scope::Fleet,
        &question("db1.example.com", "db1.example.com"),
    ));
    assert!(why.contains("zone1-0000000100 (PRIMARY"), "{why}");
    assert!(why.contains("is the failed primary itself"), "{why}");
}

#[test]
fn a_failed_primary_vtctld_does_not_know_as_primary_never_demotes_the_one_it_does() {
    // Orchestrator says db3 (RDONLY in vtctld) failed; commerce/0's PRIMARY is db1.
    let why = refused(resolve(
        &fleet(),
        Scope::Fleet,
        &question("db3.example.com", "db2.example.com"),
    ));
    assert!(
        why.contains("the failed primary is zone1-0000000102 (RDONLY"),
        "{why}"
    );
    assert!(
        why.contains("candidates: zone1-0000000100 (PRIMARY"),
        "{why}"
    );
    // Run again after a reparent: the successor is the shard's PRIMARY now, and the failed
    // one a REPLICA: nothing else would be demoted.
    let mut after: Vec<Tablet> = fleet();
    for t in &mut after {
        match t.mysql_hostname.as_str() {
            "db1.example.com" => t.r#type = TabletType::Replica as i32,
            "db2.example.com" => t.r#type = TabletType::Primary as i32,
            _ => {}
        }
    }
    let c = chosen(resolve(
        &after,
        Scope::Fleet,
        &question("db1.example.com", "db2.example.com"),
    ));
    assert!(c.already_primary);
}

#[test]
fn an_unknown_failed_shard_never_demotes_a_primary_nothing_says_failed() {
    // The failed host is misspelt (a wrong port): customer/-80's replica matches exactly and
    // uniquely, but customer/-80's primary is alive.
    let mut q = question("db1.example.com", "db2.other.net");
    q.failed.as_mut().unwrap().port = 3307;
    let why = refused(resolve(&fleet(), Scope::Fleet, &q));
    assert!(
        why.starts_with("refusing to reparent: the failed shard is unknown"),
        "{why}"
    );
    assert!(
        why.contains("the successor's shard customer/-80 has a PRIMARY"),
        "{why}"
    );
    assert!(
        why.contains("would demote it; candidates: zone1-0000000200"),
        "{why}"
    );
    // Its primary's record gone (the failed one, unknown to vtctld): the replica may go.
    let tablets: Vec<Tablet> = fleet()
        .into_iter()
        .filter(|t| t.mysql_hostname != "db4.example.com")
        .collect();
    let c = chosen(resolve(&tablets, Scope::Fleet, &q));
    assert_eq!(c.alias.to_string(), "zone1-0000000201");
}

// The property test's shrunk counterexamples (tests/properties.regressions), kept as
// examples: a listing that lacks a cell proves no absence.
#[test]
fn a_failed_primary_absent_from_a_partial_list_is_confirmed_by_a_strict_one() {
    // commerce/0's failed primary sits in a cell the list lacks; the alias (stale) names
    // commerce/-80, whose PRIMARY is the successor.
    let mut visible = tablet(
        "commerce",
        "-80",
        100,
        "db1.example.com",
        TabletType::Primary,
    );
    visible.mysql_port = 3307;
    let mut q = question("db2.example.com", "db1.example.com");
    q.successor.as_mut().unwrap().port = 3307;
    q.cluster_shard = shard("commerce.-80");
    let c = chosen(resolve(&[visible], Scope::Fleet, &q));
    assert!(
        c.confirm.unwrap().contains("is not in vtctld's list"),
        "absence must be confirmed"
    );
}

#[test]
fn no_primary_in_a_partial_list_is_confirmed_by_a_strict_one() {
    // Only the cluster alias names commerce/0; its live PRIMARY sits in a cell the list
    // lacks.
    let visible = tablet("commerce", "0", 100, "db2.other.net", TabletType::Replica);
    let mut q = question("", "db2.other.net");
    q.cluster_shard = shard("commerce.0");
    let c = chosen(resolve(std::slice::from_ref(&visible), Scope::Fleet, &q));
    assert!(c.confirm.unwrap().contains("may hold a live one"));
    // The strict listing shows it: refused.
    let live = tablet("commerce", "0", 101, "db1.example.com", TabletType::Primary);
    let why = refused(resolve(&[visible, live], Scope::WholeFleet, &q));
    assert!(why.contains("nothing says has failed"), "{why}");
}

#[test]
fn a_stale_primary_of_an_older_term_is_never_the_successor() {
    // The legacy listings print the replaced primary as PRIMARY with its old term.
    let mut tablets = fleet();
    term(&mut tablets[0], 1);
    tablets[1].r#type = TabletType::Primary as i32;
    term(&mut tablets[1], 2);
    let why = refused(resolve(
        &tablets,
        Scope::Fleet,
        &question("db2.example.com", "db1.example.com"),
    ));
    assert!(why.contains("a PRIMARY of an older term"), "{why}");
    // The newest one, already primary, stays a no-op reparent.
    let c = chosen(resolve(
        &tablets,
        Scope::Fleet,
        &question("db1.example.com", "db2.example.com"),
    ));
    assert!(c.already_primary);
}

#[test]
fn may_become_primary_asks_what_reparent_would() {
    let replica = alias("zone1-101").unwrap();
    let c = chosen(may_become_primary(
        &fleet(),
        Scope::Fleet,
        &replica,
        Promotable::default(),
    ));
    assert_eq!(c.alias, replica);
    assert_eq!(c.basis, ShardBasis::FailedPrimary);
    let primary = alias("zone1-100").unwrap();
    assert!(
        chosen(may_become_primary(
            &fleet(),
            Scope::Fleet,
            &primary,
            Promotable::default()
        ))
        .already_primary
    );
    let why = refused(may_become_primary(
        &fleet(),
        Scope::Fleet,
        &alias("zone1-102").unwrap(),
        Promotable::default(),
    ));
    assert!(why.contains("is RDONLY, not a REPLICA"), "{why}");
    // The replaced primary: UNKNOWN (GetTablets), or PRIMARY of an older term (legacy).
    let mut tablets = fleet();
    tablets[0].r#type = TabletType::Unknown as i32;
    tablets[1].r#type = TabletType::Primary as i32;
    let why = refused(may_become_primary(
        &tablets,
        Scope::Fleet,
        &primary,
        Promotable::default(),
    ));
    assert!(why.contains("is UNKNOWN, not a REPLICA"), "{why}");
    tablets[0].r#type = TabletType::Primary as i32;
    term(&mut tablets[0], 1);
    term(&mut tablets[1], 2);
    let why = refused(may_become_primary(
        &tablets,
        Scope::Fleet,
        &primary,
        Promotable::default(),
    ));
    assert!(why.contains("a PRIMARY of an older term"), "{why}");
    let why = refused(may_become_primary(
        &fleet(),
        Scope::Fleet,
        &alias("zone1-999").unwrap(),
        Promotable::default(),
    ));
    assert!(
        why.contains("zone1-0000000999 is not in vtctld's tablet list"),
        "{why}"
    );
}
