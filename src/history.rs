//! Pure: a recovery log's records grouped into failovers (by recovery UID; a run without one
//! stands alone), and what `history --check` makes of them. The records come in as their fields
//! (`record::read`), in the log's order.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::record::read::Line;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The outcomes a failover may end with and still be well: done, or nothing that needed doing.
const WELL: &[&str] = &["ok", "superseded", "duplicate", "skipped"];

/// One failover, as its records tell it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Failover {
    pub recovery_uid: Option<String>,
    /// The first and the last record's time.
    pub first: String,
    pub last: String,
    /// `keyspace/shard` when a record names it, else the cluster alias or name.
    pub shard: Option<String>,
    pub failed: Option<String>,
    pub successor: Option<String>,
    /// The tablet made (or to be made) primary.
    pub tablet: Option<String>,
    /// The final outcome of the last `reparent` or `reconcile` run; without one, the last
    /// record's.
    pub outcome: String,
    pub exit_status: Option<u64>,
    pub duration_ms: Option<u64>,
    pub attempts: Option<u64>,
    pub server: Option<String>,
    /// Who wrote records: `reparent`, `reconcile`, or the hook lists `record` wrote for.
    pub hooks: Vec<String>,
    pub records: usize,
    /// Whether a `reparent` or `reconcile` run reached a final record.
    #[serde(skip)]
    pub settled: bool,
}

impl Failover {
    /// Whether the failover ended well: see [`WELL`].
    pub fn well(&self) -> bool {
        WELL.contains(&self.outcome.as_str())
    }

    /// Takes in one more record of this failover.
    fn take(&mut self, fields: &Line<'_>) {
        let text = |key: &str| fields.text(key);
        let number = |key: &str| fields.number(key);
        let ts = text("ts").unwrap_or_default();
        if self.records == 0 {
            ts.clone_into(&mut self.first);
        }
        ts.clone_into(&mut self.last);
        self.records += 1;
        let hook = text("hook").unwrap_or("reparent");
        if !self.hooks.iter().any(|h| h == hook) {
            self.hooks.push(hook.to_owned());
        }
        let endpoint = |host: &str, port: &str| {
            text(host).map(|h| match number(port) {
                Some(p) => format!("{h}:{p}"),
                None => h.to_owned(),
            })
        };
        if text("failed_shard").is_some() || self.shard.is_none() {
            let shard = crate::record::read::shard_of(text);
            if self.shard.as_deref() != shard.as_deref() {
                self.shard = shard.map(std::borrow::Cow::into_owned);
            }
        }
        if self.failed.is_none() {
            self.failed = endpoint("failed_host", "failed_port");
        }
        if self.successor.is_none() {
            self.successor = endpoint("successor_host", "successor_port");
        }
        let outcome = text("outcome").unwrap_or_default();
        let final_run = matches!(hook, "reparent" | "reconcile") && outcome != "received";
        if final_run || !self.settled {
            outcome.clone_into(&mut self.outcome);
            self.settled |= final_run;
            self.exit_status = number("exit_status").or(self.exit_status);
            self.duration_ms = number("duration_ms").or(self.duration_ms);
            self.attempts = number("attempts").or(self.attempts);
            fill(&mut self.server, text("server"));
            fill(
                &mut self.tablet,
                text("new_primary").or_else(|| text("alias")),
            );
        }
    }

    /// Whether the failover matches `--cluster`: its shard, alias or cluster name.
    fn of_cluster(&self, cluster: &str) -> bool {
        self.shard.as_deref() == Some(cluster)
            || self.shard.as_deref() == Some(&cluster.replacen('.', "/", 1))
    }
}

/// Keeps `new` when there is one (allocating only when it differs).
fn fill(slot: &mut Option<String>, new: Option<&str>) {
    if let Some(new) = new
        && slot.as_deref() != Some(new)
    {
        *slot = Some(new.to_owned());
    }
}

/// What `history` shows of a log.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// A `keyspace.shard` alias, `keyspace/shard`, or a cluster name.
    pub cluster: Option<String>,
    pub outcome: Option<String>,
}

