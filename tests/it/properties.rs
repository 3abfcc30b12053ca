//! The safety rules as properties over generated fleets and events (proptest): whatever the
//! event, either nothing is sent, or the one tablet sent is a REPLICA (or an allowed type) of the
//! failed primary's own shard whose MySQL endpoint is the successor's, no better-matching
//! tablet exists anywhere, and no live primary is demoted; and the decision does not depend on
//! the order of vtctld's listing, nor on which API listed it.
//!
//! `reconcile`'s verdict is held to the same rules: it converges a shard only to its own REPLICA
//! whose endpoint is the recovery's successor, never over a primary newer than the recovery.
//!
//! The driver below takes the listing steps `reparent` takes (one strict listing of every cell;
//! the legacy API's listing, never strict), over a fleet whose second cell may be unreadable
//! (left out of non-strict listings, failing strict ones).

use orc_vitess_hook::alias::TabletAlias;
use orc_vitess_hook::endpoint::HostPort;
use orc_vitess_hook::proto::topodata::{Tablet, TabletAlias as ProtoAlias, TabletType};
use orc_vitess_hook::proto::vttime::Time;
use orc_vitess_hook::shard::Shard;
use orc_vitess_hook::successor::{Question, Resolution, Scope, resolve};
use orc_vitess_hook::tablet::{self, Promotable};
use orc_vitess_hook::vtctld::legacy_listing;
use proptest::prelude::*;
use proptest::test_runner::Config;

const KEYSPACES: &[&str] = &["commerce", "customer"];
const SHARDS: &[&str] = &["0", "-80"];
/// The second cell is named as a cloud zone is, with '-' in it: an alias's uid follows its last '-'.
const CELLS: &[&str] = &["zone1", "us-east-1b"];
/// Host spellings that match one another at every level: identical, case, trailing dot, short
/// name against FQDN, another domain's FQDN with the same first label, IPv4 and IPv6 spelt two
/// ways.
const HOSTS: &[&str] = &[
    "db1.example.com",
    "DB1.example.com",
    "db1.example.com.",
    "db1",
    "db1.other.net",
    "db2.example.com",
    "db2",
    "db2.other.net",
    "10.0.0.1",
    "::1",
    "0:0::1",
    "fd00::2",
];
const PORTS: &[i32] = &[3306, 3307];

#[derive(Debug, Clone)]
struct Fleet {
    tablets: Vec<Tablet>,
    /// The second cell cannot be read: non-strict listings leave its tablets out, strict ones fail.
    second_cell_unreadable: bool,
}

fn tablet_strategy()
-> impl Strategy<Value = (usize, usize, usize, usize, usize, i32, Option<i64>, u8)> {
    (
        0..KEYSPACES.len(),
        0..SHARDS.len(),
        0..CELLS.len(),
        host_index(),
        prop_oneof![5 => Just(0usize), 1 => Just(1usize)],
        0..=8i32,
        prop_oneof![Just(None), (1..=3i64).prop_map(Some)],
        // 0: mysql_hostname/mysql_port; 1: old record (hostname, port_map); 2: mysql_hostname with
        // the port only in port_map.
        0..3u8,
    )
}

fn fleet_strategy() -> impl Strategy<Value = Fleet> {
    (
        prop::collection::vec(tablet_strategy(), 0..12),
        any::<bool>(),
    )
        .prop_map(|(parts, second_cell_unreadable)| {
            let tablets = parts
                .into_iter()
                .enumerate()
                .map(|(i, (ks, shard, cell, host, port, kind, term, shape))| {
                    let mut t = Tablet {
                        alias: Some(ProtoAlias {
                            cell: CELLS[cell].to_owned(),
                            uid: 100 + u32::try_from(i).unwrap(),
                        }),
                        hostname: format!("vttablet-{i}"),
                        keyspace: KEYSPACES[ks].to_owned(),
                        shard: SHARDS[shard].to_owned(),
                        r#type: kind,
                        mysql_hostname: HOSTS[host].to_owned(),
                        mysql_port: PORTS[port],
                        primary_term_start_time: term
                            .filter(|_| kind == TabletType::Primary as i32)
                            .map(|seconds| Time {
                                seconds,
                                nanoseconds: 0,
                            }),
                        ..Tablet::default()
                    };
                    match shape {
                        1 => {
                            t.hostname = std::mem::take(&mut t.mysql_hostname);
                            t.port_map.insert("mysql".into(), t.mysql_port);
                            t.mysql_port = 0;
                        }
                        2 => {
                            t.port_map.insert("mysql".into(), t.mysql_port);
                            t.mysql_port = 0;
                        }
                        _ => {}
                    }
                    t
                })
                .collect();
            Fleet {
                tablets,
                second_cell_unreadable,
            }
        })
}

