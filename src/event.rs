//! The failover event: Orchestrator's text values → validated, typed values plus the record fields.
//!
//! Orchestrator pastes placeholders into the command line as plain text and leaves a placeholder
//! it has no value for untouched, so a value that is still `{word}` counts as absent. Empty values
//! count as absent too: an alias query that found nothing is substituted as the empty string.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::alias::TabletAlias;
use crate::cli::EventArgs;
use crate::recovery_log::Fields;

/// A MySQL endpoint as Orchestrator names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// A failover with every value validated. Only the values decisions rest on are kept typed;
/// `fields` holds every value given, typed where it has a type, for the recovery record.
#[derive(Debug, Clone, Default)]
pub struct FailoverEvent {
    pub failure_type: Option<String>,
    pub instance_type: Option<String>,
    pub is_master: Option<bool>,
    pub is_co_master: Option<bool>,
    pub command: Option<String>,
    pub recovery_uid: Option<String>,
    pub is_successful: Option<bool>,
    pub successor: Option<HostPort>,
    pub successor_alias: Option<TabletAlias>,
    pub fields: Fields,
    /// Warnings about the input, e.g. placeholders that were not substituted.
    pub notes: Vec<String>,
}

/// Input that cannot be trusted: what was given (for the record) and what is wrong with it.
#[derive(Debug, Clone)]
pub struct InvalidEvent {
    pub fields: Fields,
    pub notes: Vec<String>,
    pub problems: Vec<String>,
}

impl FailoverEvent {
    pub fn from_args(args: EventArgs) -> Result<Self, InvalidEvent> {
        let mut r = Reader::default();
        // The recovery UID first: it is what ties a record to Orchestrator's own log.
        let recovery_uid = r.text("recovery_uid", args.recovery_uid);
        let failure_type = r.text("failure_type", args.failure_type);
        let instance_type = r.text("instance_type", args.instance_type);
        let is_master = r.boolean("is_master", args.is_master);
        let is_co_master = r.boolean("is_co_master", args.is_co_master);
        r.text("failure_description", args.failure_description);
        let command = r.text("command", args.command);
        r.text("failed_host", args.failed_host);
        r.port("failed_port", args.failed_port);
        r.text("failure_cluster", args.failure_cluster);
        r.text("failure_cluster_alias", args.failure_cluster_alias);
        r.text("failure_cluster_domain", args.failure_cluster_domain);
        r.count("count_replicas", args.count_replicas);
        r.count("count_lost_replicas", args.count_lost_replicas);
        r.boolean("is_downtimed", args.is_downtimed);
        r.boolean("auto_master_recovery", args.auto_master_recovery);
        r.boolean(
            "auto_intermediate_master_recovery",
            args.auto_intermediate_master_recovery,
        );
        r.text("orchestrator_host", args.orchestrator_host);
        let is_successful = r.boolean("is_successful", args.is_successful);
        r.list("lost_replicas", args.lost_replicas);
        r.list("replica_hosts", args.replica_hosts);
        let successor_host = r.text("successor_host", args.successor_host);
        let successor_port = r.port("successor_port", args.successor_port);
        let successor_alias = r.alias("successor_alias", args.successor_alias);
        r.text(
            "successor_binlog_coordinates",
            args.successor_binlog_coordinates,
        );

        if !r.problems.is_empty() {
            return Err(InvalidEvent {
                fields: r.fields,
                notes: r.notes,
                problems: r.problems,
            });
        }
        let successor = match (successor_host, successor_port) {
            (Some(host), Some(port)) => Some(HostPort { host, port }),
            _ => None,
        };
        Ok(Self {
            failure_type,
            instance_type,
            is_master,
            is_co_master,
            command,
            recovery_uid,
            is_successful,
            successor,
            successor_alias,
            fields: r.fields,
            notes: r.notes,
        })
    }
}

