//! Which tablet `reparent` sends: one tablet listing, the safety rules' reading of it, and the
//! operator's explicit way around what vtctld cannot prove (`--allow-unverified-alias`).

use super::newer::Watch;
use crate::alias::TabletAlias;
use crate::exit::{Failure, FailureKind};
use crate::proto::topodata::Tablet;
use crate::record::Details;
use crate::successor::{self, Question, Resolution, Scope};
use crate::tablet;
use crate::vtctld::listing::cells_unreadable;
use crate::vtctld::{self, Session, list_tablets};

/// Lists the tablets and resolves the successor. One strict listing of every cell settles it
/// whenever vtctld can read them all. When it cannot, what it can read is listed, and anything
/// that listing refuses is refused; what it would choose is unverifiable (see `unverified`): a
/// cell it cannot read may hold the shard's live primary, or a better match. A legacy-only
/// vtctld's listings are never strict: only a choice that needs no claim about the whole fleet
/// goes ahead there. With the tablet comes what the listing said of its shard's primary, for the
/// check before each reparent attempt (`None` when the listing does not hold the tablet).
pub(super) async fn choose(
    session: &mut Session,
    question: &Question,
    details: &mut Details,
    notes: &mut Vec<String>,
    allow_unverified: bool,
) -> Result<(TabletAlias, Option<Watch>), Failure> {
    // Every tablet this run has listed, for `unverified`.
    let mut seen = Vec::new();
    let resolution = match look_up(session, question, &mut seen).await? {
        Ok(resolution) => resolution,
        Err(Unverifiable { found, why }) => {
            let alias = unverified(
                question,
                found.as_ref(),
                &seen,
                &why,
                allow_unverified,
                details,
                notes,
            )?;
            let watch = Watch::began(&seen, &alias, false);
            return Ok((alias, watch));
        }
    };
    match resolution {
        Resolution::Chosen(chosen) => {
            details.alias = Some(chosen.alias.to_string());
            details.failed_shard = chosen.shard.as_ref().map(ToString::to_string);
            details.shard_basis = Some(chosen.basis.as_str());
            details.verification = Some("verified");
            details.tablet = Some(chosen.tablet);
            details.tablet_type = Some(chosen.tablet_type);
            details.already_primary = chosen.already_primary;
            notes.extend(chosen.notes);
            let watch = Watch::began(&seen, &chosen.alias, true);
            Ok((chosen.alias, watch))
        }
        Resolution::Refused(refusal) => {
            details.failed_shard = refusal.shard.as_ref().map(ToString::to_string);
            details.candidates = refusal.candidates.clone();
            Err(Failure::new(
                FailureKind::SuccessorRefused,
                refusal.to_string(),
            ))
        }
    }
}

/// The listing and what the rules make of it: settled (chosen or refused), or unverifiable;
/// `seen` keeps the tablets listed.
async fn look_up(
    session: &mut Session,
    question: &Question,
    seen: &mut Vec<Tablet>,
) -> Result<Result<Resolution, Unverifiable>, Failure> {
    let unverifiable = |found: Option<TabletAlias>, why: String| Unverifiable { found, why };
    Ok(match list_tablets(session, true).await {
        Ok(listing) => {
            let scope = if listing.strict {
                Scope::WholeFleet
            } else {
                Scope::Fleet
            };
            let resolution = successor::resolve(&listing.tablets, scope, question);
            *seen = listing.tablets;
            match resolution {
                Resolution::Chosen(chosen) if chosen.confirm.is_some() => {
                    let why = format!(
                        "{}, and the legacy API has no strict listing of every cell to prove it",
                        chosen.confirm.clone().unwrap_or_default()
                    );
                    Err(unverifiable(Some(chosen.alias), why))
                }
                settled => Ok(settled),
            }
        }
        Err(failure)
            if failure.kind == FailureKind::VtctldRefused && cells_unreadable(&failure) =>
        {
            let readable = list_tablets(session, false).await?;
            let resolution = successor::resolve(&readable.tablets, Scope::Fleet, question);
            *seen = readable.tablets;
            let why = format!("vtctld cannot read every cell ({})", failure.message);
            match resolution {
                refused @ Resolution::Refused(_) => Ok(refused),
                Resolution::Chosen(chosen) => Err(unverifiable(Some(chosen.alias), why)),
            }
        }
        // An old vtctld whose legacy API cannot list tablets.
        Err(failure)
            if failure.kind == FailureKind::VtctldRefused
                && vtctld::retry::cannot_run_command(&failure.message) =>
        {
            let why = format!(
                "vtctld serves only the legacy API and could not list tablets ({})",
                failure.message
            );
            Err(unverifiable(None, why))
        }
        Err(failure) => return Err(failure),
    })
}

/// A choice that vtctld's listings cannot prove: what a listing chose, if anything, and why.
struct Unverifiable {
    found: Option<TabletAlias>,
    why: String,
}

/// Where vtctld cannot prove the successor, only the operator's explicit
/// `--allow-unverified-alias` lets a tablet go unproven: `found` (the choice of a listing that
/// may lack a cell) or else Orchestrator's alias. Never a tablet that any listing of this run
/// shows to be the failed primary, nor one that a listing contradicts (another tablet has the
/// successor's MySQL exactly).
fn unverified(
    question: &Question,
    found: Option<&TabletAlias>,
    seen: &[Tablet],
    why: &str,
    allow_unverified: bool,
    details: &mut Details,
    notes: &mut Vec<String>,
) -> Result<TabletAlias, Failure> {
    let refused = |message: String| Err(Failure::new(FailureKind::SuccessorRefused, message));
    if !allow_unverified {
        return refused(format!(
            "refusing to reparent: {why}; the successor cannot be verified, and only \
             --allow-unverified-alias sends a tablet alias unverified"
        ));
    }
    let Some(alias) = found.or(question.alias.as_ref()) else {
        return refused(format!(
            "refusing to reparent: {why}, and Orchestrator passed no successor alias, so the \
             successor's tablet cannot be found"
        ));
    };
    if let (Some(found), Some(given)) = (found, &question.alias)
        && found != given
    {
        return refused(format!(
            "refusing to reparent: {why}, and Orchestrator's alias {given} is not {found}, the \
             tablet vtctld's listing shows for the successor"
        ));
    }
    let same = |t: &&Tablet| tablet::alias_of(t).as_ref() == Some(alias);
    if let Some(failed) = &question.failed
        && let Some(own) = seen
            .iter()
            .filter(same)
            .find(|t| tablet::endpoint_match(t, failed).is_some())
    {
        return refused(format!(
            "refusing to reparent: {alias} is the failed primary {failed}'s own tablet ({})",
            tablet::describe(own)
        ));
    }
    if let Some(successor) = &question.successor
        && let Some(other) = seen.iter().find(|t| {
            tablet::endpoint_match(t, successor) == Some(crate::endpoint::HostMatch::Identical)
                && tablet::alias_of(t).as_ref() != Some(alias)
        })
    {
        return refused(format!(
            "refusing to reparent: {why}, and vtctld lists the successor {successor} as {}, \
             not {alias}",
            tablet::describe(other)
        ));
    }
    details.verification = Some("unverified");
    notes.push(format!(
        "{why}: {alias} is sent unverified, as --allow-unverified-alias asks"
    ));
    Ok(alias.clone())
}
