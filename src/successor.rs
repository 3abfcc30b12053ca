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
use crate::endpoint::HostMatch;
use crate::endpoint::HostPort;
use crate::proto::topodata::{Tablet, TabletType};
use crate::tablet::{self, Promotable, Shard};

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

/// Which tablets a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every tablet vtctld could read; a cell it could not read may be missing.
    Fleet,
    /// Every tablet of every cell: a strict listing, which fails rather than leave a cell out.
    WholeFleet,
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
    /// Set when the choice rests on a claim about the whole fleet (a match that is not
    /// identical, or uniqueness) that a list which may lack a cell cannot prove: the choice
    /// stands only if a strict listing of every cell chooses the same tablet.
    pub confirm: Option<String>,
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
}

/// At most this many candidates are named in a message; the rest are counted.
const MAX_NAMED: usize = 10;

/// What the failed primary's endpoint established.
struct Failed<'t> {
    /// Its tablets (several only when one endpoint is listed twice in one shard).
    tablets: Vec<&'t Tablet>,
    shard: Option<Shard>,
}

/// Decides which tablet of `tablets` (covering `scope`) may become primary. The decision does
/// not depend on the order of the list.
pub fn resolve(tablets: &[Tablet], scope: Scope, question: &Question) -> Resolution {
    match decide(tablets, scope, question) {
        Ok(chosen) => Resolution::Chosen(chosen),
        Err(refusal) => Resolution::Refused(refusal),
    }
}

/// Whether the tablet `alias` may become primary were its shard's primary to fail now: the
/// question `reparent` asks when Orchestrator fails the shard's primary over to that tablet's
/// MySQL, answered by the same rules (`check --tablet`).
pub fn may_become_primary(
    tablets: &[Tablet],
    scope: Scope,
    alias: &TabletAlias,
    promotable: Promotable,
) -> Resolution {
    let Some(own) = tablets
        .iter()
        .find(|t| tablet::alias_of(t).as_ref() == Some(alias))
    else {
        return Resolution::Refused(Refusal {
            shard: None,
            reason: format!("{alias} is not in vtctld's tablet list"),
            candidates: Vec::new(),
        });
    };
    let shard = Shard::of(own);
    let failed = match newest_primary(tablets, &shard) {
        Ok(Some(current)) if !same_tablet(current, own) => mysql_of(current),
        Ok(_) => None,
        Err(refusal) => return Resolution::Refused(refusal),
    };
    let question = Question {
        failed,
        cluster_shard: Some(shard),
        successor: mysql_of(own),
        alias: Some(alias.clone()),
        promotable,
    };
    resolve(tablets, scope, &question)
}

/// A tablet's MySQL endpoint as Orchestrator would name it; `None` when the record has none.
fn mysql_of(tablet: &Tablet) -> Option<HostPort> {
    let (host, port) = tablet::mysql_endpoint(tablet);
    let port = u16::try_from(port).ok().filter(|p| *p != 0)?;
    (!host.is_empty()).then(|| HostPort {
        host: host.to_owned(),
        port,
    })
}

