//! Which tablet may become primary: the failed shard's own promotable tablet, proven from
//! vtctld's tablet list before anything is sent.
//!
//! vtctld's TabletExternallyReparented checks nothing: whatever alias it gets becomes PRIMARY of
//! that tablet's shard, demoting the shard's healthy primary. So the successor must be shown to
//! be (1) a tablet of the shard whose primary failed, (2) the tablet of the MySQL Orchestrator
//! promoted, and (3) of a type that may serve as primary. Pure: a tablet list and the event's
//! facts in, a decision out.

use std::collections::BTreeSet;
use std::fmt;

use crate::alias::TabletAlias;
use crate::event::HostPort;
use crate::proto::topodata::{Tablet, TabletType};
use crate::tablet::{self, HostMatch, Promotable, Shard};

/// What the event says, as far as the choice of tablet goes.
#[derive(Debug, Clone, Default)]
pub struct Question {
    /// The failed primary's MySQL (`ORC_FAILED_HOST`/`ORC_FAILED_PORT`).
    pub failed: Option<HostPort>,
    /// The shard a `keyspace.shard` cluster alias names.
    pub cluster_shard: Option<Shard>,
    /// The promoted MySQL (`ORC_SUCCESSOR_HOST`/`ORC_SUCCESSOR_PORT`).
    pub successor: Option<HostPort>,
    /// The tablet alias Orchestrator passed (`ORC_SUCCESSOR_ALIAS`).
    pub alias: Option<TabletAlias>,
    pub promotable: Promotable,
}

/// Which tablets a list holds: one shard's (GetTablets filtered by keyspace and shard) or all.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Shard(&'a Shard),
    Fleet,
}

/// How the failed shard was established, as the record says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardBasis {
    /// The failed primary's host:port is a tablet of it, and the cluster alias (if any) agrees.
    FailedPrimary,
    /// Only the `keyspace.shard` cluster alias names it.
    ClusterAlias,
    /// Neither: the successor matched exactly one tablet of the whole fleet.
    Unknown,
}

impl ShardBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FailedPrimary => "failed-primary",
            Self::ClusterAlias => "cluster-alias",
            Self::Unknown => "unknown",
        }
    }
}

/// The tablet to make primary, and why it is the right one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub alias: TabletAlias,
    /// The failed shard; `None` when it could not be established (basis `Unknown`).
    pub shard: Option<Shard>,
    pub basis: ShardBasis,
    pub tablet_type: String,
    /// `describe` of the chosen tablet.
    pub tablet: String,
    /// The tablet is already its shard's primary: the reparent is a no-op that vtctld confirms.
    pub already_primary: bool,
    pub notes: Vec<String>,
}

/// Why no tablet may be made primary; nothing is sent to vtctld.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub shard: Option<Shard>,
    pub reason: String,
    pub candidates: Vec<String>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shard {
            Some(shard) => write!(f, "refusing to reparent {shard}: {}", self.reason)?,
            None => write!(f, "refusing to reparent: {}", self.reason)?,
        }
        if !self.candidates.is_empty() {
            write!(f, "; candidates: {}", self.candidates.join(", "))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Chosen(Chosen),
    Refused(Refusal),
    /// A one-shard list cannot settle it (the failed primary is not in it, or it is empty): ask
    /// again with the whole fleet.
    NeedFleet(String),
}

/// At most this many candidates are named in a message; the rest are counted.
const MAX_NAMED: usize = 10;