/// How the command line and the environment name a field: `successor_port` is
/// `--successor-port` / `ORC_SUCCESSOR_PORT` (`{countLostReplicas}` has no variable).
pub fn field_sources(field: &str) -> String {
    let flag = field.replace('_', "-");
    if field == "count_lost_replicas" {
        format!("--{flag}")
    } else {
        format!("--{flag} / ORC_{}", field.to_ascii_uppercase())
    }
}

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
fn placeholder_explanation(placeholder: &str) -> &'static str {
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

/// Reads Orchestrator's text values one by one, collecting record fields, notes and problems.
#[derive(Debug, Default)]
struct Reader {
    fields: Fields,
    notes: Vec<String>,
    problems: Vec<String>,
}

impl Reader {
    /// The value, unless it is absent, empty or an unsubstituted placeholder.
    fn present(&mut self, field: &'static str, raw: Option<String>) -> Option<String> {
        let value = raw.filter(|v| !v.is_empty())?;
        if is_placeholder(&value) {
            self.notes.push(format!(
                "{field}: {value} is an unsubstituted Orchestrator placeholder, treated as absent \
                 ({})",
                placeholder_explanation(&value)
            ));
            return None;
        }
        Some(value)
    }

    fn text(&mut self, field: &'static str, raw: Option<String>) -> Option<String> {
        let value = self.present(field, raw)?;
        self.fields.push(field, value.clone());
        Some(value)
    }

    /// Parses a present value; on failure records the raw text and names field, value and expectation.
    fn parsed<T: Clone + Into<Value>>(
        &mut self,
        field: &'static str,
        raw: Option<String>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let value = self.present(field, raw)?;
        match parse(&value) {
            Ok(parsed) => {
                self.fields.push(field, parsed.clone());
                Some(parsed)
            }
            Err(expected) => {
                self.problems.push(format!(
                    "{field} ({}): {value:?}: {expected}",
                    field_sources(field)
                ));
                self.fields.push(field, value);
                None
            }
        }
    }

