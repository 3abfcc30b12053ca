//! Orchestrator's recovery audit (`audit-recovery/alias/<alias>`): what the tool reads of a
//! recovery, the failover event it describes, and when it ended.
//!
//! Orchestrator writes `RecoveryStartTimestamp` and `RecoveryEndTimestamp` as its backend's
//! `NOW()` without a zone (SQLite: UTC; MySQL: the session's zone), and the recovery UID starts
//! with the recovery's start in Unix nanoseconds (`<nanoseconds>:<token>`) on Orchestrator's own
//! clock. The end is read as that start plus the recovery's length, the two timestamps'
//! difference, which needs no zone. Only when the start timestamp is missing is the zone
//! inferred, as the whole quarter hour nearest to the end's distance from the UID's start.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::Deserialize;

use super::instances::InstanceKey;
use crate::event::FailoverEvent;

/// One recovery of `audit-recovery`, newest first in its answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Recovery {
    #[serde(rename = "Id")]
    pub id: i64,
    /// The `ORC_RECOVERY_UID` of this recovery's hooks.
    #[serde(rename = "UID")]
    pub uid: String,
    #[serde(rename = "AnalysisEntry")]
    pub analysis: AnalysisEntry,
    /// The promoted instance; null or empty when none was.
    #[serde(rename = "SuccessorKey")]
    pub successor_key: Option<InstanceKey>,
    #[serde(rename = "SuccessorAlias")]
    pub successor_alias: String,
    #[serde(rename = "IsSuccessful")]
    pub is_successful: bool,
    /// When the recovery began, in the backend's zone.
    #[serde(rename = "RecoveryStartTimestamp")]
    pub start: String,
    /// Empty while the recovery runs.
    #[serde(rename = "RecoveryEndTimestamp")]
    pub end: String,
    #[serde(rename = "Acknowledged")]
    pub acknowledged: bool,
}

/// The failure a recovery answered.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AnalysisEntry {
    #[serde(rename = "AnalyzedInstanceKey")]
    pub failed: InstanceKey,
    /// `DeadMaster`, `DeadMasterAndSomeReplicas`, …
    #[serde(rename = "Analysis")]
    pub analysis: String,
    #[serde(rename = "ClusterDetails")]
    pub cluster: ClusterDetails,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClusterDetails {
    #[serde(rename = "ClusterName")]
    pub cluster_name: String,
    #[serde(rename = "ClusterAlias")]
    pub cluster_alias: String,
}

impl Recovery {
    /// Whether the recovery has ended.
    pub fn ended(&self) -> bool {
        !self.end.trim().is_empty()
    }

    /// The promoted MySQL, `(host, port)`, when the recovery names one.
    pub fn successor(&self) -> Option<(String, u16)> {
        self.successor_key.as_ref().and_then(InstanceKey::endpoint)
    }

    /// The failover as Orchestrator's hooks saw it, for the same rules `reparent` applies.
    pub fn event(&self) -> FailoverEvent {
        let failed = self.analysis.failed.endpoint();
        let successor = self.successor();
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        FailoverEvent {
            recovery_uid: text(&self.uid),
            failure_type: text(&self.analysis.analysis),
            failed_host: failed.as_ref().map(|(host, _)| host.clone()),
            failed_port: failed.map(|(_, port)| port),
            failure_cluster: text(&self.analysis.cluster.cluster_name),
            failure_cluster_alias: text(&self.analysis.cluster.cluster_alias),
            is_successful: Some(self.is_successful),
            successor_host: successor.as_ref().map(|(host, _)| host.clone()),
            successor_port: successor.map(|(_, port)| port),
            successor_alias: text(&self.successor_alias).and_then(|a| a.parse().ok()),
            ..FailoverEvent::default()
        }
    }

    /// When the recovery started, from its UID; `None` when the UID does not carry it.
    pub fn started_at(&self) -> Option<DateTime<Utc>> {
        let nanos: i64 = self.uid.split_once(':')?.0.parse().ok()?;
        Some(DateTime::from_timestamp_nanos(nanos))
    }

    /// When the recovery ended, in UTC: the UID's start plus the recovery's length; the note
    /// says how it was read when not so.
    pub fn ended_at(&self) -> Result<(DateTime<Utc>, Option<String>), String> {
        let end = backend_time(&self.end, "RecoveryEndTimestamp")?;
        let Some(started) = self.started_at() else {
            // Nothing anchors the backend's zone: the end could be hours off either way.
            return Err(format!(
                "recovery UID {:?} carries no start time (`<nanoseconds>:<token>`), so when \
                 RecoveryEndTimestamp {:?} was cannot be told",
                self.uid,
                self.end.trim()
            ));
        };
        if let Ok(start) = backend_time(&self.start, "RecoveryStartTimestamp") {
            let length = end - start;
            if length < TimeDelta::zero() {
                return Err(format!(
                    "RecoveryEndTimestamp {:?} is before RecoveryStartTimestamp {:?}",
                    self.end.trim(),
                    self.start.trim()
                ));
            }
            return Ok((started + length, None));
        }
        self.ended_by_zone(end, started)
    }

