//! The recovery record: one typed structure whose field names are the record's keys, rendered to
//! logfmt or JSON by `format::render` in this order; `recorder` turns a run into records,
//! `log_file` appends them, `log_path` decides whether the log's path may be trusted.

pub mod format;
pub mod lock;
pub mod log_file;
pub mod log_path;
pub mod read;
pub mod recorder;
pub mod schema;
pub mod shard_turn;
pub mod textfile;

use std::collections::BTreeMap;

use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::event::FailoverEvent;
/// The record's `outcome`, defined beside the exit statuses it goes with.
pub use crate::exit::Outcome;

/// The reparent call's name in the attempt log (`AttemptRecord::rpc`).
pub const REPARENT_RPC: &str = "TabletExternallyReparented";

/// One call to one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptRecord {
    pub rpc: &'static str,
    pub server: String,
    pub api: &'static str,
    /// `OK`, a gRPC code name, `CONNECT_ERROR`, `TLS_ERROR`, `TIMEOUT` or `INTERRUPTED`.
    pub status: String,
    pub ms: u64,
}

/// What a run learnt beyond the event: the tablet chosen, vtctld's answer, the attempts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Details {
    /// The tablet to be made primary: Orchestrator's alias until the look-up settles it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// `orchestrator` or `lookup` (found from the successor's host:port).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias_source: Option<&'static str>,
    /// The failed shard, `keyspace/shard`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_shard: Option<String>,
    /// How the failed shard was established: `failed-primary`, `cluster-alias`, `unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard_basis: Option<&'static str>,
    /// `verified` (checked against vtctld's tablet list) or `unverified` (legacy-only vtctld).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tablet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tablet_type: Option<String>,
    /// The tablet was already its shard's primary: the reparent only confirms it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub already_primary: bool,
    /// Tablet types the operator allowed beyond REPLICA.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_types: Vec<String>,
    /// Tablets a refusal names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyspace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_primary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_primary: Option<String>,
    /// `superseded`: the shard's newer primary, found before a reparent attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_primary: Option<String>,
    /// `superseded`: when the newer primary's term began, RFC 3339 (absent when vtctld does not
    /// say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_primary_term: Option<String>,
    /// `superseded` (`--orc-api-url`): the UID of Orchestrator's newer master recovery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_recovery_uid: Option<String>,
    /// `superseded` (`--orc-api-url`): the MySQL that newer recovery promoted, `host:port`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_recovery_successor: Option<String>,
    /// `superseded` (`--orc-api-url`): Orchestrator's tablet alias for it, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_recovery_successor_alias: Option<String>,
    /// `duplicate`: the hook that settled this recovery before (`reparent`, `reconcile`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settled_by: Option<String>,
    /// `duplicate`: the tablet that settlement made primary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settled_tablet: Option<String>,
    /// `duplicate`: when it was settled, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settled_at: Option<String>,
    /// Log lines the legacy API streamed back, also when the stream ended in an error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vtctld_events: Vec<String>,
    /// Why nothing was done (skips).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signal: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attempt_log: Vec<AttemptRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

impl Details {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            error: Some(message.into()),
            ..Self::default()
        }
    }

    pub fn set_attempts(&mut self, attempts: Vec<AttemptRecord>) {
        self.attempts = Some(attempts.len());
        self.attempt_log = attempts;
    }
}

/// One line of the recovery log.
#[derive(Debug, Clone, Serialize)]
pub struct Record<'a> {
    /// UTC, RFC 3339 with milliseconds.
    pub ts: String,
    pub outcome: Outcome,
    pub pid: u32,
    /// The Orchestrator hook list that ran `record` (`PreFailover`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hook: Option<&'a str>,
    #[serde(flatten)]
    pub event: &'a FailoverEvent,
    /// Values that did not parse, as given, under their own field names.
    #[serde(flatten)]
    pub invalid: &'a BTreeMap<&'static str, String>,
    #[serde(flatten)]
    pub details: &'a Details,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_status: Option<u8>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub notes: &'a [String],
}

impl<'a> Record<'a> {
    pub fn new(
        outcome: Outcome,
        event: &'a FailoverEvent,
        invalid: &'a BTreeMap<&'static str, String>,
        details: &'a Details,
        notes: &'a [String],
    ) -> Self {
        Self {
            ts: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            outcome,
            pid: std::process::id(),
            hook: None,
            event,
            invalid,
            details,
            exit_status: None,
            notes,
        }
    }

    /// The record as an ordered JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            // Every field serialises to JSON (strings, numbers, lists): a struct always makes an
            // object. Should that ever break, keep what identifies the failover.
            _ => {
                let mut map = Map::new();
                map.insert("ts".into(), self.ts.clone().into());
                map.insert("outcome".into(), self.outcome.as_str().into());
                map.insert("pid".into(), self.pid.into());
                map
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_in_a_stable_order_and_absent_ones_are_left_out() {
        let event = FailoverEvent {
            recovery_uid: Some("r-1".into()),
            failure_type: Some("DeadMaster".into()),
            ..FailoverEvent::default()
        };
        let mut invalid = BTreeMap::new();
        invalid.insert("successor_port", "0".to_owned());
        let mut details = Details::error("boom");
        details.set_attempts(vec![AttemptRecord {
            rpc: "GetTablets",
            server: "a:1".into(),
            api: "vtctld",
            status: "OK".into(),
            ms: 3,
        }]);
        let notes = vec!["a note".to_owned()];
        let mut record = Record::new(Outcome::InternalError, &event, &invalid, &details, &notes);
        record.exit_status = Some(134);
        let map = record.to_map();
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "ts",
                "outcome",
                "pid",
                "recovery_uid",
                "failure_type",
                "successor_port",
                "error",
                "attempts",
                "attempt_log",
                "exit_status",
                "notes"
            ]
        );
        assert_eq!(map["outcome"], "internal-error");
        assert_eq!(map["successor_port"], "0");
        assert_eq!(map["attempt_log"][0]["status"], "OK");
        let ts = map["ts"].as_str().unwrap();
        // 2026-11-25T22:10:36.123Z
        assert!(
            ts.len() == 24 && ts.ends_with('Z') && ts.as_bytes()[19] == b'.',
            "{ts}"
        );
    }

    #[test]
    fn outcome_names_match_serde() {
        for outcome in [
            Outcome::Received,
            Outcome::Ok,
            Outcome::Skipped,
            Outcome::Failed,
            Outcome::Rejected,
            Outcome::Interrupted,
            Outcome::InternalError,
            Outcome::Recorded,
            Outcome::Superseded,
            Outcome::Duplicate,
        ] {
            assert_eq!(serde_json::to_value(outcome).unwrap(), outcome.as_str());
        }
    }
}