/// Decides which tablet of `tablets` (covering `scope`) may become primary.
pub fn resolve(tablets: &[Tablet], scope: Scope<'_>, question: &Question) -> Resolution {
    let mut notes = Vec::new();
    if let Scope::Shard(shard) = scope
        && tablets.is_empty()
    {
        return Resolution::NeedFleet(format!("vtctld lists no tablet in {shard}"));
    }

    // 1. The failed shard: where the failed primary's tablet is, and what the cluster alias says.
    let mut failed_tablets: Vec<&Tablet> = Vec::new();
    let failed_shard = match &question.failed {
        None => None,
        Some(failed) => {
            let mut matches = best_matches(tablets.iter(), failed);
            // In one shard's list, only an exact match settles it: the fleet may hold an exact
            // match elsewhere that would beat a short-name match here.
            if let Scope::Shard(_) = scope {
                matches.retain(|t| tablet::endpoint_match(t, failed) == Some(HostMatch::Exact));
            }
            let shards: BTreeSet<String> = matches.iter().map(|t| shard_of(t)).collect();
            match matches.first() {
                None => None,
                Some(_) if shards.len() > 1 => {
                    return refuse(
                        None,
                        format!(
                            "the failed primary {failed} matches tablets of several shards ({})",
                            shards.into_iter().collect::<Vec<_>>().join(", ")
                        ),
                        &matches,
                    );
                }
                Some(first) => {
                    let shard = Shard::of(first);
                    failed_tablets = matches;
                    Some(shard)
                }
            }
        }
    };
    if let (Scope::Shard(shard), Some(failed), None) = (scope, &question.failed, &failed_shard) {
        return Resolution::NeedFleet(format!(
            "the failed primary {failed} is not a tablet of {shard}"
        ));
    }
    let cluster_shard = match (&question.cluster_shard, scope) {
        (Some(named), Scope::Fleet) if !tablets.iter().any(|t| named.contains(t)) => {
            notes.push(format!(
                "the cluster alias names {named}, which has no tablet in vtctld's list; ignored"
            ));
            None
        }
        (named, _) => named.clone(),
    };
    let (shard, basis) = match (failed_shard, cluster_shard) {
        (Some(failed), Some(named)) if failed != named => {
            let reason = format!(
                "the failed primary {} is a tablet of {failed}, but the cluster alias names {named}",
                question
                    .failed
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string)
            );
            return refuse(Some(failed), reason, &[]);
        }
        (Some(failed), _) => (Some(failed), ShardBasis::FailedPrimary),
        (None, Some(named)) => {
            if let Some(failed) = &question.failed {
                notes.push(format!(
                    "the failed primary {failed} is not in vtctld's tablet list; the shard is \
                     the cluster alias's"
                ));
            }
            (Some(named), ShardBasis::ClusterAlias)
        }
        (None, None) => (None, ShardBasis::Unknown),
    };

    // 2. The successor's tablet, inside that shard (or, with no shard, unique in the fleet).
    let chosen = match &shard {
        Some(shard) => {
            let members: Vec<&Tablet> = tablets.iter().filter(|t| shard.contains(t)).collect();
            match successor_in_shard(&members, shard, question) {
                Ok(tablet) => tablet,
                Err(refusal) => return Resolution::Refused(refusal),
            }
        }
        None => match successor_in_fleet(tablets, question) {
            Ok(tablet) => {
                notes.push(
                    "the failed shard is unknown (the failed primary is not in vtctld's list and \
                     no keyspace.shard cluster alias names it): chosen on an exact, fleet-unique \
                     match of the successor's host:port"
                        .to_owned(),
                );
                tablet
            }
            Err(refusal) => return Resolution::Refused(refusal),
        },
    };

    // The dead primary cannot be its own successor.
    if failed_tablets
        .iter()
        .any(|t| t.alias.is_some() && t.alias == chosen.alias)
    {
        let reason = format!(
            "the successor {} is the failed primary itself",
            tablet::describe(chosen)
        );
        return refuse(shard, reason, &[]);
    }
    // The failed primary's tablet is the shard's PRIMARY as vtctld knows it. If it is not, and
    // another tablet is, that one is a primary nothing says has failed (Orchestrator's view is
    // stale, or it named the wrong instance): reparenting would demote it.
    if basis == ShardBasis::FailedPrimary
        && !failed_tablets
            .iter()
            .any(|t| t.r#type == TabletType::Primary as i32)
        && let Some(shard) = &shard
    {
        let live: Vec<&Tablet> = tablets
            .iter()
            .filter(|t| shard.contains(t) && t.r#type == TabletType::Primary as i32)
            .filter(|t| t.alias != chosen.alias)
            .collect();
        if !live.is_empty() {
            let failed = failed_tablets
                .iter()
                .map(|t| tablet::describe(t))
                .collect::<Vec<_>>()
                .join(", ");
            let reason = format!(
                "the failed primary is {failed} in vtctld, not the shard's PRIMARY, and {shard} \
                 has a PRIMARY that nothing says has failed: reparenting would demote it"
            );
            return refuse(Some(shard.clone()), reason, &live);
        }
    }
    // With the failed shard unknown, the successor's shard must not have a primary that nothing
    // says has failed: reparenting would demote a healthy primary.
    if basis == ShardBasis::Unknown {
        let own = Shard::of(chosen);
        let healthy: Vec<&Tablet> = tablets
            .iter()
            .filter(|t| own.contains(t) && t.r#type == TabletType::Primary as i32)
            .filter(|t| t.alias != chosen.alias)
            .collect();
        if !healthy.is_empty() {
            let reason = format!(
                "the failed shard is unknown (the failed primary is not in vtctld's list and no \
                 keyspace.shard cluster alias names it), and the successor's shard {own} has a \
                 PRIMARY that nothing says has failed: reparenting would demote it"
            );
            return refuse(None, reason, &healthy);
        }
    }

    // 3. A type that may become primary.
    let Some(alias) = tablet::alias_of(chosen) else {
        return refuse(
            shard,
            "the successor's tablet record has no alias".into(),
            &[chosen],
        );
    };
    let already_primary = chosen.r#type == TabletType::Primary as i32;
    if !question.promotable.allows(chosen.r#type) {
        let kind = tablet::type_name(chosen.r#type);
        let reason = format!(
            "the successor {} is {kind}, not a REPLICA; if it really may become primary, allow \
             it with --allow-type {kind} (ORC_VITESS_HOOK_ALLOW_TYPES={kind})",
            tablet::describe(chosen)
        );
        return refuse(shard, reason, &[]);
    }
    if already_primary {
        notes.push(format!("{alias} is already the primary of its shard"));
    }
    Resolution::Chosen(Chosen {
        alias,
        shard,
        basis,
        tablet_type: tablet::type_name(chosen.r#type),
        tablet: tablet::describe(chosen),
        already_primary,
        notes,
    })
}

/// The tablets matching `endpoint` at the best level found: exact host matches if there are
/// any, otherwise short-name/FQDN matches.
fn best_matches<'t>(
    tablets: impl Iterator<Item = &'t Tablet>,
    endpoint: &HostPort,
) -> Vec<&'t Tablet> {
    let mut exact = Vec::new();
    let mut short = Vec::new();
    for tablet in tablets {
        match tablet::endpoint_match(tablet, endpoint) {
            Some(HostMatch::Exact) => exact.push(tablet),
            Some(HostMatch::ShortName) => short.push(tablet),
            None => {}
        }
    }
    if exact.is_empty() { short } else { exact }
}

fn successor_in_shard<'t>(
    members: &[&'t Tablet],
    shard: &Shard,
    question: &Question,
) -> Result<&'t Tablet, Refusal> {
    let refusal = |reason: String, candidates: &[&Tablet]| Refusal {
        shard: Some(shard.clone()),
        reason,
        candidates: named(candidates),
    };
    let Some(successor) = &question.successor else {
        // Only the alias is known (a manual run): it must be a tablet of the failed shard.
        let Some(alias) = &question.alias else {
            return Err(refusal(
                "no successor alias or host:port is known".into(),
                &[],
            ));
        };
        return members
            .iter()
            .copied()
            .find(|t| tablet::alias_of(t).as_ref() == Some(alias))
            .ok_or_else(|| refusal(format!("{alias} is not a tablet of {shard}"), members));
    };
    let matches = best_matches(members.iter().copied(), successor);
    let chosen = match matches.as_slice() {
        [one] => *one,
        [] => {
            return Err(refusal(
                format!("no tablet of {shard} has MySQL at {successor}"),
                members,
            ));
        }
        several => {
            return Err(refusal(
                format!(
                    "{} tablets of {shard} have MySQL at {successor}, refusing to guess",
                    several.len()
                ),
                several,
            ));
        }
    };
    check_alias(chosen, successor, question, Some(shard))
}

fn successor_in_fleet<'t>(
    tablets: &'t [Tablet],
    question: &Question,
) -> Result<&'t Tablet, Refusal> {
    let refusal = |reason: String, candidates: &[&Tablet]| Refusal {
        shard: None,
        reason,
        candidates: named(candidates),
    };
    let unknown = "the failed shard is unknown (the failed primary is not in vtctld's list and no \
                   keyspace.shard cluster alias names it)";
    let Some(successor) = &question.successor else {
        return Err(refusal(
            format!(
                "{unknown}, and without the successor's host:port nothing proves which shard \
                 the alias belongs to; give --failed-host/--failed-port or \
                 --failure-cluster-alias keyspace.shard"
            ),
            &[],
        ));
    };
    let exact: Vec<&Tablet> = tablets
        .iter()
        .filter(|t| tablet::endpoint_match(t, successor) == Some(HostMatch::Exact))
        .collect();
    let chosen = match exact.as_slice() {
        [one] => *one,
        [] => {
            let short = best_matches(tablets.iter(), successor);
            let reason = if short.is_empty() {
                format!("{unknown}, and no tablet has MySQL at {successor}")
            } else {
                format!(
                    "{unknown}, and only short-name matches have MySQL at {successor}; an exact \
                     host match is needed"
                )
            };
            return Err(refusal(reason, &short));
        }
        several => {
            return Err(refusal(
                format!(
                    "{unknown}, and {} tablets have MySQL at {successor}",
                    several.len()
                ),
                several,
            ));
        }
    };
    check_alias(chosen, successor, question, None)
}