fn decide(tablets: &[Tablet], scope: Scope, question: &Question) -> Result<Chosen, Refusal> {
    let mut notes = Vec::new();
    let mut confirm = None;
    // 1. The failed shard: where the failed primary's tablet is, and what the cluster alias says.
    let failed = failed_primary(tablets, scope, question, &mut confirm)?;
    let (shard, basis) = failed_shard(tablets, question, &failed, &mut notes)?;

    // 2. The successor's tablet, inside that shard (or, with no shard, unique in the fleet).
    let chosen = match &shard {
        Some(shard) => successor_in_shard(tablets, shard, scope, question, &mut confirm)?,
        None => {
            notes.push(
                "the failed shard is unknown (the failed primary is not in vtctld's list and no \
                 keyspace.shard cluster alias names it): chosen on an exact, fleet-unique match \
                 of the successor's host:port"
                    .to_owned(),
            );
            confirm.get_or_insert_with(|| {
                "the failed shard is unknown, so the successor must be unique in the whole fleet"
                    .to_owned()
            });
            successor_in_fleet(tablets, question)?
        }
    };
    check_alias(chosen, question, shard.as_ref())?;
    one_record_of_a_shard(tablets, chosen, shard.as_ref())?;
    // The dead primary cannot be its own successor.
    if failed.tablets.iter().any(|t| same_tablet(t, chosen)) {
        let reason = format!(
            "the successor {} is the failed primary itself",
            tablet::describe(chosen)
        );
        return Err(refuse(shard, reason, &[]));
    }

    // 3. No primary that nothing says has failed is demoted.
    no_live_primary_demoted(tablets, shard.as_ref(), basis, &failed, chosen)?;
    // Only a listing that shows the failed primary as the shard's newest PRIMARY settles that
    // no live primary is demoted; otherwise a cell the listing lacks may hold one.
    if scope == Scope::Fleet && confirm.is_none() && !failed_is_current(tablets, &failed) {
        confirm = Some(format!(
            "nothing in this listing shows the failed primary as the PRIMARY of {}, so a cell \
             it lacks may hold a live one",
            shard.clone().unwrap_or_else(|| Shard::of(chosen))
        ));
    }

    // 4. A type that may become primary.
    let alias = promotable(tablets, chosen, shard.as_ref(), question.promotable)?;
    let already_primary = chosen.r#type == TabletType::Primary as i32;
    if already_primary {
        notes.push(format!("{alias} is already the primary of its shard"));
    }
    if scope == Scope::WholeFleet {
        confirm = None;
    }
    Ok(Chosen {
        alias,
        shard,
        basis,
        tablet_type: tablet::type_name(chosen.r#type),
        tablet: tablet::describe(chosen),
        already_primary,
        confirm,
        notes,
    })
}

/// The failed shard and how it is known: the failed primary's, which a cluster alias must not
/// contradict, or the alias's alone, or neither.
fn failed_shard(
    tablets: &[Tablet],
    question: &Question,
    failed: &Failed<'_>,
    notes: &mut Vec<String>,
) -> Result<(Option<Shard>, ShardBasis), Refusal> {
    let cluster_shard = match &question.cluster_shard {
        Some(named) if !tablets.iter().any(|t| named.contains(t)) => {
            notes.push(format!(
                "the cluster alias names {named}, which has no tablet in vtctld's list; ignored"
            ));
            None
        }
        named => named.clone(),
    };
    let failed_text = question
        .failed
        .as_ref()
        .map_or_else(String::new, ToString::to_string);
    Ok(match (failed.shard.clone(), cluster_shard) {
        (Some(own), Some(named)) if own != named => {
            let reason = format!(
                "the failed primary {failed_text} is a tablet of {own}, but the cluster alias \
                 names {named}"
            );
            return Err(refuse(Some(own), reason, &[]));
        }
        (Some(own), _) => (Some(own), ShardBasis::FailedPrimary),
        (None, Some(named)) => {
            if question.failed.is_some() {
                notes.push(format!(
                    "the failed primary {failed_text} is not in vtctld's tablet list; the shard \
                     is the cluster alias's"
                ));
            }
            (Some(named), ShardBasis::ClusterAlias)
        }
        (None, None) => (None, ShardBasis::Unknown),
    })
}

/// The successor's record names its keyspace and shard, and no other record has its alias.
fn one_record_of_a_shard(
    tablets: &[Tablet],
    chosen: &Tablet,
    shard: Option<&Shard>,
) -> Result<(), Refusal> {
    if chosen.keyspace.is_empty() || chosen.shard.is_empty() {
        let reason = format!(
            "the successor {} names no keyspace or shard in vtctld",
            tablet::describe(chosen)
        );
        return Err(refuse(shard.cloned(), reason, &[]));
    }
    let namesakes: Vec<&Tablet> = tablets.iter().filter(|t| same_tablet(t, chosen)).collect();
    if namesakes.len() > 1 {
        let reason = format!(
            "vtctld lists {} tablets under the successor's alias",
            namesakes.len()
        );
        return Err(refuse(shard.cloned(), reason, &namesakes));
    }
    Ok(())
}

/// The successor's alias, when its type may become primary: an allowed type, or the shard's
/// newest PRIMARY (a PRIMARY of an older term is the stale record of a primary that was
/// replaced, which GetTablets reports as UNKNOWN; the legacy listings print it as PRIMARY).
fn promotable(
    tablets: &[Tablet],
    chosen: &Tablet,
    shard: Option<&Shard>,
    promotable: Promotable,
) -> Result<TabletAlias, Refusal> {
    let Some(alias) = tablet::alias_of(chosen) else {
        return Err(refuse(
            shard.cloned(),
            "the successor's tablet record has no alias".into(),
            &[chosen],
        ));
    };
    if !promotable.allows(chosen.r#type) {
        return Err(refuse(shard.cloned(), wrong_type(chosen), &[]));
    }
    let own = shard.cloned().unwrap_or_else(|| Shard::of(chosen));
    if chosen.r#type == TabletType::Primary as i32
        && newest_primary(tablets, &own)?.is_some_and(|current| !same_tablet(current, chosen))
    {
        let reason = format!(
            "the successor {} is a PRIMARY of an older term than {own}'s newest: the stale \
             record of a replaced primary (GetTablets reports it as UNKNOWN), never made primary",
            tablet::describe(chosen)
        );
        return Err(refuse(shard.cloned(), reason, &[]));
    }
    Ok(alias)
}

/// The failed primary's tablets and shard. A match that is not identical counts only when the
/// whole fleet has none better, so a one-shard list cannot settle it.
fn failed_primary<'t>(
    tablets: &'t [Tablet],
    scope: Scope,
    question: &Question,
    confirm: &mut Option<String>,
) -> Result<Failed<'t>, Refusal> {
    let none = Failed {
        tablets: Vec::new(),
        shard: None,
    };
    let Some(failed) = &question.failed else {
        return Ok(none);
    };
    let Some((level, matches)) = best_matches(tablets.iter(), failed) else {
        // Absent from a list that may lack a cell proves nothing about the fleet.
        if scope == Scope::Fleet {
            *confirm = Some(format!(
                "the failed primary {failed} is not in vtctld's list"
            ));
        }
        return Ok(none);
    };
    if level != HostMatch::Identical {
        let why = format!(
            "the failed primary {failed} has only {} ({})",
            level.as_str(),
            named(&matches).join(", ")
        );
        if scope == Scope::Fleet {
            *confirm = Some(why);
        }
    }
    let shards: BTreeSet<String> = matches.iter().map(|t| shard_of(t)).collect();
    if shards.len() == 1 && matches.len() > 1 {
        let reason = format!(
            "the failed primary {failed} matches {} tablets of {}, refusing to guess which \
             one failed",
            matches.len(),
            shard_of(matches[0])
        );
        return Err(refuse(
            matches.first().map(|t| Shard::of(t)),
            reason,
            &matches,
        ));
    }
    if shards.len() > 1 {
        let reason = format!(
            "the failed primary {failed} matches tablets of several shards ({})",
            shards.into_iter().collect::<Vec<_>>().join(", ")
        );
        return Err(refuse(None, reason, &matches));
    }
    let shard = matches.first().map(|t| Shard::of(t));
    Ok(Failed {
        tablets: matches,
        shard,
    })
}

