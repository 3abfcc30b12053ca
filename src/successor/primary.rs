//! Steps 3 and 4 of the choice: the shard's primary as vtctld knows it (the newest term), that
//! reparenting demotes no primary nothing says has failed, and that the successor's type may
//! become primary. Pure; it never looks for the successor.

use super::failed::Failed;
use super::{Refusal, ShardBasis, refuse, same_tablet};
use crate::alias::TabletAlias;
use crate::proto::topodata::{Tablet, TabletType};
use crate::shard::Shard;
use crate::tablet::{self, Promotable};

/// The shard's primary as vtctld knows it: the PRIMARY with the newest term. Reparenting
/// demotes it, so it must be the failed primary, the successor itself, or absent. Two
/// PRIMARY tablets that the term does not tell apart are refused, naming both.
pub(super) fn no_live_primary_demoted(
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
pub(super) fn failed_is_current(tablets: &[Tablet], failed: &Failed<'_>) -> bool {
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
pub fn newest_primary<'t>(
    tablets: &'t [Tablet],
    own: &Shard,
) -> Result<Option<&'t Tablet>, Refusal> {
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

/// The successor's alias, when its type may become primary: an allowed type, or the shard's
/// newest PRIMARY (a PRIMARY of an older term is the stale record of a primary that was
/// replaced, which GetTablets reports as UNKNOWN; the legacy listings print it as PRIMARY).
pub(super) fn promotable(
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