    /// The end read in the zone (a whole quarter hour) that puts it nearest after `started`.
    fn ended_by_zone(
        &self,
        end: NaiveDateTime,
        started: DateTime<Utc>,
    ) -> Result<(DateTime<Utc>, Option<String>), String> {
        let text = self.end.trim();
        let as_utc = end.and_utc();
        let quarter = 15 * 60;
        let distance = (as_utc - started).num_seconds();
        let quarters = (distance as f64 / f64::from(quarter)).round() as i64;
        if quarters == 0 {
            return Ok((as_utc, None));
        }
        let offset = TimeDelta::seconds(quarters * i64::from(quarter));
        if offset.num_hours().abs() > 14 {
            return Err(format!(
                "RecoveryEndTimestamp {text:?} is {distance} s from the start its UID names: \
                 no time zone explains that"
            ));
        }
        let minutes = offset.num_minutes();
        Ok((
            as_utc - offset,
            Some(format!(
                "RecoveryEndTimestamp {text:?} read at UTC{}{:02}:{:02} (Orchestrator's backend \
                 zone, from the recovery UID's start; no RecoveryStartTimestamp)",
                if minutes < 0 { '-' } else { '+' },
                minutes.abs() / 60,
                minutes.abs() % 60
            )),
        ))
    }
}

/// One of Orchestrator's backend timestamps, `YYYY-MM-DD HH:MM:SS[.fraction]`.
fn backend_time(text: &str, field: &str) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
        .map_err(|e| format!("{field} {text:?}: expected YYYY-MM-DD HH:MM:SS ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recovery(uid: &str, end: &str) -> Recovery {
        Recovery {
            uid: uid.to_owned(),
            end: end.to_owned(),
            ..Recovery::default()
        }
    }

    /// 2026-12-07 16:00:00 UTC in nanoseconds.
    const START: i64 = 1_796_659_200_000_000_000;

    #[test]
    fn the_end_is_read_in_the_zone_the_uids_start_implies() {
        let utc = recovery(&format!("{START}:abc"), "2026-12-07 16:00:07");
        let (end, note) = utc.ended_at().unwrap();
        assert_eq!(end.to_rfc3339(), "2026-12-07T16:00:07+00:00");
        assert_eq!(note, None);

        let berlin = recovery(&format!("{START}:abc"), "2026-12-07 17:00:07");
        let (end, note) = berlin.ended_at().unwrap();
        assert_eq!(end.to_rfc3339(), "2026-12-07T16:00:07+00:00");
        assert!(note.unwrap().contains("UTC+01:00"));

        let newfoundland = recovery(&format!("{START}:abc"), "2026-12-07 12:30:40");
        let (end, note) = newfoundland.ended_at().unwrap();
        assert_eq!(end.to_rfc3339(), "2026-12-07T16:00:40+00:00");
        assert!(note.unwrap().contains("UTC-03:30"));
    }

    #[test]
    fn with_both_timestamps_the_end_is_the_uids_start_plus_the_length() {
        let mut long = recovery(&format!("{START}:abc"), "2026-12-07 18:20:00");
        // A recovery of twenty minutes in UTC+01:00: no quarter-hour guess could tell.
        long.start = "2026-12-07 18:00:00".to_owned();
        let (end, note) = long.ended_at().unwrap();
        assert_eq!(end.to_rfc3339(), "2026-12-07T16:20:00+00:00");
        assert_eq!(note, None);
        long.start = "2026-12-07 18:30:00".to_owned();
        assert!(
            long.ended_at()
                .unwrap_err()
                .contains("before RecoveryStartTimestamp")
        );
    }

    #[test]
    fn without_a_start_nothing_is_read_and_nonsense_is_refused() {
        let without = recovery("token", "2026-12-07 16:00:07").ended_at();
        assert!(without.unwrap_err().contains("carries no start time"));
        assert!(recovery("token", "yesterday").ended_at().is_err());
        assert!(
            recovery(&format!("{START}:abc"), "2026-12-09 16:00:07")
                .ended_at()
                .is_err()
        );
        assert!(!recovery("x", " ").ended());
    }

    #[test]
    fn orchestrators_json_reads_into_the_event_reparent_would_see() {
        let json = r#"{"Id": 7, "UID": "1796659200000000000:abc", "IsActive": true,
            "IsSuccessful": true, "SuccessorKey": {"Hostname": "db2", "Port": 3306},
            "SuccessorAlias": "", "RecoveryEndTimestamp": "2026-12-07 16:00:07",
            "AnalysisEntry": {"AnalyzedInstanceKey": {"Hostname": "db1", "Port": 3306},
              "Analysis": "DeadMaster", "ClusterDetails": {"ClusterName": "db1:3306",
              "ClusterAlias": "commerce.0"}, "Other": [1, 2]},
            "AllErrors": [""], "Acknowledged": false}"#;
        let r: Recovery = serde_json::from_str(json).unwrap();
        let e = r.event();
        assert_eq!(e.failure_type.as_deref(), Some("DeadMaster"));
        assert_eq!(e.failed_host.as_deref(), Some("db1"));
        assert_eq!(e.successor_port, Some(3306));
        assert_eq!(e.failure_cluster_alias.as_deref(), Some("commerce.0"));
        assert_eq!(e.successor_alias, None);
        let none: Recovery = serde_json::from_str(r#"{"SuccessorKey": null}"#).unwrap();
        assert_eq!(none.successor(), None);
    }
}
