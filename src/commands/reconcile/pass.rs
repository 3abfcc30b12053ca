//! One pass: is this Orchestrator node the leader; vtctld's strict listing; then, shard by
//! shard, Orchestrator's recoveries and master, the verdict, and what is done about it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::Reconcile;
use super::act::{self, Action};
use super::report::{Pass, ShardReport};
use crate::exit::{Failure, FailureKind};
use crate::orchestrator::{Instance, Recovery};
use crate::proto::topodata::Tablet;
use crate::reconcile::{self, Verdict};
use crate::shard::Shard;
use crate::signals;
use crate::vtctld::list_tablets;
use crate::vtctld::listing::cells_unreadable;

impl Reconcile {
    /// One pass over every shard vtctld lists (or the one `--keyspace`/`--shard` name).
    pub(super) fn pass(&self) -> Pass {
        let mut pass = Pass::default();
        match self.api.is_leader() {
            Ok(true) => {}
            Ok(false) => {
                pass.standby = true;
                return pass;
            }
            Err(e) => {
                let message = format!("orchestrator {}: leader-check: {e}", self.api.root());
                pass.fail(e.kind(), message);
                return pass;
            }
        }
        let listed_at = Utc::now();
        let tablets = match self.list() {
            Ok(tablets) => tablets,
            Err(failure) => {
                pass.fail(failure.kind, format!("vtctld: {}", failure.message));
                return pass;
            }
        };
        for shard in self.shards(&tablets) {
            if let Some((number, name)) = signals::caught() {
                pass.fail(
                    FailureKind::Interrupted(number),
                    format!("{name}: the pass stopped before {shard}"),
                );
                break;
            }
            match self.shard(&shard, &tablets, listed_at) {
                Ok(report) => {
                    if let Some(kind) = report.failure_kind() {
                        pass.kinds.push(kind);
                    }
                    pass.shards.push(report);
                }
                Err(failure) => pass.fail(failure.kind, format!("{shard}: {}", failure.message)),
            }
        }
        pass
    }

    /// The shards of the listing this run is about.
    fn shards(&self, tablets: &[Tablet]) -> BTreeSet<Shard> {
        tablets
            .iter()
            .filter(|t| !t.keyspace.is_empty() && !t.shard.is_empty())
            .filter(|t| self.keyspace.as_ref().is_none_or(|k| *k == t.keyspace))
            .filter(|t| self.shard.as_ref().is_none_or(|s| *s == t.shard))
            .map(Shard::of)
            .collect()
    }

    /// One shard: its recoveries, the settled one, Orchestrator's master, the verdict, the action.
    fn shard(
        &self,
        shard: &Shard,
        tablets: &[Tablet],
        listed_at: DateTime<Utc>,
    ) -> Result<ShardReport, Failure> {
        let alias = format!("{}.{}", shard.keyspace, shard.shard);
        let orchestrator = |what: &str, e: crate::orchestrator::ApiError| {
            Failure::new(e.kind(), format!("orchestrator: {what}/{alias}: {e}"))
        };
        let recoveries: Vec<Recovery> = self
            .api
            .list(&["audit-recovery", "alias", &alias], |_: &Recovery| true)
            .map_err(|e| orchestrator("audit-recovery/alias", e))?;
        let report = |verdict: Verdict, note: Option<String>, action: Action| ShardReport {
            shard: shard.clone(),
            verdict,
            note,
            action,
        };
        let settled = match reconcile::settled(&recoveries, Utc::now(), self.settle) {
            Ok(settled) => settled,
            Err(verdict) => return Ok(report(verdict, None, Action::None)),
        };
        let master: Instance = self
            .api
            .get(&["master", &alias])
            .map_err(|e| orchestrator("master", e))?;
        let key = master.key.unwrap_or_default();
        let verdict = reconcile::judge(shard, tablets, &settled, &key, self.promotable);
        let action = match &verdict {
            Verdict::Converge { .. } if self.dry_run => Action::WouldSend,
            Verdict::Converge { tablet, .. } => act::converge(
                self,
                shard,
                &settled,
                tablet,
                &verdict.to_string(),
                listed_at,
            ),
            _ => Action::None,
        };
        Ok(report(verdict, settled.note.clone(), action))
    }

    /// Every tablet, listed strictly: a cell vtctld cannot read may hold a shard's live
    /// primary, so nothing is acted on without it.
    fn list(&self) -> Result<Vec<Tablet>, Failure> {
        let (runtime, mut session) = super::super::vtctld_session(&self.settings)?;
        let listing = runtime.block_on(async {
            tokio::select! {
                listing = list_tablets(&mut session, true) => listing,
                (number, name) = signals::wait() => Err(Failure::new(
                    FailureKind::Interrupted(number),
                    format!("{name} while listing vtctld's tablets"),
                )),
            }
        });
        runtime.shutdown_background();
        match listing {
            Ok(listing) if listing.strict => Ok(listing.tablets),
            Ok(_) => Err(Failure::new(
                FailureKind::VtctldRefused,
                "only the legacy API's ListAllTablets answered, which cannot promise every \
                 cell: nothing acted on"
                    .to_owned(),
            )),
            Err(failure) if cells_unreadable(&failure) => Err(Failure::new(
                failure.kind,
                format!(
                    "a cell vtctld cannot read: nothing acted on ({})",
                    failure.message
                ),
            )),
            Err(failure) => Err(failure),
        }
    }
}
