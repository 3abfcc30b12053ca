//! What one pass found (`Pass`), its exit status, its report (text or JSON), and what
//! `--interval` logs between passes: only what changed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::super::interval::failure_key;
use super::act::Action;
use crate::exit::{ExitStatus, FailureKind};
use crate::metrics::daemon::{PassResult, Reconciled};
use crate::output;
use crate::output::OutputFormat;
use crate::reconcile::Verdict;
use crate::shard::Shard;

/// What a pass found for one shard and did about it.
#[derive(Debug, Clone)]
pub(super) struct ShardReport {
    pub(super) shard: Shard,
    pub(super) verdict: Verdict,
    /// How Orchestrator's end time was read, when not as UTC.
    pub(super) note: Option<String>,
    pub(super) action: Action,
}

impl ShardReport {
    /// The failure the shard adds to the pass: a refused successor needs a person; a failed
    /// reparent is its own failure.
    pub(super) fn failure_kind(&self) -> Option<FailureKind> {
        match (&self.verdict, &self.action) {
            (_, Action::Failed(kind, _)) => Some(*kind),
            (
                _,
                Action::Sent {
                    record_error: Some(_),
                    ..
                },
            ) => Some(FailureKind::RecordMissing),
            (Verdict::SuccessorRefused { .. }, _) => Some(FailureKind::SuccessorRefused),
            (Verdict::Unreadable { .. }, _) => Some(FailureKind::OrchestratorRefused),
            _ => None,
        }
    }

    fn line(&self) -> String {
        let action = match &self.action {
            Action::None => String::new(),
            Action::WouldSend => " -> would send TabletExternallyReparented".to_owned(),
            Action::Sent {
                how,
                record_error: None,
            } => format!(" -> reparented: {how}"),
            Action::Sent {
                how,
                record_error: Some(e),
            } => {
                format!(" -> reparented: {how} (but {e})")
            }
            Action::Failed(_, why) => format!(" -> reparent failed: {why}"),
            Action::Busy(why) => format!(" -> left to the run holding its turn ({why})"),
            Action::Changed(why) => format!(" -> not acted on: {why}"),
        };
        format!(
            "{}: {}: {}{action}",
            self.shard,
            self.verdict.kind(),
            self.verdict
        )
    }

    fn json(&self) -> Value {
        json!({
            "shard": self.shard.to_string(),
            "verdict": self.verdict.kind(),
            "recovery_uid": self.verdict.uid(),
            "detail": self.verdict.to_string(),
            "note": self.note,
            "action": self.action.kind(),
            "action_detail": match &self.action {
                Action::Sent { how: s, .. }
                | Action::Failed(_, s)
                | Action::Busy(s)
                | Action::Changed(s) => Some(s.as_str()),
                Action::None | Action::WouldSend => None,
            },
        })
    }
}

/// What one pass found.
#[derive(Debug, Default)]
pub(super) struct Pass {
    /// This Orchestrator node does not lead: nothing was looked at.
    pub(super) standby: bool,
    pub(super) shards: Vec<ShardReport>,
    pub(super) failures: Vec<String>,
    pub(super) kinds: Vec<FailureKind>,
}

impl Pass {
    pub(super) fn fail(&mut self, kind: FailureKind, message: String) {
        self.kinds.push(kind);
        self.failures.push(message);
    }

    pub(super) fn status(&self) -> ExitStatus {
        crate::exit::fold(&self.kinds)
    }

    /// How the pass ended, for the metrics.
    pub(super) fn result(&self) -> PassResult {
        match (self.standby, self.kinds.is_empty()) {
            (_, false) => PassResult::Failed,
            (true, true) => PassResult::Standby,
            (false, true) => PassResult::Ok,
        }
    }

    /// What the pass found and did, for the metrics.
    pub(super) fn metrics(&self) -> Reconciled {
        let sent = |failed: bool| {
            self.shards
                .iter()
                .filter(|s| match &s.action {
                    Action::Sent { .. } => !failed,
                    Action::Failed(..) => failed,
                    _ => false,
                })
                .count()
        };
        Reconciled {
            standby: self.standby,
            verdicts: self.counts(),
            reparents_ok: sent(false),
            reparents_failed: sent(true),
        }
    }

    fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for shard in &self.shards {
            *counts.entry(shard.verdict.kind()).or_insert(0) += 1;
        }
        counts
    }

    fn summary(&self, dry_run: bool) -> String {
        if self.standby {
            return "reconcile: standby: this Orchestrator node does not lead; nothing looked at"
                .to_owned();
        }
        let counts: Vec<String> = self
            .counts()
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        let sent = self
            .shards
            .iter()
            .filter(|s| matches!(s.action, Action::Sent { .. }))
            .count();
        // Every failure of the pass: its own, and the shards'.
        let failures = self.kinds.len();
        format!(
            "reconcile{}: {} shard{}{}{}; {sent} reparented, {failures} failure{}",
            if dry_run { " (dry run)" } else { "" },
            self.shards.len(),
            crate::output::plural(self.shards.len()),
            if counts.is_empty() { "" } else { ": " },
            counts.join(", "),
            crate::output::plural(failures),
        )
    }

    /// The one-pass report: a line per shard that is not in sync, the failures, a summary.
    pub(super) fn report(&self, format: OutputFormat, dry_run: bool) {
        match format {
            OutputFormat::Text => {
                for shard in &self.shards {
                    if !matches!(shard.verdict, Verdict::InSync { .. } | Verdict::NoRecovery) {
                        output::out(&shard.line());
                    }
                }
                for failure in &self.failures {
                    output::err(&format!("error: {failure}"));
                }
                output::out(&self.summary(dry_run));
            }
            OutputFormat::Json => output::out(
                &json!({
                    "dry_run": dry_run,
                    "standby": self.standby,
                    "exit_status": self.status().code(),
                    "summary": self.summary(dry_run),
                    "counts": self.counts(),
                    "shards": self.shards.iter().map(ShardReport::json).collect::<Vec<_>>(),
                    "failures": self.failures,
                })
                .to_string(),
            ),
        }
    }
}

/// What the previous passes reported, for `--interval`'s log of changes.
#[derive(Debug, Default)]
pub(super) struct Changes {
    standby: Option<bool>,
    /// Each shard's last verdict and action kinds.
    shards: BTreeMap<String, (&'static str, &'static str)>,
    /// The failures of the last pass, keyed without their counts and timings.
    failures: BTreeSet<String>,
}

impl Changes {
    /// Logs what `pass` changed, then remembers it: a shard whose verdict or action changed,
    /// every reparent sent or failed, failures that are new.
    pub(super) fn log(&mut self, pass: &Pass, format: OutputFormat) {
        if self.standby != Some(pass.standby) {
            event(
                format,
                "leadership",
                if pass.standby { "standby" } else { "leader" },
            );
            self.standby = Some(pass.standby);
        }
        for shard in &pass.shards {
            let key = shard.shard.to_string();
            let now = (shard.verdict.kind(), shard.action.kind());
            let acted = matches!(shard.action, Action::Sent { .. } | Action::Failed(..));
            if acted || self.shards.get(&key) != Some(&now) {
                match format {
                    OutputFormat::Text => output::out(&shard.line()),
                    OutputFormat::Json => {
                        let mut line = shard.json();
                        line["event"] = json!("shard");
                        output::out(&line.to_string());
                    }
                }
            }
            self.shards.insert(key, now);
        }
        let failing: BTreeSet<String> = pass.failures.iter().map(|f| failure_key(f)).collect();
        for failure in &pass.failures {
            if !self.failures.contains(&failure_key(failure)) {
                event(format, "failure", failure);
            }
        }
        self.failures = failing;
    }
}

fn event(format: OutputFormat, kind: &str, detail: &str) {
    match format {
        OutputFormat::Text => output::out(&format!("{kind}: {detail}")),
        OutputFormat::Json => output::out(&json!({"event": kind, "detail": detail}).to_string()),
    }
}
