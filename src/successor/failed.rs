//! Step 1 of the choice: the failed primary's tablets, and the failed shard (the failed
//! primary's, which a cluster alias must not contradict, or the alias's alone, or neither).
//! Pure; it never looks for the successor.

use std::collections::BTreeSet;

use super::{Question, Refusal, Scope, ShardBasis, best_matches, named, refuse, shard_of};
use crate::endpoint::HostMatch;
use crate::proto::topodata::Tablet;
use crate::shard::Shard;

/// What the failed primary's endpoint established.
pub(super) struct Failed<'t> {
    /// Its tablets (several only when one endpoint is listed twice in one shard).
    pub(super) tablets: Vec<&'t Tablet>,
    pub(super) shard: Option<Shard>,
}

/// The failed primary's tablets and shard. A match that is not identical counts only when the
/// whole fleet has none better, so a one-shard list cannot settle it.
pub(super) fn failed_primary<'t>(
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

/// The failed shard and how it is known: the failed primary's, which a cluster alias must not
/// contradict, or the alias's alone, or neither.
pub(super) fn failed_shard(
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
