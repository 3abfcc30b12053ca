//! Which tablet may become primary: the failed shard's own promotable tablet, proven from
//! vtctld's tablet list before anything is sent.
//!
//! vtctld's TabletExternallyReparented checks nothing: whatever alias it gets becomes PRIMARY of
//! that tablet's shard, demoting the shard's healthy primary. So the successor must be shown to
//! be (1) a tablet of the shard whose primary failed, (2) the tablet of the MySQL Orchestrator
//! promoted, and (3) of a type that may serve as primary. Pure: a tablet list and the event's
//! facts in, a decision out.
//!
//! This file holds the types, the order of the steps (`decide`) and what the steps share; the
//! steps are `failed` (the failed shard), `promoted` (the successor's tablet) and `primary` (no
//! live primary demoted, a type that may become primary).

use std::fmt;

use crate::alias::TabletAlias;
use crate::endpoint::HostMatch;
use crate::endpoint::HostPort;
use crate::proto::topodata::{Tablet, TabletType};
use crate::shard::Shard;
use crate::tablet::{self, Promotable};

mod failed;
mod primary;
mod promoted;

pub use primary::newest_primary;

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
    let failed = match primary::newest_primary(tablets, &shard) {
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
    let failed = failed::failed_primary(tablets, scope, question, &mut confirm)?;
    let (shard, basis) = failed::failed_shard(tablets, question, &failed, &mut notes)?;

    // 2. The successor's tablet, inside that shard (or, with no shard, unique in the fleet).
    let chosen = match &shard {
        Some(shard) => promoted::successor_in_shard(tablets, shard, scope, question, &mut confirm)?,
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
            promoted::successor_in_fleet(tablets, question)?
        }
    };
    promoted::check_alias(chosen, question, shard.as_ref())?;
    promoted::one_record_of_a_shard(tablets, chosen, shard.as_ref())?;
    // The dead primary cannot be its own successor.
    if failed.tablets.iter().any(|t| same_tablet(t, chosen)) {
        let reason = format!(
            "the successor {} is the failed primary itself",
            tablet::describe(chosen)
        );
        return Err(refuse(shard, reason, &[]));
    }

    // 3. No primary that nothing says has failed is demoted.
    primary::no_live_primary_demoted(tablets, shard.as_ref(), basis, &failed, chosen)?;
    // Only a listing that shows the failed primary as the shard's newest PRIMARY settles that
    // no live primary is demoted; otherwise a cell the listing lacks may hold one.
    if scope == Scope::Fleet && confirm.is_none() && !primary::failed_is_current(tablets, &failed) {
        confirm = Some(format!(
            "nothing in this listing shows the failed primary as the PRIMARY of {}, so a cell \
             it lacks may hold a live one",
            shard.clone().unwrap_or_else(|| Shard::of(chosen))
        ));
    }

    // 4. A type that may become primary.
    let alias = primary::promotable(tablets, chosen, shard.as_ref(), question.promotable)?;
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
mod tests;
