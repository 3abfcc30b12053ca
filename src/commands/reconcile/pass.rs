//! One pass: is this Orchestrator node the leader; vtctld's strict listing; then, shard by
//! shard, Orchestrator's recoveries and master, the verdict, and what is done about it.

use std::collections::BTreeSet;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Reconcile;
use super::act::{self, Action};
use super::report::{Pass, ShardReport};
use crate::endpoint::{HostMatch, host_match};
use crate::exit::{Failure, FailureKind};
use crate::orchestrator::{ApiError, Instance, OrchestratorApi, Recovery};
use crate::proto::topodata::Tablet;
use crate::reconcile::{self, Verdict};
use crate::shard::Shard;
use crate::signals;
use crate::vtctld::list_tablets;
use crate::vtctld::listing::cells_unreadable;

/// How many pages of a shard's recoveries a pass reads at most.
const PAGES: usize = 5;

impl Reconcile {
    /// One pass over every shard vtctld lists (or the ones `--keyspace`/`--shard` name).
    pub(super) fn pass(&self) -> Pass {
        let mut pass = Pass::default();
        match self.ask("leader-check", OrchestratorApi::is_leader) {
            Ok(true) => {}
            Ok(false) => {
                pass.standby = true;
                return pass;
            }
            Err(failure) => {
                pass.fail(failure.kind, failure.message);
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
        let shards = self.shards(&tablets);
        if shards.is_empty() && (self.keyspace.is_some() || self.shard.is_some()) {
            pass.fail(
                FailureKind::Config,
                format!(
                    "no shard of vtctld's listing is {}: nothing watched (vtctld names shards \
                     like commerce and -80)",
                    self.filter_text()
                ),
            );
            return pass;
        }
        for shard in shards {
            if let Some((number, name)) = signals::caught() {
                pass.fail(
                    FailureKind::Interrupted(number),
                    format!("{name}: the pass stopped before {shard}"),
                );
                break;
            }
            crate::metrics::daemon::progress();
            match self.shard(&shard, &tablets, listed_at) {
                Ok(report) => {
                    if let Some(kind) = report.failure_kind() {
                        pass.kinds.push(kind);
                    }
                    pass.shards.push(report);
                }
                // An Orchestrator that does not answer would cost every shard its timeouts, and
                // a signal ends the pass.
                Err(failure)
                    if matches!(
                        failure.kind,
                        FailureKind::Unreachable | FailureKind::Interrupted(_)
                    ) =>
                {
                    pass.fail(
                        failure.kind,
                        format!("{shard}: {}; the pass stopped there", failure.message),
                    );
                    break;
                }
                Err(failure) => pass.fail(failure.kind, format!("{shard}: {}", failure.message)),
            }
        }
        pass
    }

    /// `--keyspace commerce --shard 0`, as given.
    fn filter_text(&self) -> String {
        let keyspace = self
            .keyspace
            .as_deref()
            .map(|k| format!("--keyspace {k:?}"));
        let shard = self.shard.as_deref().map(|s| format!("--shard {s:?}"));
        keyspace
            .into_iter()
            .chain(shard)
            .collect::<Vec<_>>()
            .join(" ")
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
        let recoveries = self.recoveries(&alias)?;
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
        let key = self.master_of(&settled)?;
        let verdict = reconcile::judge(shard, tablets, &settled, &key, self.promotable);
        let action = match &verdict {
            Verdict::Converge { .. } if self.dry_run => Action::WouldSend,
            Verdict::Converge { tablet, .. } => act::converge(
                self,
                shard,
                &settled,
                tablet,
                &verdict.to_string(),
                (tablets, listed_at),
            ),
            _ => Action::None,
        };
        Ok(report(verdict, settled.note.clone(), action))
    }

    /// The master of the successor's own cluster (its name is the successor's key: an alias may
    /// still name the dead primary's one-instance cluster too), as the recovery spells the
    /// successor when Orchestrator's spelling is the same host (case, a trailing dot).
    fn master_of(
        &self,
        settled: &reconcile::SettledRecovery<'_>,
    ) -> Result<crate::orchestrator::InstanceKey, Failure> {
        let (host, port) = settled.recovery.successor().unwrap_or_default();
        let cluster = format!("{host}:{port}");
        let asked = format!("master/{cluster}");
        let master: Instance = self.ask(&asked, move |api| {
            api.get::<Instance>(&["master", &cluster])
        })?;
        let Some((master_host, master_port)) = master.key.as_ref().and_then(|k| k.endpoint())
        else {
            return Err(Failure::new(
                FailureKind::OrchestratorRefused,
                format!("orchestrator: {asked}: the answer names no instance"),
            ));
        };
        let same = master_port == port
            && host_match(&master_host, &host).is_some_and(|m| m >= HostMatch::Equivalent);
        let (hostname, port) = if same {
            (host, port)
        } else {
            (master_host, master_port)
        };
        Ok(crate::orchestrator::InstanceKey {
            hostname,
            port: i64::from(port),
        })
    }

    /// The alias's recoveries, newest first: page after page (Orchestrator's `AuditPageSize`
    /// each) until one holds a master failure's recovery, [`PAGES`] at most. A recovery filed
    /// under another alias than the one asked for is left out.
    fn recoveries(&self, alias: &str) -> Result<Vec<Recovery>, Failure> {
        let owned = alias.to_owned();
        let all = self.ask(&format!("audit-recovery/alias/{alias}"), move |api| {
            let mut all = Vec::new();
            for page in 0..PAGES {
                let page = page.to_string();
                let listed: Vec<Recovery> = api.list(
                    &["audit-recovery", "alias", &owned, &page],
                    |r: &Recovery| {
                        let filed = r.analysis.cluster.cluster_alias.trim();
                        filed.is_empty() || filed == owned
                    },
                )?;
                let found = listed.iter().any(reconcile::is_master_failure);
                let empty = listed.is_empty();
                all.extend(listed);
                if found || empty {
                    break;
                }
            }
            Ok(all)
        })?;
        Ok(all)
    }

    /// One Orchestrator call (`what` names it in messages) on a thread of its own, so that a
    /// signal ends the wait at once; the call itself is bounded by `--orc-timeout`, and one a
    /// signal abandoned ends with the process.
    pub(super) fn ask<T: Send + 'static>(
        &self,
        what: &str,
        call: impl FnOnce(&OrchestratorApi) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, Failure> {
        let api = Arc::clone(&self.api);
        let (sender, answer) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = sender.send(call(&api));
        });
        let failure = |e: ApiError| {
            Failure::new(
                e.kind(),
                format!("orchestrator {}: {what}: {e}", self.api.root()),
            )
        };
        loop {
            match answer.recv_timeout(Duration::from_millis(50)) {
                Ok(result) => return result.map_err(failure),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some((number, name)) = signals::caught() {
                        return Err(Failure::new(
                            FailureKind::Interrupted(number),
                            format!("{name} while asking Orchestrator for {what}"),
                        ));
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Failure::new(
                        FailureKind::Internal,
                        format!("the call for {what} ended without an answer"),
                    ));
                }
            }
        }
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