impl Filter {
    /// Whether a record's time is inside `--since`/`--until` (a record without a readable time
    /// is kept: it is shown, never silently dropped).
    fn in_time(&self, fields: &Line<'_>) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        let Some(ts) = fields
            .text("ts")
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        else {
            return true;
        };
        let ts = ts.with_timezone(&Utc);
        self.since.is_none_or(|s| ts >= s) && self.until.is_none_or(|u| ts <= u)
    }

    fn keeps(&self, failover: &Failover) -> bool {
        self.cluster
            .as_deref()
            .is_none_or(|c| failover.of_cluster(c))
            && self
                .outcome
                .as_deref()
                .is_none_or(|o| failover.outcome == o)
    }
}

/// The failovers of a log, read one record at a time. Only the newest `keep` failovers are held
/// (a log of a million records needs no more memory than those), so a failover whose records
/// are further apart than `keep` others may show as two.
#[derive(Debug)]
pub struct History {
    filter: Filter,
    keep: usize,
    /// Failovers by number, the numbers in the order their first record came, and each UID's.
    held: HashMap<u64, Failover>,
    order: VecDeque<u64>,
    by_uid: HashMap<String, u64>,
    next: u64,
    /// The failover the last record went to.
    touched: Option<u64>,
    /// Each shard's last settled failover, by number.
    last_settled: BTreeMap<String, u64>,
    /// Failovers no longer held for the table that are still their shard's last settled one.
    retained: HashMap<u64, Failover>,
    pub records: usize,
    /// Lines that were no record (torn, foreign), with the first one's reason.
    pub not_records: usize,
    pub first_not_record: Option<String>,
    /// Final records by outcome, over the whole log (inside the time filter).
    pub outcomes: BTreeMap<String, usize>,
}

impl History {
    pub fn new(filter: Filter, keep: usize) -> Self {
        Self {
            filter,
            keep: keep.max(1),
            held: HashMap::new(),
            order: VecDeque::new(),
            by_uid: HashMap::new(),
            next: 0,
            touched: None,
            last_settled: BTreeMap::new(),
            retained: HashMap::new(),
            records: 0,
            not_records: 0,
            first_not_record: None,
            outcomes: BTreeMap::new(),
        }
    }

    /// Takes in one line of the log, as `record::read::lazy_line` read it.
    pub fn line(&mut self, parsed: Result<Line<'_>, String>) {
        match parsed {
            Ok(fields) => self.record(&fields),
            Err(why) => {
                self.not_records += 1;
                self.first_not_record.get_or_insert(why);
            }
        }
    }

    /// The failover the last record read joined (or began), when the filters keep it: what
    /// `--follow` prints as records come.
    pub fn latest(&self) -> Option<&Failover> {
        let id = self.touched?;
        self.held.get(&id).filter(|f| self.filter.keeps(f))
    }

    fn record(&mut self, fields: &Line<'_>) {
        self.touched = None;
        if !self.filter.in_time(fields) {
            return;
        }
        self.records += 1;
        if let Some(outcome) = fields.text("outcome")
            && fields.has("exit_status")
        {
            match self.outcomes.get_mut(outcome) {
                Some(count) => *count += 1,
                None => {
                    self.outcomes.insert(outcome.to_owned(), 1);
                }
            }
        }
        let uid = fields.text("recovery_uid");
        let found = uid
            .and_then(|u| self.by_uid.get(u))
            .and_then(|id| self.held.get_mut(id));
        if let Some(failover) = found {
            failover.take(fields);
            self.touched = uid.and_then(|u| self.by_uid.get(u)).copied();
            self.remember_settled();
            return;
        }
        let uid = uid.map(str::to_owned);
        let mut failover = Failover {
            recovery_uid: uid.clone(),
            ..Failover::default()
        };
        failover.take(fields);
        let id = self.next;
        self.next += 1;
        if let Some(uid) = uid {
            self.by_uid.insert(uid, id);
        }
        self.held.insert(id, failover);
        self.order.push_back(id);
        self.touched = Some(id);
        self.remember_settled();
        // Hold a little more than asked, so a late record of a recent failover still finds it.
        while self.order.len() > self.keep + 1000 {
            let Some(id) = self.order.pop_front() else {
                break;
            };
            let Some(old) = self.held.remove(&id) else {
                continue;
            };
            if let Some(uid) = &old.recovery_uid {
                self.by_uid.remove(uid);
            }
            if self.is_last_settled(id, &old) {
                self.retained.insert(id, old);
            }
        }
        // A retained failover whose shard has a newer last one is no longer needed.
        if self.retained.len() > self.last_settled.len() {
            let last: std::collections::HashSet<u64> =
                self.last_settled.values().copied().collect();
            self.retained.retain(|id, _| last.contains(id));
        }
    }