    fn boolean(&mut self, field: &'static str, raw: Option<String>) -> Option<bool> {
        self.parsed(field, raw, |v| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err("expected true or false".into()),
        })
    }

    fn port(&mut self, field: &'static str, raw: Option<String>) -> Option<u16> {
        self.parsed(field, raw, |v| {
            v.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| v.parse::<u16>().ok())
                .flatten()
                .filter(|port| *port != 0)
                .ok_or_else(|| "expected a port number from 1 to 65535".into())
        })
    }

    fn count(&mut self, field: &'static str, raw: Option<String>) -> Option<u64> {
        self.parsed(field, raw, |v| {
            v.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| v.parse::<u64>().ok())
                .flatten()
                .ok_or_else(|| "expected a non-negative integer".into())
        })
    }

    fn alias(&mut self, field: &'static str, raw: Option<String>) -> Option<TabletAlias> {
        self.parsed(field, raw, |v| {
            v.parse::<TabletAlias>()
                .map(|alias| alias.to_string())
                .map_err(|e| e.to_string())
        })
        .and_then(|normalised| normalised.parse().ok())
    }

    /// A comma-separated `host:port` list, kept as given minus blanks.
    fn list(&mut self, field: &'static str, raw: Option<String>) {
        if let Some(value) = self.present(field, raw) {
            let items: Vec<Value> = value
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::from(item.to_owned()))
                .collect();
            self.fields.push(field, Value::Array(items));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> EventArgs {
        EventArgs::default()
    }

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

    #[test]
    fn unsubstituted_and_empty_values_count_as_absent() {
        let mut a = args();
        a.successor_alias = Some("{successorAlias}".into());
        a.successor_host = Some(String::new());
        a.successor_port = Some("{successorPort}".into());
        let event = FailoverEvent::from_args(a).unwrap();
        assert_eq!(event.successor_alias, None);
        assert_eq!(event.successor, None);
        assert!(event.fields.get("successor_alias").is_none());
        assert_eq!(event.notes.len(), 2, "{:?}", event.notes);
        assert!(event.notes[1].contains("{successorAlias}"));
        assert!(event.notes[1].contains("no replica was promoted"));
    }

    #[test]
    fn unknown_placeholder_is_explained() {
        let mut a = args();
        a.failure_type = Some("{failureTypo}".into());
        let event = FailoverEvent::from_args(a).unwrap();
        assert_eq!(event.failure_type, None);
        assert!(event.notes[0].contains("not a placeholder Orchestrator knows"));
    }

    #[test]
    fn values_are_typed_and_alias_normalised() {
        let mut a = args();
        a.successor_alias = Some("zone1-101".into());
        a.successor_host = Some("db-2".into());
        a.successor_port = Some("3306".into());
        a.is_master = Some("true".into());
        a.count_replicas = Some("0".into());
        a.lost_replicas = Some("a:1, b:2,".into());
        let event = FailoverEvent::from_args(a).unwrap();
        assert_eq!(
            event.successor_alias.unwrap().to_string(),
            "zone1-0000000101"
        );
        assert_eq!(
            event.successor,
            Some(HostPort {
                host: "db-2".into(),
                port: 3306
            })
        );
        assert_eq!(
            event.fields.get("successor_alias"),
            Some(&Value::from("zone1-0000000101"))
        );
        assert_eq!(event.fields.get("is_master"), Some(&Value::from(true)));
        assert_eq!(event.fields.get("count_replicas"), Some(&Value::from(0u64)));
        assert_eq!(
            event.fields.get("lost_replicas"),
            Some(&serde_json::json!(["a:1", "b:2"]))
        );
    }

    #[test]
    fn bad_values_name_field_value_and_expectation() {
        type Setter = fn(&mut EventArgs, String);
        let table: [(Setter, &str, &str, &str); 9] = [
            (
                |a, v| a.successor_port = Some(v),
                "0",
                "successor_port",
                "1 to 65535",
            ),
            (
                |a, v| a.successor_port = Some(v),
                "65536",
                "successor_port",
                "1 to 65535",
            ),
            (
                |a, v| a.failed_port = Some(v),
                "+3306",
                "failed_port",
                "1 to 65535",
            ),
            (
                |a, v| a.is_master = Some(v),
                "yes",
                "is_master",
                "true or false",
            ),
            (
                |a, v| a.is_successful = Some(v),
                "True",
                "is_successful",
                "true or false",
            ),
            (
                |a, v| a.count_replicas = Some(v),
                "-1",
                "count_replicas",
                "non-negative",
            ),
            (
                |a, v| a.count_lost_replicas = Some(v),
                "x",
                "count_lost_replicas",
                "non-negative",
            ),
            (
                |a, v| a.successor_alias = Some(v),
                "zone1-4294967296",
                "successor_alias",
                "32 bits",
            ),
            (
                |a, v| a.successor_alias = Some(v),
                "zone1 101",
                "successor_alias",
                "whitespace",
            ),
        ];
        for (set, value, field, expected) in table {
            let mut a = args();
            set(&mut a, value.to_owned());
            let invalid = FailoverEvent::from_args(a).expect_err(value);
            assert_eq!(invalid.problems.len(), 1);
            let problem = &invalid.problems[0];
            assert!(problem.starts_with(field), "{problem}");
            assert!(problem.contains(&format!("{value:?}")), "{problem}");
            assert!(problem.contains(expected), "{problem}");
            // The raw value is still recorded so nothing about the failover is lost.
            assert_eq!(invalid.fields.get(field), Some(&Value::from(value)));
        }
    }

    #[test]
    fn field_sources_name_flag_and_variable() {
        assert_eq!(
            field_sources("successor_port"),
            "--successor-port / ORC_SUCCESSOR_PORT"
        );
        assert_eq!(
            field_sources("count_lost_replicas"),
            "--count-lost-replicas"
        );
    }
}
