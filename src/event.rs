//! The failover event: every value Orchestrator gives a hook, typed ([`FailoverEvent`]), what
//! reading them found ([`ReadEvent`]), and Orchestrator's placeholders. `config::event` reads
//! them from the command line and the `ORC_*` environment.
//!
//! Orchestrator pastes placeholders into the command line as plain text and leaves a placeholder
//! it has no value for untouched, so a value that is still `{word}` counts as absent. Empty values
//! count as absent too: an alias query that found nothing is substituted as the empty string.
//! Bytes that are not UTF-8 are read lossily (U+FFFD) with a note, never refused.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::alias::TabletAlias;
use crate::endpoint::HostPort;
use crate::shard::Shard;

/// Every value Orchestrator gave, typed; what the recovery record carries of the event, in
/// this order (the recovery UID first: it ties a record to Orchestrator's own log).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FailoverEvent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_uid: Option<String>,
    /// Surrounding whitespace trimmed (as for hosts and the cluster alias), spelt as
    /// Orchestrator spells it (`DeadMaster`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_type: Option<String>,
    /// Surrounding whitespace trimmed (`master`, `co-master`, `intermediate-master`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_master: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_co_master: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_cluster: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_cluster_alias: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_cluster_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_replicas: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_lost_replicas: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_downtimed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_master_recovery: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_intermediate_master_recovery: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orchestrator_host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_successful: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_replicas: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_hosts: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor_host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor_port: Option<u16>,
    /// Normalised to Vitess's padded form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor_alias: Option<TabletAlias>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor_binlog_coordinates: Option<String>,
}

impl FailoverEvent {
    /// The promoted instance, when both its host and port are known.
    pub fn successor(&self) -> Option<HostPort> {
        Some(HostPort {
            host: self.successor_host.clone()?,
            port: self.successor_port?,
        })
    }

    /// The failed primary, when both its host and port are known.
    pub fn failed(&self) -> Option<HostPort> {
        Some(HostPort {
            host: self.failed_host.clone()?,
            port: self.failed_port?,
        })
    }

    /// The shard a `keyspace.shard` cluster alias names (Vitess's metadata and `discover` set it).
    pub fn cluster_shard(&self) -> Option<Shard> {
        self.failure_cluster_alias
            .as_deref()
            .and_then(Shard::from_cluster_alias)
    }
}

/// What reading the event found: the typed event, the raw text of values that did not parse
/// (recorded under their own field names), notes, the problems that reject the run, and the
/// warnings about values no decision rests on (also in the notes).
#[derive(Debug, Clone, Default)]
pub struct ReadEvent {
    pub event: FailoverEvent,
    pub invalid: BTreeMap<&'static str, String>,
    pub notes: Vec<String>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
    /// Identifying values that are literal placeholders (`failure_type={failureType}`):
    /// Orchestrator fills every one of them in a recovery hook, so this line was not run by one.
    pub unfilled: Vec<String>,
}

/// Values Orchestrator always fills in a recovery hook. The successor's are left out: they stay
/// unfilled, legitimately, when no replica was promoted.
pub const IDENTIFYING: &[&str] = &[
    "recovery_uid",
    "failure_type",
    "instance_type",
    "is_master",
    "is_co_master",
    "failed_host",
    "failed_port",
    "failure_cluster",
    "failure_cluster_alias",
    "is_successful",
];

/// The typed values a decision rests on: one that does not parse rejects the run. Any other
/// value that does not parse is kept as given, with a warning, and the reparent goes ahead.
pub const DECISIVE: &[&str] = &[
    "is_master",
    "is_co_master",
    "is_successful",
    "failed_port",
    "successor_port",
    "successor_alias",
];

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    // The pattern is a constant that is known to compile.
    #[allow(clippy::unwrap_used)]
    Regex::new(r"^\{[A-Za-z][A-Za-z0-9_]*\}$").unwrap()
});

/// Whether a value is an Orchestrator placeholder that was never substituted, like `{successorAlias}`.
pub fn is_placeholder(value: &str) -> bool {
    PLACEHOLDER.is_match(value)
}

/// Why Orchestrator may have left a placeholder in the command line.
pub fn placeholder_explanation(placeholder: &str) -> &'static str {
    match placeholder {
        "{successorHost}"
        | "{successorPort}"
        | "{successorAlias}"
        | "{successorBinlogCoordinates}" => {
            "Orchestrator leaves the successor placeholders unfilled when no replica was promoted"
        }
        "{failureType}"
        | "{instanceType}"
        | "{isMaster}"
        | "{isCoMaster}"
        | "{failureDescription}"
        | "{command}"
        | "{failedHost}"
        | "{failedPort}"
        | "{failureCluster}"
        | "{failureClusterAlias}"
        | "{failureClusterDomain}"
        | "{countReplicas}"
        | "{countSlaves}"
        | "{countLostReplicas}"
        | "{isDowntimed}"
        | "{autoMasterRecovery}"
        | "{autoIntermediateMasterRecovery}"
        | "{orchestratorHost}"
        | "{recoveryUID}"
        | "{isSuccessful}"
        | "{lostReplicas}"
        | "{lostSlaves}"
        | "{replicaHosts}"
        | "{slaveHosts}" => {
            "Orchestrator fills it in recovery hooks, so this command line was not run by a recovery"
        }
        _ => "it is not a placeholder Orchestrator knows, so it is never filled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_detected() {
        for yes in [
            "{successorAlias}",
            "{x}",
            "{failure_type2}",
            "{recoveryUID}",
        ] {
            assert!(is_placeholder(yes), "{yes}");
        }
        for no in [
            "",
            "{}",
            "{ successorAlias}",
            "{successorAlias} ",
            "zone1-101",
            "{a}{b}",
            "pre{successorAlias}",
            "{1abc}",
            "{succ-alias}",
        ] {
            assert!(!is_placeholder(no), "{no}");
        }
    }
}
