//! `reparent`'s turn on its shard (`record::shard_turn`): runs for one shard on this host take
//! turns, from once the shard is known until the outcome is settled, and a recovery that a run
//! before settled successfully is not sent again.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{SecondsFormat, Utc};

use crate::exit::{Failure, FailureKind};
use crate::record::Outcome;
use crate::record::shard_turn::{Settled, ShardTurn};
use crate::shard::Shard;
use crate::signals;

/// The hook name settlements of this command carry.
const HOOK: &str = "reparent";

/// What waiting for the turn gave.
#[derive(Debug)]
pub(super) enum Taken {
    Turn(ShardTurn),
    /// The turn file cannot be used (created, opened, or locked at all): the run goes on
    /// without a turn, as it would without a recovery log; the message says so.
    Unusable(String),
}

/// Waits for `shard`'s turn until `until`, off the runtime's thread so a signal still ends the
/// run. Another run holding the turn past `until` is the deadline passing (75), a signal during
/// the wait ends the run; either way nothing is sent.
pub(super) async fn take(log: &Path, shard: &Shard, until: Instant) -> Result<Taken, Failure> {
    let signals_before = signals::count();
    let (log, owned): (PathBuf, Shard) = (log.to_owned(), shard.clone());
    let taken = tokio::task::spawn_blocking(move || ShardTurn::take(&log, &owned, until))
        .await
        .map_err(|e| {
            Failure::new(
                FailureKind::Internal,
                format!("waiting for shard {shard}'s turn failed: {e}"),
            )
        })?;
    let error = match taken {
        Ok(turn) => return Ok(Taken::Turn(turn)),
        Err(error) => format!("{error:#}"),
    };
    if signals::count() != signals_before
        && let Some((number, name)) = signals::caught()
    {
        return Err(Failure::new(
            FailureKind::Interrupted(number),
            format!("interrupted by {name} while waiting for shard {shard}'s turn; nothing sent"),
        ));
    }
    if Instant::now() >= until {
        return Err(Failure::new(
            FailureKind::DeadlinePassed,
            format!(
                "deadline passed waiting for shard {shard}'s turn, held by another run for the \
                 shard; nothing sent: {error}"
            ),
        ));
    }
    Ok(Taken::Unusable(format!(
        "no turn taken for shard {shard} ({error}): the run goes on without one, so runs for \
         the shard are not serialized and a repeated recovery is not recognised"
    )))
}

/// The successful settlement of `recovery_uid` a run before this one left, if any.
pub(super) fn settled_before(turn: &ShardTurn, recovery_uid: Option<&str>) -> Option<Settled> {
    recovery_uid.and_then(|uid| turn.settled_ok(uid)).cloned()
}

/// Leaves this run's final `outcome` for the runs that follow.
pub(super) fn settle(
    turn: &mut ShardTurn,
    recovery_uid: &str,
    outcome: Outcome,
    tablet: Option<String>,
) -> Result<(), String> {
    turn.settle(Settled {
        recovery_uid: recovery_uid.to_owned(),
        hook: HOOK.to_owned(),
        outcome: outcome.as_str().to_owned(),
        tablet,
        at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
    })
    .map_err(|e| format!("{e:#}"))
}
