//! What the tool reads of Orchestrator's instances and clusters, typed once for every command;
//! every other field of an answer is skipped unread. Orchestrator's `go/inst/instance.go` and
//! `go/inst/cluster.go` name them.

use serde::Deserialize;

/// `Key` of Orchestrator's instance.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InstanceKey {
    #[serde(rename = "Hostname")]
    pub hostname: String,
    #[serde(rename = "Port")]
    pub port: i64,
}

impl InstanceKey {
    /// `(host, port)`, when the port is one.
    pub fn endpoint(&self) -> Option<(String, u16)> {
        let port = u16::try_from(self.port).ok().filter(|p| *p != 0)?;
        (!self.hostname.is_empty()).then(|| (self.hostname.clone(), port))
    }
}

/// Go's `sql.NullInt64` as `encoding/json` writes it.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct NullInt64 {
    #[serde(rename = "Int64")]
    pub int64: i64,
    #[serde(rename = "Valid")]
    pub valid: bool,
}

/// What the tool reads of Orchestrator's instance (`discover`, `all-instances`); every other
/// field is skipped unread. Orchestrator's `go/inst/instance.go` names them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Instance {
    #[serde(rename = "Key")]
    pub key: Option<InstanceKey>,
    #[serde(rename = "ClusterName")]
    pub cluster_name: Option<String>,
    /// Orchestrator's last check of the instance reached it (`last_checked <= last_seen`).
    #[serde(rename = "IsLastCheckValid")]
    pub is_last_check_valid: Option<bool>,
    /// Seconds since Orchestrator last reached it; not valid when it never did.
    #[serde(rename = "SecondsSinceLastSeen")]
    pub seconds_since_last_seen: Option<NullInt64>,
}

/// One cluster of `clusters-info`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Cluster {
    #[serde(rename = "ClusterName")]
    pub cluster_name: String,
    #[serde(rename = "ClusterAlias")]
    pub cluster_alias: String,
}
