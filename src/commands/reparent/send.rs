//! Sending the reparent: the successor proven (`choose`), the shard's turn taken, then
//! TabletExternallyReparented attempt by attempt, each after checking that no newer failover
//! took the shard (vtctld's listing of it, and with `--orc-api-url` Orchestrator's recoveries).

use std::time::Duration;

use super::choose::choose;
use super::latest::NewerRecovery;
use super::latest::{self, LatestCheck, Verdict};
use super::newer::Newer;
use super::newer::{Step, Watch};
use super::recovery_uid;
use super::turn::{self, Taken};
use crate::alias::TabletAlias;
use crate::exit::{Failure, FailureKind};
use crate::record::Details;
use crate::record::recorder::Recorder;
use crate::record::shard_turn::Settled;
use crate::record::shard_turn::ShardTurn;
use crate::signals;
use crate::successor::Question;
use crate::vtctld::{ApiKind, CallError, Client, Reparented, Rpc, Session};

/// What a run that went to vtctld did.
pub(in crate::commands) enum Done {
    Reparented(Reparented),
    /// Before an attempt, the shard had a newer primary: nothing sent.
    Superseded(Newer),
    /// Before an attempt, Orchestrator listed a newer master recovery: nothing sent.
    Outdated(NewerRecovery),
    /// A run before this one settled the recovery: nothing sent.
    Duplicate(Settled),
}

/// The shard's turn, as `reparent` takes and holds it.
pub(super) struct Turns<'a> {
    /// Set once taken; held by `execute` until the outcome is settled.
    pub(super) turn: &'a mut Option<ShardTurn>,
    /// The run's deadline: the turn is waited for no longer.
    pub(super) until: std::time::Instant,
    /// What each reparent attempt got to do (see `newer::relabel`).
    pub(super) steps: &'a mut Vec<Step>,
}

/// Takes the turn of the shard the reparent acts on, once it is known: the successor's own
/// shard, else the one a `keyspace.shard` cluster alias names. A run that knows neither takes
/// no turn, and says so.
async fn take_turn(
    recorder: &Recorder,
    shard: Option<&crate::shard::Shard>,
    until: std::time::Instant,
    notes: &mut Vec<String>,
) -> Result<Option<ShardTurn>, Failure> {
    let Some(shard) = shard else {
        notes.push(
            "the shard is unknown: no turn taken, so runs for it are not serialized".to_owned(),
        );
        return Ok(None);
    };
    match turn::take(recorder.log_path(), shard, until).await? {
        Taken::Turn(turn) => {
            notes.extend(turn.note.clone());
            Ok(Some(turn))
        }
        Taken::Unusable(why) => {
            crate::output::err(&format!("warning: {why}"));
            notes.push(why);
            Ok(None)
        }
    }
}

/// Proves the successor, takes the shard's turn, then sends TabletExternallyReparented unless
/// a run before settled this recovery, or (checked before every attempt) a newer failover
/// superseded it: vtctld lists a newer primary, or (`latest`) Orchestrator a newer recovery.
#[allow(clippy::too_many_arguments)]
pub(super) async fn reparent(
    session: &mut Session,
    question: &Question,
    details: &mut Details,
    notes: &mut Vec<String>,
    recorder: &mut Recorder,
    allow_unverified: bool,
    turns: Turns<'_>,
    latest: Option<&mut LatestCheck>,
) -> Result<Done, Failure> {
    let (alias, watch) = choose(session, question, details, notes, allow_unverified).await?;
    if watch.is_none() {
        notes.push(format!(
            "no listing of this run holds {alias}: a newer failover of its shard is not \
             checked for before the reparent"
        ));
    }
    let shard = watch
        .as_ref()
        .map(|w| &w.shard)
        .or(question.cluster_shard.as_ref());
    *turns.turn = take_turn(recorder, shard, turns.until, notes).await?;
    if let Some(turn) = turns.turn.as_ref()
        && let Some(earlier) = turn::settled_before(turn, recovery_uid(recorder).as_deref())
    {
        return Ok(Done::Duplicate(earlier));
    }
    // From here on vtctld is told: a bug must not lose which tablet that was.
    details.set_attempts(session.attempts("IN_FLIGHT"));
    recorder.progress(details);
    // A signal that came during the look-up stops the run before anything is sent.
    if let Some((number, name)) = signals::caught() {
        return Err(Failure::new(
            FailureKind::Interrupted(number),
            format!("interrupted by {name} before the reparent was sent"),
        ));
    }
    let mut attempt = Attempt {
        alias: &alias,
        watch: watch.as_ref(),
        latest,
        steps: turns.steps,
        notes,
        deadline: tokio::time::Instant::from_std(turns.until),
    };
    session
        .call(
            Rpc::TabletExternallyReparented,
            async |client, index, api, budget| attempt.run(client, index, api, budget).await,
        )
        .await
}

