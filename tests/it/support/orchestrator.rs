//! Runs a hook exactly as Orchestrator does: placeholders replaced by plain text in the command
//! line (no quoting), the line written to a temporary file, `bash <file>` run with Orchestrator's
//! `ORC_*` environment, stdout and stderr captured together.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use super::hook::BIN;

/// `(placeholder, its other spelling, variable)` as Orchestrator defines them.
const TABLE: &[(&str, Option<&str>, Option<&str>)] = &[
    ("failureType", None, Some("ORC_FAILURE_TYPE")),
    ("instanceType", None, Some("ORC_INSTANCE_TYPE")),
    ("isMaster", None, Some("ORC_IS_MASTER")),
    ("isCoMaster", None, Some("ORC_IS_CO_MASTER")),
    ("failureDescription", None, Some("ORC_FAILURE_DESCRIPTION")),
    ("command", None, Some("ORC_COMMAND")),
    ("failedHost", None, Some("ORC_FAILED_HOST")),
    ("failedPort", None, Some("ORC_FAILED_PORT")),
    ("failureCluster", None, Some("ORC_FAILURE_CLUSTER")),
    (
        "failureClusterAlias",
        None,
        Some("ORC_FAILURE_CLUSTER_ALIAS"),
    ),
    (
        "failureClusterDomain",
        None,
        Some("ORC_FAILURE_CLUSTER_DOMAIN"),
    ),
    (
        "countReplicas",
        Some("countSlaves"),
        Some("ORC_COUNT_REPLICAS"),
    ),
    ("isDowntimed", None, Some("ORC_IS_DOWNTIMED")),
    ("autoMasterRecovery", None, Some("ORC_AUTO_MASTER_RECOVERY")),
    (
        "autoIntermediateMasterRecovery",
        None,
        Some("ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY"),
    ),
    ("orchestratorHost", None, Some("ORC_ORCHESTRATOR_HOST")),
    ("recoveryUID", None, Some("ORC_RECOVERY_UID")),
    ("isSuccessful", None, Some("ORC_IS_SUCCESSFUL")),
    (
        "lostReplicas",
        Some("lostSlaves"),
        Some("ORC_LOST_REPLICAS"),
    ),
    ("countLostReplicas", None, None),
    (
        "replicaHosts",
        Some("slaveHosts"),
        Some("ORC_REPLICA_HOSTS"),
    ),
    ("successorHost", None, Some("ORC_SUCCESSOR_HOST")),
    ("successorPort", None, Some("ORC_SUCCESSOR_PORT")),
    ("successorAlias", None, Some("ORC_SUCCESSOR_ALIAS")),
    (
        "successorBinlogCoordinates",
        None,
        Some("ORC_SUCCESSOR_BINLOG_COORDINATES"),
    ),
];

/// What Orchestrator knows of one recovery: a value per placeholder it fills.
#[derive(Debug, Clone)]
pub struct Recovery {
    values: Vec<(&'static str, String)>,
}

/// A finished hook run: its exit status and its combined stdout and stderr.
#[derive(Debug)]
pub struct HookRun {
    pub code: i32,
    pub output: String,
}

impl Recovery {
    /// The dead-master recovery observed from Orchestrator 3.2.6 (see the spec), promoting the
    /// successor given.
    pub fn dead_master(successor_host: &str, successor_port: u16, successor_alias: &str) -> Self {
        let values = [
            ("failureType", "DeadMaster"),
            ("instanceType", "master"),
            ("isMaster", "true"),
            ("isCoMaster", "false"),
            (
                "failureDescription",
                "Master cannot be reached by orchestrator and none of its replicas is replicating",
            ),
            ("command", ""),
            ("failedHost", "db1.example.com"),
            ("failedPort", "3306"),
            ("failureCluster", "db1.example.com:3306"),
            ("failureClusterAlias", "commerce.0"),
            ("failureClusterDomain", "db1.example.com:3306"),
            ("countReplicas", "2"),
            ("isDowntimed", "false"),
            ("autoMasterRecovery", "true"),
            ("autoIntermediateMasterRecovery", "true"),
            ("orchestratorHost", "orc-1"),
            ("recoveryUID", "1795643468510176998:bccd466e8bd3"),
            ("isSuccessful", "true"),
            ("lostReplicas", ""),
            ("countLostReplicas", "0"),
            ("replicaHosts", "db3.example.com:3306,db2.example.com:3306"),
            ("successorHost", successor_host),
            ("successorPort", &successor_port.to_string()),
            ("successorAlias", successor_alias),
            ("successorBinlogCoordinates", "mysql-bin.000001:896"),
        ];
        Self {
            values: values.into_iter().map(|(k, v)| (k, v.to_owned())).collect(),
        }
    }

    /// Sets (or replaces) one placeholder's value.
    pub fn with(mut self, placeholder: &'static str, value: &str) -> Self {
        self.values.retain(|(k, _)| *k != placeholder);
        self.values.push((placeholder, value.to_owned()));
        self
    }

    /// No replica promoted: Orchestrator leaves the successor placeholders unreplaced and sets
    /// no `ORC_SUCCESSOR_*` variables.
    pub fn without_successor(mut self) -> Self {
        self.values.retain(|(k, _)| !k.starts_with("successor"));
        self.with("isSuccessful", "false")
    }

    fn value(&self, placeholder: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| *k == placeholder)
            .map(|(_, v)| v.as_str())
    }

    /// The command line after Orchestrator's plain-text substitution.
    pub fn substitute(&self, command_line: &str) -> String {
        let mut line = command_line.trim().to_owned();
        for (name, other, _) in TABLE {
            if let Some(value) = self.value(name) {
                line = line.replace(&format!("{{{name}}}"), value);
                if let Some(other) = other {
                    line = line.replace(&format!("{{{other}}}"), value);
                }
            }
        }
        line
    }

    /// Runs one `PostMasterFailoverProcesses` entry the way Orchestrator does, with the
    /// binary's directory first on PATH and `extra_env` (e.g. ORC_VITESS_HOOK_*) added.
    pub fn run_hook(&self, command_line: &str, extra_env: &[(&str, &str)]) -> HookRun {
        let mut script = tempfile::NamedTempFile::new().expect("temp script");
        script
            .write_all(self.substitute(command_line).as_bytes())
            .expect("write script");
        let bin_dir = Path::new(BIN).parent().expect("binary has a directory");
        let mut command = Command::new("bash");
        command
            .arg(script.path())
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()));
        for (name, _, variable) in TABLE {
            if let (Some(variable), Some(value)) = (variable, self.value(name)) {
                command.env(variable, value);
            }
        }
        for (key, value) in extra_env {
            command.env(key, value);
        }
        // One pipe for both streams, like Go's CombinedOutput.
        let (mut reader, writer) = std::io::pipe().expect("pipe");
        command
            .stdin(Stdio::null())
            .stdout(writer.try_clone().expect("clone pipe"))
            .stderr(writer);
        let mut child = command.spawn().expect("spawn bash");
        drop(command);
        let mut output = String::new();
        reader
            .read_to_string(&mut output)
            .expect("read hook output");
        let status = child.wait().expect("wait for bash");
        HookRun {
            code: status.code().unwrap_or(-1),
            output,
        }
    }
}