/// The tablets matching `endpoint` at the best level found anywhere in `tablets`, with that
/// level; `None` when nothing matches.
fn best_matches<'t>(
    tablets: impl Iterator<Item = &'t Tablet>,
    endpoint: &HostPort,
) -> Option<(HostMatch, Vec<&'t Tablet>)> {
    let mut best: Option<(HostMatch, Vec<&'t Tablet>)> = None;
    for tablet in tablets {
        let Some(level) = tablet::endpoint_match(tablet, endpoint) else {
            continue;
        };
        match &mut best {
            Some((found, list)) if *found == level => list.push(tablet),
            Some((found, _)) if *found > level => {}
            _ => best = Some((level, vec![tablet])),
        }
    }
    best
}

fn successor_in_shard<'t>(
    tablets: &'t [Tablet],
    shard: &Shard,
    scope: Scope,
    question: &Question,
    confirm: &mut Option<String>,
) -> Result<&'t Tablet, Refusal> {
    let members: Vec<&Tablet> = tablets.iter().filter(|t| shard.contains(t)).collect();
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
            .ok_or_else(|| refusal(format!("{alias} is not a tablet of {shard}"), &members));
    };
    let Some((level, matches)) = best_matches(members.iter().copied(), successor) else {
        return Err(refusal(
            format!("no tablet of {shard} has MySQL at {successor}"),
            &members,
        ));
    };
    let chosen = match matches.as_slice() {
        [one] => *one,
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
    if level != HostMatch::Identical {
        let why = format!(
            "the successor {successor} has only {} in {shard} ({})",
            level.as_str(),
            tablet::describe(chosen)
        );
        if scope == Scope::Fleet {
            *confirm = Some(why.clone());
        }
        // A better match anywhere else is the MySQL Orchestrator promoted, and it is not ours.
        let better: Vec<&Tablet> = tablets
            .iter()
            .filter(|t| !shard.contains(t))
            .filter(|t| tablet::endpoint_match(t, successor).is_some_and(|m| m > level))
            .collect();
        if !better.is_empty() {
            return Err(refusal(
                format!(
                    "{why}, and a better match for {successor} is a tablet of another shard: \
                     the promoted MySQL is not this shard's"
                ),
                &better,
            ));
        }
    }
    Ok(chosen)
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
    match best_matches(tablets.iter(), successor) {
        None => Err(refusal(
            format!("{unknown}, and no tablet has MySQL at {successor}"),
            &[],
        )),
        Some((HostMatch::ShortName, short)) => Err(refusal(
            format!(
                "{unknown}, and only short-name matches have MySQL at {successor}; an exact \
                 host match is needed"
            ),
            &short,
        )),
        Some((_, matches)) => match matches.as_slice() {
            [one] => Ok(*one),
            several => Err(refusal(
                format!(
                    "{unknown}, and {} tablets have MySQL at {successor}",
                    several.len()
                ),
                several,
            )),
        },
    }
}