/// One reparent attempt: the checks for a newer failover, then the call. `reconcile` sends its
/// reparents through it too.
pub(in crate::commands) struct Attempt<'a> {
    alias: &'a TabletAlias,
    /// The successor's shard as the run's listing showed it; `None` when no listing held it.
    watch: Option<&'a Watch>,
    latest: Option<&'a mut LatestCheck>,
    /// What each attempt got to do (see `newer::relabel`).
    steps: &'a mut Vec<Step>,
    notes: &'a mut Vec<String>,
    deadline: tokio::time::Instant,
}

impl<'a> Attempt<'a> {
    pub(in crate::commands) fn new(
        alias: &'a TabletAlias,
        watch: Option<&'a Watch>,
        latest: Option<&'a mut LatestCheck>,
        steps: &'a mut Vec<Step>,
        notes: &'a mut Vec<String>,
        deadline: tokio::time::Instant,
    ) -> Self {
        Self {
            alias,
            watch,
            latest,
            steps,
            notes,
            deadline,
        }
    }

    /// Orchestrator is asked while vtctld lists the shard, so the check adds no latency of its
    /// own; its answer is waited for at most half the attempt. The listing is part of the
    /// attempt: one that fails fails the attempt, retried (or not) as any failed call is; it
    /// never counts as "not superseded".
    pub(in crate::commands) async fn run(
        &mut self,
        client: &mut Client,
        index: usize,
        api: ApiKind,
        budget: Duration,
    ) -> Result<Done, CallError> {
        self.steps.push(Step::Checking);
        let pending = self.latest.as_deref().and_then(LatestCheck::start);
        let until = latest::wait_until(budget, self.deadline);
        let latest = self.latest.as_deref_mut();
        let checked = async {
            match (pending, latest) {
                (Some(pending), Some(check)) => Some(check.finish(pending, until).await),
                _ => None,
            }
        };
        let watch = self.watch;
        let listed = async {
            let Some(watch) = watch else {
                return Ok(None);
            };
            match api {
                ApiKind::Vtctld => client
                    .get_tablets(index, watch.request(), budget)
                    .await
                    .map(Some),
                ApiKind::Vtctl => client.list_tablets_legacy(index, budget).await.map(Some),
            }
        };
        let (checked, listed) = tokio::join!(checked, listed);
        // Orchestrator's newer recovery stops the run even when vtctld's listing failed.
        if let Some(done) = self.orchestrator_says(checked) {
            return Ok(done);
        }
        if let (Some(watch), Some(tablets)) = (self.watch, listed?)
            && let Some(newer) = watch.newer(&tablets)
        {
            mark(self.steps, Step::Superseded);
            return Ok(Done::Superseded(newer));
        }
        mark(self.steps, Step::Sent);
        // The call is still sent with the attempt's whole budget (the legacy `action_timeout` is
        // `--attempt-timeout`, as documented); the retry loop's timeout bounds the check and the
        // call together.
        let reparented = match api {
            ApiKind::Vtctld => client.reparent_typed(index, self.alias, budget).await?,
            ApiKind::Vtctl => client.reparent_legacy(index, self.alias, budget).await?,
        };
        Ok(Done::Reparented(reparented))
    }

    /// What Orchestrator's recoveries say: a newer one ends the run; one it cannot tell, or a
    /// check that failed, is a note.
    fn orchestrator_says(&mut self, checked: Option<Result<Verdict, String>>) -> Option<Done> {
        match checked {
            Some(Ok(Verdict::Newer(newer))) => {
                mark(self.steps, Step::Superseded);
                return Some(Done::Outdated(newer));
            }
            Some(Ok(Verdict::Unknown(why))) => {
                let note = format!(
                    "{why}: Orchestrator's recoveries cannot show whether a newer one exists"
                );
                if !self.notes.contains(&note) {
                    self.notes.push(note);
                }
            }
            Some(Err(note)) => self.notes.push(note),
            Some(Ok(Verdict::Latest)) | None => {}
        }
        None
    }
}

/// Marks what the current attempt got to do.
fn mark(steps: &mut [Step], step: Step) {
    if let Some(last) = steps.last_mut() {
        *last = step;
    }
}