    /// The held failovers, oldest first.
    fn held(&self) -> impl Iterator<Item = &Failover> {
        self.order.iter().filter_map(|id| self.held.get(id))
    }

    /// The newest `keep` failovers that pass the filter, oldest first.
    pub fn failovers(&self) -> Vec<&Failover> {
        let kept: Vec<&Failover> = self.held().filter(|f| self.filter.keeps(f)).collect();
        let skip = kept.len().saturating_sub(self.keep);
        kept.into_iter().skip(skip).collect()
    }

    /// Notes the failover the last record went to as its shard's last settled one, when a
    /// `reparent` or `reconcile` run settled it: `--check` judges every shard of the log, however
    /// few failovers are held for the table (one evicted from those is retained while it is its
    /// shard's last).
    fn remember_settled(&mut self) {
        let Some(id) = self.touched else {
            return;
        };
        let Some(failover) = self.held.get(&id).filter(|f| f.settled) else {
            return;
        };
        let shard = failover.shard.as_deref().unwrap_or_default();
        match self.last_settled.get_mut(shard) {
            Some(last) if *last > id => {}
            Some(last) => *last = id,
            None => {
                self.last_settled.insert(shard.to_owned(), id);
            }
        }
    }

    /// Whether `failover` (number `id`) is its shard's last settled one.
    fn is_last_settled(&self, id: u64, failover: &Failover) -> bool {
        let shard = failover.shard.as_deref().unwrap_or_default();
        self.last_settled.get(shard) == Some(&id)
    }

    /// `--check`: the shards (of `--cluster`, when given) whose last failover a `reparent` or
    /// `reconcile` run settled did not end well.
    pub fn unwell(&self) -> Vec<&Failover> {
        let mut ids: Vec<u64> = self.last_settled.values().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        ids.iter()
            .filter_map(|id| self.held.get(id).or_else(|| self.retained.get(id)))
            .filter(|f| {
                self.filter
                    .cluster
                    .as_deref()
                    .is_none_or(|c| f.of_cluster(c))
            })
            .filter(|f| !f.well())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn fields(value: Value) -> Line<'static> {
        match value {
            Value::Object(map) => Line::Json(map),
            other => panic!("not an object: {other}"),
        }
    }

    fn history(lines: Vec<Value>) -> History {
        let mut history = History::new(Filter::default(), 10);
        for line in lines {
            history.line(Ok(fields(line)));
        }
        history
    }

