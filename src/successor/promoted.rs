//! Step 2 of the choice: the tablet of the MySQL Orchestrator promoted, inside the failed shard
//! (or, with no shard, unique in the whole fleet), agreeing with Orchestrator's alias and listed
//! once. Pure; it never judges the tablet's type or the shard's primary.

use super::{Question, Refusal, Scope, best_matches, named, refuse, same_tablet};
use crate::endpoint::HostMatch;
use crate::proto::topodata::Tablet;
use crate::shard::Shard;
use crate::tablet;

pub(super) fn successor_in_shard<'t>(
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

pub(super) fn successor_in_fleet<'t>(
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
pub(super) fn check_alias(
    chosen: &Tablet,
    question: &Question,
    shard: Option<&Shard>,
) -> Result<(), Refusal> {
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

/// The successor's record names its keyspace and shard, and no other record has its alias.
pub(super) fn one_record_of_a_shard(
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