/// Orchestrator's alias, when given, must be the tablet found for the successor's host:port.
fn check_alias(chosen: &Tablet, question: &Question, shard: Option<&Shard>) -> Result<(), Refusal> {
    match (&question.alias, &question.successor) {
        (Some(alias), Some(successor)) if tablet::alias_of(chosen).as_ref() != Some(alias) => {
            Err(Refusal {
                shard: shard.cloned(),
                reason: format!(
                    "Orchestrator's successor alias {alias} is not the tablet of {successor}, \
                     which is {}; the alias may be stale",
                    tablet::describe(chosen)
                ),
                candidates: Vec::new(),
            })
        }
        _ => Ok(()),
    }
}

/// The shard's primary as vtctld knows it: the PRIMARY with the newest term. Reparenting
/// demotes it, so it must be the failed primary, the successor itself, or absent. Two
/// PRIMARY tablets that the term does not tell apart are refused, naming both.
fn no_live_primary_demoted(
    tablets: &[Tablet],
    shard: Option<&Shard>,
    basis: ShardBasis,
    failed: &Failed<'_>,
    chosen: &Tablet,
) -> Result<(), Refusal> {
    let own = shard.cloned().unwrap_or_else(|| Shard::of(chosen));
    let Some(current) = newest_primary(tablets, &own)? else {
        return Ok(());
    };
    if same_tablet(current, chosen) || failed.tablets.iter().any(|t| same_tablet(t, current)) {
        return Ok(());
    }
    let reason = match basis {
        ShardBasis::FailedPrimary => {
            let described = failed
                .tablets
                .iter()
                .map(|t| tablet::describe(t))
                .collect::<Vec<_>>()
                .join(", ");
            let what = if failed
                .tablets
                .iter()
                .any(|t| t.r#type == TabletType::Primary as i32)
            {
                "a PRIMARY of an older term than the shard's newest"
            } else {
                "not the shard's PRIMARY"
            };
            format!(
                "the failed primary is {described} in vtctld, {what}, and {own} has a PRIMARY \
                 that nothing says has failed: reparenting would demote it"
            )
        }
        ShardBasis::ClusterAlias => format!(
            "the failed primary is not a tablet of {own}, which the cluster alias names, and \
             {own} has a PRIMARY that nothing says has failed: reparenting would demote it"
        ),
        ShardBasis::Unknown => format!(
            "the failed shard is unknown (the failed primary is not in vtctld's list and no \
             keyspace.shard cluster alias names it), and the successor's shard {own} has a \
             PRIMARY that nothing says has failed: reparenting would demote it"
        ),
    };
    let shard = (basis != ShardBasis::Unknown).then_some(own);
    Err(refuse(shard, reason, &[current]))
}

/// Whether a tablet of the failed primary is its shard's newest-term PRIMARY in `tablets`.
fn failed_is_current(tablets: &[Tablet], failed: &Failed<'_>) -> bool {
    let Some(shard) = &failed.shard else {
        return false;
    };
    tablets
        .iter()
        .filter(|t| shard.contains(t) && t.r#type == TabletType::Primary as i32)
        .max_by_key(|t| tablet::primary_term(t))
        .is_some_and(|current| failed.tablets.iter().any(|t| same_tablet(t, current)))
}

/// The shard's primary as vtctld knows it: its PRIMARY tablet with the newest primary term (a
/// tablet without a term counts as the oldest). Two PRIMARY tablets the term does not tell apart
/// are refused, naming both.
fn newest_primary<'t>(tablets: &'t [Tablet], own: &Shard) -> Result<Option<&'t Tablet>, Refusal> {
    let mut primaries: Vec<&Tablet> = tablets
        .iter()
        .filter(|t| own.contains(t) && t.r#type == TabletType::Primary as i32)
        .collect();
    primaries.sort_by_key(|t| std::cmp::Reverse(tablet::primary_term(t)));
    let Some(current) = primaries.first().copied() else {
        return Ok(None);
    };
    if let Some(second) = primaries.get(1)
        && tablet::primary_term(second) == tablet::primary_term(current)
    {
        let tied: Vec<&Tablet> = primaries
            .iter()
            .copied()
            .filter(|t| tablet::primary_term(t) == tablet::primary_term(current))
            .collect();
        let reason = format!(
            "{own} has {} PRIMARY tablets that vtctld does not tell apart by primary term: \
             which one is live is unknown",
            tied.len()
        );
        return Err(refuse(Some(own.clone()), reason, &tied));
    }
    Ok(Some(current))
}

/// Why `tablet` may not become primary, with advice the tool accepts: UNKNOWN (a stale
/// primary, or a record vtctld cannot read) can never be allowed.
fn wrong_type(tablet: &Tablet) -> String {
    let kind = tablet::type_name(tablet.r#type);
    let allowable = TabletType::try_from(tablet.r#type)
        .ok()
        .filter(|t| *t != TabletType::Unknown);
    match allowable {
        Some(_) => format!(
            "the successor {} is {kind}, not a REPLICA; if it really may become primary, allow \
             it with --allow-type {kind} (ORC_VITESS_HOOK_ALLOW_TYPES={kind})",
            tablet::describe(tablet)
        ),
        None => format!(
            "the successor {} is {kind}, not a REPLICA; vtctld reports a stale primary or a \
             record it cannot read that way, and such a tablet is never made primary",
            tablet::describe(tablet)
        ),
    }
}

fn same_tablet(a: &Tablet, b: &Tablet) -> bool {
    a.alias.is_some() && a.alias == b.alias
}

fn refuse(shard: Option<Shard>, reason: String, candidates: &[&Tablet]) -> Refusal {
    Refusal {
        shard,
        reason,
        candidates: named(candidates),
    }
}

fn shard_of(tablet: &Tablet) -> String {
    Shard::of(tablet).to_string()
}

/// Candidates by alias, so a message does not depend on the order of vtctld's list.
fn named(tablets: &[&Tablet]) -> Vec<String> {
    let mut sorted: Vec<&Tablet> = tablets.to_vec();
    sorted.sort_by_key(|t| t.alias.as_ref().map(|a| (a.cell.clone(), a.uid)));
    let mut names: Vec<String> = sorted
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

    fn term(t: &mut Tablet, seconds: i64) {
        t.primary_term_start_time = Some(crate::proto::vttime::Time {
            seconds,
            nanoseconds: 0,
        });
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

    impl Question {
        fn with_all_types(mut self) -> Self {
            for t in [TabletType::Rdonly, TabletType::Drained] {
                self.promotable.allow(t);
            }
            self
        }
    }
}