/// Mostly the db1/db2 names in their spellings, so endpoints collide often.
fn host_index() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 0..8usize, 1 => 8..HOSTS.len()]
}

fn endpoint_strategy() -> impl Strategy<Value = Option<HostPort>> {
    prop_oneof![
        1 => Just(None),
        6 => (host_index(), prop_oneof![5 => Just(0usize), 1 => Just(1usize)]).prop_map(|(h, p)| Some(HostPort {
            host: HOSTS[h].to_owned(),
            port: u16::try_from(PORTS[p]).unwrap(),
        })),
    ]
}

fn question_strategy() -> impl Strategy<Value = Question> {
    (
        endpoint_strategy(),
        endpoint_strategy(),
        prop_oneof![
            2 => Just(None),
            1 => (100u32..112).prop_map(|uid| Some(format!("zone1-{uid}"))),
            1 => (100u32..112).prop_map(|uid| Some(format!("{}-{uid}", CELLS[1]))),
        ],
        prop_oneof![
            2 => Just(None),
            2 => (0..KEYSPACES.len(), 0..SHARDS.len())
                .prop_map(|(k, s)| Some(format!("{}.{}", KEYSPACES[k], SHARDS[s]))),
            1 => Just(Some("orchestrator.prod".to_owned())),
        ],
        prop::collection::vec(3..=8i32, 0..3),
    )
        .prop_map(|(failed, successor, alias, cluster, allowed)| {
            let mut promotable = Promotable::only_replicas();
            for kind in allowed {
                promotable.allow(TabletType::try_from(kind).unwrap());
            }
            Question {
                failed,
                cluster_shard: cluster.as_deref().and_then(Shard::from_cluster_alias),
                successor,
                alias: alias.map(|a| a.parse::<TabletAlias>().unwrap()),
                promotable,
            }
        })
}

/// How a run ended, as far as vtctld is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sent {
    Nothing,
    Reparent(TabletAlias),
}

/// The listing steps of `reparent`: one strict listing of every cell, which fails when a cell
/// cannot be read (then nothing is sent: what the readable cells show is unverifiable, and no
/// `--allow-unverified-alias` is given). The legacy API's listing is never strict: what it lacks
/// goes unseen.
fn drive(fleet: &Fleet, q: &Question, legacy: bool) -> Sent {
    let sent = |resolution: Resolution| match resolution {
        Resolution::Chosen(chosen) if chosen.confirm.is_none() => Sent::Reparent(chosen.alias),
        _ => Sent::Nothing,
    };
    if legacy {
        let visible: Vec<Tablet> = fleet
            .tablets
            .iter()
            .filter(|t| !fleet.hidden(t))
            .cloned()
            .collect();
        return sent(resolve(&legacy_round_trip(&visible), Scope::Fleet, q));
    }
    if fleet.second_cell_unreadable {
        return Sent::Nothing;
    }
    sent(resolve(&fleet.tablets, Scope::WholeFleet, q))
}

impl Fleet {
    /// In the cell vtctld cannot read.
    fn hidden(&self, t: &Tablet) -> bool {
        self.second_cell_unreadable && t.alias.as_ref().is_some_and(|a| a.cell == CELLS[1])
    }
}