/// Orchestrator's alias, when given, must be the tablet found for the successor's host:port.
fn check_alias<'t>(
    chosen: &'t Tablet,
    successor: &HostPort,
    question: &Question,
    shard: Option<&Shard>,
) -> Result<&'t Tablet, Refusal> {
    match &question.alias {
        Some(alias) if tablet::alias_of(chosen).as_ref() != Some(alias) => Err(Refusal {
            shard: shard.cloned(),
            reason: format!(
                "Orchestrator's successor alias {alias} is not the tablet of {successor}, which \
                 is {}; the alias may be stale",
                tablet::describe(chosen)
            ),
            candidates: Vec::new(),
        }),
        _ => Ok(chosen),
    }
}

fn refuse(shard: Option<Shard>, reason: String, candidates: &[&Tablet]) -> Resolution {
    Resolution::Refused(Refusal {
        shard,
        reason,
        candidates: named(candidates),
    })
}

fn shard_of(tablet: &Tablet) -> String {
    Shard::of(tablet).to_string()
}

fn named(tablets: &[&Tablet]) -> Vec<String> {
    let mut names: Vec<String> = tablets
        .iter()
        .take(MAX_NAMED)
        .map(|t| tablet::describe(t))
        .collect();
    if tablets.len() > MAX_NAMED {
        names.push(format!("and {} more", tablets.len() - MAX_NAMED));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::topodata::TabletAlias as ProtoAlias;

    fn tablet(ks: &str, shard: &str, uid: u32, host: &str, kind: TabletType) -> Tablet {
        Tablet {
            alias: Some(ProtoAlias {
                cell: "zone1".into(),
                uid,
            }),
            hostname: format!("vttablet-{uid}"),
            keyspace: ks.into(),
            shard: shard.into(),
            r#type: kind as i32,
            mysql_hostname: host.into(),
            mysql_port: 3306,
            ..Tablet::default()
        }
    }

    /// commerce/0: 100 primary db1, 101 replica db2, 102 rdonly db3;
    /// customer/-80: 200 primary db4, 201 replica db2.other.net (same short name as db2), 202 drained db6.
    fn fleet() -> Vec<Tablet> {
        use TabletType::*;
        vec![
            tablet("commerce", "0", 100, "db1.example.com", Primary),
            tablet("commerce", "0", 101, "db2.example.com", Replica),
            tablet("commerce", "0", 102, "db3.example.com", Rdonly),
            tablet("customer", "-80", 200, "db4.example.com", Primary),
            tablet("customer", "-80", 201, "db2.other.net", Replica),
            tablet("customer", "-80", 202, "db6.example.com", Drained),
        ]
    }

    fn hp(host: &str) -> Option<HostPort> {
        Some(HostPort {
            host: host.into(),
            port: 3306,
        })
    }

    fn alias(text: &str) -> Option<TabletAlias> {
        Some(text.parse().unwrap())
    }

    fn shard(text: &str) -> Option<Shard> {
        Shard::from_cluster_alias(text)
    }

    fn question(failed: &str, successor: &str) -> Question {
        Question {
            failed: hp(failed).filter(|_| !failed.is_empty()),
            successor: hp(successor).filter(|_| !successor.is_empty()),
            ..Question::default()
        }
    }

    fn chosen(resolution: Resolution) -> Chosen {
        match resolution {
            Resolution::Chosen(chosen) => chosen,
            other => panic!("expected a choice: {other:?}"),
        }
    }

    fn refused(resolution: Resolution) -> String {
        match resolution {
            Resolution::Refused(refusal) => refusal.to_string(),
            other => panic!("expected a refusal: {other:?}"),
        }
    }

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
            let tablets = vec![
                tablet("commerce", "0", 100, "db1", Primary),
                tablet("commerce", "0", 101, "db2", kind),
            ];
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
                assert!(why.contains(&format!("--allow-type {name}")), "{why}");
                assert!(why.contains("ORC_VITESS_HOOK_ALLOW_TYPES"), "{why}");
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
        let c = chosen(resolve(&fleet(), Scope::Fleet, &q));
        assert_eq!(c.alias.to_string(), "zone1-0000000201");
        assert_eq!(c.basis, ShardBasis::ClusterAlias);

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
    fn a_one_shard_list_asks_for_the_fleet_when_it_cannot_settle_it() {
        let commerce = shard("commerce.0").unwrap();
        let only: Vec<Tablet> = fleet()
            .into_iter()
            .filter(|t| commerce.contains(t))
            .collect();
        let mut q = question("db1.example.com", "db2");
        q.cluster_shard = Some(commerce.clone());
        assert_eq!(
            chosen(resolve(&only, Scope::Shard(&commerce), &q))
                .alias
                .to_string(),
            "zone1-0000000101"
        );
        q.failed = hp("db4.example.com");
        assert!(matches!(
            resolve(&only, Scope::Shard(&commerce), &q),
            Resolution::NeedFleet(_)
        ));
        assert!(matches!(
            resolve(&[], Scope::Shard(&commerce), &q),
            Resolution::NeedFleet(_)
        ));
        // A failed primary known by its short name only: the fleet must settle it.
        q.failed = hp("db1");
        assert!(matches!(
            resolve(&only, Scope::Shard(&commerce), &q),
            Resolution::NeedFleet(_)
        ));
        q.failed = None;
        assert_eq!(
            chosen(resolve(&only, Scope::Shard(&commerce), &q)).basis,
            ShardBasis::ClusterAlias
        );
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

    impl Question {
        fn with_all_types(mut self) -> Self {
            for t in [TabletType::Rdonly, TabletType::Drained] {
                self.promotable.allow(t);
            }
            self
        }
    }
}