    #[test]
    fn records_group_by_recovery_and_a_later_reconcile_completes_a_failover() {
        let h = history(vec![
            json!({"ts": "2026-12-07T16:00:00Z", "outcome": "received", "recovery_uid": "r1",
                   "failure_cluster_alias": "commerce.0", "failed_host": "db1", "failed_port": 3306}),
            json!({"ts": "2026-12-07T16:00:01Z", "outcome": "failed", "recovery_uid": "r1",
                   "failed_shard": "commerce/0", "exit_status": 75}),
            json!({"ts": "2026-12-07T16:00:02Z", "outcome": "recorded", "hook": "PostFailover",
                   "recovery_uid": "r1"}),
            json!({"ts": "2026-12-07T16:01:00Z", "outcome": "ok", "exit_status": 0}),
        ]);
        let failovers = h.failovers();
        assert_eq!(failovers.len(), 2);
        assert_eq!(failovers[0].outcome, "failed");
        assert_eq!(failovers[0].shard.as_deref(), Some("commerce/0"));
        assert_eq!(failovers[0].failed.as_deref(), Some("db1:3306"));
        assert_eq!(failovers[0].hooks, ["reparent", "PostFailover"]);
        assert_eq!(h.unwell().len(), 1);

        let mut h = h;
        h.line(Ok(fields(
            json!({"ts": "2026-12-07T16:10:00Z", "outcome": "ok",
            "hook": "reconcile", "recovery_uid": "r1", "exit_status": 0}),
        )));
        assert_eq!(h.failovers()[0].outcome, "ok");
        assert!(h.unwell().is_empty());
        assert_eq!(h.outcomes.get("failed"), Some(&1));
    }

    #[test]
    fn lines_that_are_no_records_are_counted_and_filters_apply() {
        let mut h = History::new(
            Filter {
                since: DateTime::parse_from_rfc3339("2026-12-07T00:00:00Z")
                    .ok()
                    .map(|t| t.with_timezone(&Utc)),
                cluster: Some("customer.-80".to_owned()),
                ..Filter::default()
            },
            10,
        );
        h.line(Err("torn".to_owned()));
        h.line(Ok(fields(
            json!({"ts": "2026-12-06T10:00:00Z", "outcome": "ok",
            "failed_shard": "customer/-80", "exit_status": 0}),
        )));
        h.line(Ok(fields(
            json!({"ts": "2026-12-07T10:00:00Z", "outcome": "rejected",
            "failed_shard": "customer/-80", "exit_status": 65}),
        )));
        h.line(Ok(fields(
            json!({"ts": "2026-12-07T11:00:00Z", "outcome": "ok",
            "failed_shard": "commerce/0", "exit_status": 0}),
        )));
        assert_eq!(h.not_records, 1);
        assert_eq!(h.first_not_record.as_deref(), Some("torn"));
        let shown: Vec<&str> = h.failovers().iter().map(|f| f.outcome.as_str()).collect();
        assert_eq!(shown, ["rejected"]);
        assert_eq!(h.unwell().len(), 1);
    }

    #[test]
    fn only_the_newest_are_kept() {
        let mut h = History::new(Filter::default(), 3);
        for i in 0..5000 {
            h.line(Ok(fields(
                json!({"ts": "2026-12-07T10:00:00Z", "outcome": "ok",
                "recovery_uid": format!("r{i}"), "exit_status": 0}),
            )));
        }
        let uids: Vec<&str> = h
            .failovers()
            .iter()
            .filter_map(|f| f.recovery_uid.as_deref())
            .collect();
        assert_eq!(uids, ["r4997", "r4998", "r4999"]);
        assert!(h.order.len() <= 1003);
        assert_eq!(h.outcomes.get("ok"), Some(&5000));
    }

    #[test]
    fn check_judges_every_shard_however_few_failovers_are_held() {
        let mut h = History::new(Filter::default(), 1);
        h.line(Ok(fields(
            json!({"ts": "2026-12-07T09:00:00Z", "outcome": "failed",
            "recovery_uid": "old", "failed_shard": "customer/-80", "exit_status": 75}),
        )));
        for i in 0..3000 {
            h.line(Ok(fields(
                json!({"ts": "2026-12-07T10:00:00Z", "outcome": "ok",
                "recovery_uid": format!("r{i}"), "failed_shard": "commerce/0",
                "exit_status": 0}),
            )));
        }
        let unwell: Vec<&str> = h
            .unwell()
            .iter()
            .filter_map(|f| f.recovery_uid.as_deref())
            .collect();
        assert_eq!(unwell, ["old"]);
        assert_eq!(h.failovers().len(), 1);
    }
}