/// The tablets as vtctl's legacy listings print them, read back.
fn legacy_round_trip(tablets: &[Tablet]) -> Vec<Tablet> {
    let lines: Vec<String> = tablets
        .iter()
        .map(|t| {
            let alias = TabletAlias::from_proto(t.alias.as_ref().unwrap());
            let (host, port) = tablet::mysql_endpoint(t);
            let mysql = if host.contains(':') {
                format!("[{host}]:{port}")
            } else {
                format!("{host}:{port}")
            };
            let term = t.primary_term_start_time.as_ref().map_or_else(
                || "<null>".to_owned(),
                |p| {
                    chrono::DateTime::from_timestamp(p.seconds, 0)
                        .unwrap()
                        .format("%Y-%m-%dT%H:%M:%SZ")
                        .to_string()
                },
            );
            format!(
                "{alias} {} {} {} {}:15100 {mysql} [] {term}\n",
                t.keyspace,
                t.shard,
                tablet::type_name(t.r#type).to_ascii_lowercase(),
                t.hostname
            )
        })
        .collect();
    legacy_listing::parse(&lines).expect("vtctl's lines read back")
}

/// The safety invariant of one decision, against the whole fleet.
fn check_sent(fleet: &Fleet, q: &Question, sent: &Sent, legacy: bool) -> Result<(), TestCaseError> {
    let Sent::Reparent(alias) = sent else {
        return Ok(());
    };
    let found: Vec<&Tablet> = fleet
        .tablets
        .iter()
        .filter(|t| tablet::alias_of(t).as_ref() == Some(alias))
        .collect();
    let all = &fleet.tablets;
    prop_assert_eq!(found.len(), 1, "the tablet sent exists, once");
    let chosen = found[0];
    let own = Shard::of(chosen);
    // What no listing of the run could show: the legacy API's listings silently lack a cell
    // vtctld cannot read (the typed API's strict one fails instead, and nothing is sent). The
    // documented residue of the legacy API: a live PRIMARY, or a better match, in that cell
    // goes unseen.
    let unseen = |t: &Tablet| legacy && fleet.hidden(t);
    let seen: Vec<Tablet> = all.iter().filter(|t| !unseen(t)).cloned().collect();
    let all = &seen;
    prop_assert!(
        q.promotable.allows(chosen.r#type),
        "a promotable type: {}",
        tablet::describe(chosen)
    );
    if let Some(given) = &q.alias {
        prop_assert_eq!(
            given,
            alias,
            "Orchestrator's alias, when given, is the tablet sent"
        );
    }
    // The successor's endpoint, and no better match for it anywhere.
    if let Some(successor) = &q.successor {
        let level = tablet::endpoint_match(chosen, successor);
        prop_assert!(
            level.is_some(),
            "the tablet sent has the successor's endpoint"
        );
        let better: Vec<String> = all
            .iter()
            .filter(|t| tablet::endpoint_match(t, successor) > level)
            .map(tablet::describe)
            .collect();
        prop_assert!(better.is_empty(), "better successor matches: {better:?}");
    }
    // The failed primary's shard, by its best matches in the whole fleet; never itself.
    if let Some(failed) = &q.failed {
        let best = all
            .iter()
            .filter_map(|t| tablet::endpoint_match(t, failed))
            .max();
        let failed_tablets: Vec<&Tablet> = all
            .iter()
            .filter(|t| best.is_some() && tablet::endpoint_match(t, failed) == best)
            .collect();
        for t in &failed_tablets {
            prop_assert!(
                own.contains(t),
                "failed primary {} is not in the reparented shard {}",
                tablet::describe(t),
                own
            );
            prop_assert!(
                t.alias != chosen.alias,
                "the failed primary is not its successor"
            );
        }
    }
    // A cluster alias naming a shard vtctld knows is that shard.
    if let Some(named) = &q.cluster_shard
        && all.iter().any(|t| named.contains(t))
    {
        prop_assert_eq!(named, &own, "the cluster alias's shard");
    }
    // No live primary demoted: the shard's newest-term PRIMARY is the one sent, a failed
    // tablet, or absent; and the newest term is not tied. The one documented exception is the
    // legacy API, whose listings are never strict: one that shows the failed primary as the
    // shard's newest PRIMARY is believed, so a newer PRIMARY in a cell vtctld could not read
    // goes unseen (`unseen` above).
    let mut primaries: Vec<&Tablet> = all
        .iter()
        .filter(|t| own.contains(t) && t.r#type == TabletType::Primary as i32)
        .collect();
    primaries.sort_by_key(|t| std::cmp::Reverse(tablet::primary_term(t)));
    if let Some(current) = primaries.first() {
        if let Some(second) = primaries.get(1) {
            prop_assert!(
                tablet::primary_term(second) != tablet::primary_term(current),
                "two PRIMARY tablets with one term"
            );
        }
        let is_failed = q.failed.as_ref().is_some_and(|failed| {
            tablet::endpoint_match(current, failed).is_some_and(|level| {
                all.iter()
                    .filter_map(|t| tablet::endpoint_match(t, failed))
                    .all(|other| other <= level)
            })
        });
        prop_assert!(
            current.alias == chosen.alias || is_failed,
            "a live primary demoted: {}",
            tablet::describe(current)
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config {
        cases: 10_000,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..Config::default()
    })]

    #[test]
    fn whatever_the_event_only_the_failed_shards_own_tablet_is_sent(
        fleet in fleet_strategy(),
        q in question_strategy(),
        seed in any::<u64>(),
    ) {
        let sent = drive(&fleet, &q, false);
        check_sent(&fleet, &q, &sent, false)?;

        // The order of the listing changes nothing.
        let mut shuffled = fleet.clone();
        shuffle(&mut shuffled.tablets, seed);
        prop_assert_eq!(&drive(&shuffled, &q, false), &sent, "order-dependent");

        let legacy = drive(&fleet, &q, true);
        check_sent(&fleet, &q, &legacy, true)?;
        // With every cell readable the legacy API decides the same, or refuses where only a
        // strict listing can prove it; it cannot tell an unreadable cell, so there it may go
        // ahead where the typed API refuses, within the invariant above.
        prop_assert!(
            fleet.second_cell_unreadable || legacy == sent || legacy == Sent::Nothing,
            "legacy sent {:?}, typed {:?}",
            legacy,
            sent
        );
    }
}

/// A deterministic Fisher–Yates shuffle (splitmix64), so a failing case replays.
fn shuffle(tablets: &mut [Tablet], mut seed: u64) {
    let mut next = || {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..tablets.len()).rev() {
        let j = usize::try_from(next() % (i as u64 + 1)).unwrap();
        tablets.swap(i, j);
    }
}

/// A settled recovery of `failed` → `successor` that ended at `end` seconds after the epoch (the
/// fleet's primary terms start 1 to 3 seconds after it).
fn recovery_at(
    failed: &HostPort,
    successor: &HostPort,
    end: i64,
) -> orc_vitess_hook::orchestrator::Recovery {
    let ended = chrono::DateTime::from_timestamp(end, 0).unwrap();
    serde_json::from_value(serde_json::json!({
        "UID": format!("{}:prop", (end - 5) * 1_000_000_000),
        "IsSuccessful": true,
        "SuccessorKey": {"Hostname": successor.host, "Port": successor.port},
        "RecoveryEndTimestamp": ended.format("%Y-%m-%d %H:%M:%S").to_string(),
        "AnalysisEntry": {
            "AnalyzedInstanceKey": {"Hostname": failed.host, "Port": failed.port},
            "Analysis": "DeadMaster",
        },
    }))
    .unwrap()
}

proptest! {
    #![proptest_config(Config {
        cases: 10_000,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..Config::default()
    })]

    /// `reconcile` converges a shard only to its own REPLICA whose endpoint is the recovery's
    /// successor, only while Orchestrator's master is that successor, never over a primary that
    /// took office after the recovery ended or one whose term is unknown, never to the shard's
    /// primary itself; and the
    /// verdict does not depend on the listing's order.
    #[test]
    fn reconcile_never_undoes_a_newer_primary_nor_reaches_outside_the_shard(
        fleet in fleet_strategy(),
        failed in endpoint_strategy(),
        successor in endpoint_strategy(),
        picks in (any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<bool>()),
        master_is_successor in prop_oneof![4 => Just(true), 1 => Just(false)],
        end in 0..=5i64,
        ks in 0..KEYSPACES.len(),
        sh in 0..SHARDS.len(),
        seed in any::<u64>(),
    ) {
        use orc_vitess_hook::orchestrator::InstanceKey;
        use orc_vitess_hook::reconcile::{Verdict, judge, settled};
        // Mostly endpoints and a shard the fleet holds, so that convergence is common; sometimes
        // anything at all.
        let (failed_pick, successor_pick, from_fleet) = picks;
        let endpoint = |t: &Tablet| {
            let (host, port) = tablet::mysql_endpoint(t);
            u16::try_from(port).ok().map(|port| HostPort { host: host.to_owned(), port })
        };
        let (failed, successor, shard) = match (from_fleet, fleet.tablets.is_empty()) {
            (true, false) => {
                // A REPLICA promoted when there is one; the failed primary a PRIMARY of its shard
                // when there is one.
                let replicas: Vec<&Tablet> = fleet
                    .tablets
                    .iter()
                    .filter(|t| t.r#type == TabletType::Replica as i32)
                    .collect();
                let chosen = if replicas.is_empty() {
                    successor_pick.get(&fleet.tablets)
                } else {
                    *successor_pick.get(&replicas)
                };
                let shard = Shard::of(chosen);
                let primaries: Vec<&Tablet> = fleet
                    .tablets
                    .iter()
                    .filter(|t| shard.contains(t) && t.r#type == TabletType::Primary as i32)
                    .collect();
                let failed = if primaries.is_empty() {
                    failed_pick.get(&fleet.tablets)
                } else {
                    *failed_pick.get(&primaries)
                };
                (endpoint(failed), endpoint(chosen), shard)
            }
            _ => (
                failed,
                successor,
                Shard { keyspace: KEYSPACES[ks].into(), shard: SHARDS[sh].into() },
            ),
        };
        let (Some(failed), Some(successor)) = (failed, successor) else {
            return Ok(());
        };
        let recoveries = [recovery_at(&failed, &successor, end)];
        let now = chrono::DateTime::from_timestamp(end + 3600, 0).unwrap();
        let Ok(settled) = settled(&recoveries, now, std::time::Duration::from_secs(300)) else {
            return Err(TestCaseError::fail("a recovery an hour old is settled"));
        };
        let master = InstanceKey {
            hostname: if master_is_successor { successor.host.clone() } else { "db9".into() },
            port: i64::from(successor.port),
        };
        let promotable = Promotable::only_replicas();
        let verdict = judge(&shard, &fleet.tablets, &settled, &master, promotable);

        let mut shuffled = fleet.tablets.clone();
        shuffle(&mut shuffled, seed);
        prop_assert_eq!(&judge(&shard, &shuffled, &settled, &master, promotable), &verdict);

        let newer_primary = fleet.tablets.iter().any(|t| {
            shard.contains(t)
                && t.r#type == TabletType::Primary as i32
                && tablet::primary_term(t).is_some_and(|(s, _)| s >= end)
        });
        // The shard's live primary as vtctld knows it: its newest-term PRIMARY.
        let live = fleet
            .tablets
            .iter()
            .filter(|t| shard.contains(t) && t.r#type == TabletType::Primary as i32)
            .map(tablet::primary_term)
            .max();
        if let Verdict::Converge { tablet: alias, .. } = &verdict {
            prop_assert!(master_is_successor, "converged while Orchestrator moved on");
            prop_assert!(!newer_primary, "converged over a newer primary: {:?}", verdict);
            // A live primary must be shown older than the recovery: one without a term is not.
            prop_assert!(
                live.is_none_or(|term| term.is_some_and(|(s, _)| s < end)),
                "converged over a primary not shown older: {:?}",
                verdict
            );
            let chosen: Vec<&Tablet> = fleet
                .tablets
                .iter()
                .filter(|t| tablet::alias_of(t).as_ref() == Some(alias))
                .collect();
            prop_assert_eq!(chosen.len(), 1);
            let chosen = chosen[0];
            prop_assert!(shard.contains(chosen), "{} is not of {}", alias, shard);
            prop_assert_eq!(chosen.r#type, TabletType::Replica as i32);
            prop_assert!(tablet::endpoint_match(chosen, &successor).is_some());
        }
    }
}
