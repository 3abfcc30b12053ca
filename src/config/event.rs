//! Orchestrator's raw values (`EventArgs`: flags or `ORC_*` variables) → [`ReadEvent`].
//!
//! Every value is read on its own: a bad one is named with its flag, variable and what was
//! expected, and kept as given; only a decisive one rejects the run. Nothing here decides what
//! the run does.

use std::collections::BTreeMap;
use std::ffi::OsString;

use crate::alias::TabletAlias;
use crate::cli::EventArgs;
use crate::event::{
    DECISIVE, FailoverEvent, IDENTIFYING, ReadEvent, is_placeholder, placeholder_explanation,
};

impl ReadEvent {
    pub fn from_args(args: EventArgs) -> Self {
        let mut r = Reader::default();
        let e = FailoverEvent {
            recovery_uid: r.text("recovery_uid", args.recovery_uid),
            failure_type: r.trimmed("failure_type", args.failure_type),
            instance_type: r.trimmed("instance_type", args.instance_type),
            is_master: r.boolean("is_master", args.is_master),
            is_co_master: r.boolean("is_co_master", args.is_co_master),
            failure_description: r.text("failure_description", args.failure_description),
            command: r.text("command", args.command),
            failed_host: r.host("failed_host", args.failed_host),
            failed_port: r.port("failed_port", args.failed_port),
            failure_cluster: r.text("failure_cluster", args.failure_cluster),
            failure_cluster_alias: r.trimmed("failure_cluster_alias", args.failure_cluster_alias),
            failure_cluster_domain: r.text("failure_cluster_domain", args.failure_cluster_domain),
            count_replicas: r.count("count_replicas", args.count_replicas),
            count_lost_replicas: r.count("count_lost_replicas", args.count_lost_replicas),
            is_downtimed: r.boolean("is_downtimed", args.is_downtimed),
            auto_master_recovery: r.boolean("auto_master_recovery", args.auto_master_recovery),
            auto_intermediate_master_recovery: r.boolean(
                "auto_intermediate_master_recovery",
                args.auto_intermediate_master_recovery,
            ),
            orchestrator_host: r.text("orchestrator_host", args.orchestrator_host),
            is_successful: r.boolean("is_successful", args.is_successful),
            lost_replicas: r.list("lost_replicas", args.lost_replicas),
            replica_hosts: r.list("replica_hosts", args.replica_hosts),
            successor_host: r.host("successor_host", args.successor_host),
            successor_port: r.port("successor_port", args.successor_port),
            successor_alias: r.alias("successor_alias", args.successor_alias),
            successor_binlog_coordinates: r.text(
                "successor_binlog_coordinates",
                args.successor_binlog_coordinates,
            ),
        };
        let mut notes = r.notes;
        notes.extend(r.warnings.iter().cloned());
        Self {
            event: e,
            invalid: r.invalid,
            notes,
            problems: r.problems,
            warnings: r.warnings,
            unfilled: r.unfilled,
        }
    }
}

/// How the command line and the environment name a field: `successor_port` is
/// `--successor-port / ORC_SUCCESSOR_PORT` (`{countLostReplicas}` has no variable).
pub fn field_sources(field: &str) -> String {
    let flag = field.replace('_', "-");
    if field == "count_lost_replicas" {
        format!("--{flag}")
    } else {
        format!("--{flag} / ORC_{}", field.to_ascii_uppercase())
    }
}

/// Reads Orchestrator's raw values one by one, collecting invalid values, notes and problems.
#[derive(Debug, Default)]
struct Reader {
    invalid: BTreeMap<&'static str, String>,
    notes: Vec<String>,
    problems: Vec<String>,
    warnings: Vec<String>,
    unfilled: Vec<String>,
}

impl Reader {
    /// The value as text, unless it is absent, empty or an unsubstituted placeholder.
    fn present(&mut self, field: &'static str, raw: Option<OsString>) -> Option<String> {
        let raw = raw.filter(|v| !v.is_empty())?;
        let value = match raw.into_string() {
            Ok(text) => text,
            Err(raw) => {
                self.notes.push(format!(
                    "{field}: not valid UTF-8, read with U+FFFD in place of the invalid bytes"
                ));
                raw.to_string_lossy().into_owned()
            }
        };
        if is_placeholder(value.trim()) {
            let value = value.trim();
            if IDENTIFYING.contains(&field) {
                self.unfilled.push(format!("{field}={value}"));
            }
            self.notes.push(format!(
                "{field}: {value} is an unsubstituted Orchestrator placeholder, treated as absent \
                 ({})",
                placeholder_explanation(value)
            ));
            return None;
        }
        Some(value)
    }

    fn text(&mut self, field: &'static str, raw: Option<OsString>) -> Option<String> {
        self.present(field, raw)
    }

    /// A code or host name: surrounding whitespace is not part of it.
    fn trimmed(&mut self, field: &'static str, raw: Option<OsString>) -> Option<String> {
        self.present(field, raw)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A host name or address; an IPv6 address may come in brackets, which are not part of it.
    fn host(&mut self, field: &'static str, raw: Option<OsString>) -> Option<String> {
        self.trimmed(field, raw).map(|host| {
            host.strip_prefix('[')
                .and_then(|inner| inner.strip_suffix(']'))
                .map_or(host.clone(), str::to_owned)
        })
    }

    /// Parses a present value; on failure keeps the raw text and names field, value and expectation.
    fn parsed<T>(
        &mut self,
        field: &'static str,
        raw: Option<OsString>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let value = self.present(field, raw)?;
        match parse(&value) {
            Ok(parsed) => Some(parsed),
            Err(expected) => {
                let problem = format!("{field} ({}): {value:?}: {expected}", field_sources(field));
                if DECISIVE.contains(&field) {
                    self.problems.push(problem);
                } else {
                    self.warnings
                        .push(format!("{problem}; kept as given, no decision rests on it"));
                }
                self.invalid.insert(field, value);
                None
            }
        }
    }

    fn boolean(&mut self, field: &'static str, raw: Option<OsString>) -> Option<bool> {
        self.parsed(field, raw, |v| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err("expected true or false".into()),
        })
    }

    fn port(&mut self, field: &'static str, raw: Option<OsString>) -> Option<u16> {
        self.parsed(field, raw, |v| {
            v.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| v.parse::<u16>().ok())
                .flatten()
                .filter(|port| *port != 0)
                .ok_or_else(|| "expected a port number from 1 to 65535".into())
        })
    }

    fn count(&mut self, field: &'static str, raw: Option<OsString>) -> Option<u64> {
        self.parsed(field, raw, |v| {
            v.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| v.parse::<u64>().ok())
                .flatten()
                .ok_or_else(|| "expected a non-negative integer".into())
        })
    }

    fn alias(&mut self, field: &'static str, raw: Option<OsString>) -> Option<TabletAlias> {
        self.parsed(field, raw, |v| {
            v.parse::<TabletAlias>().map_err(|e| e.to_string())
        })
    }

    /// A comma-separated `host:port` list, kept as given minus blanks.
    fn list(&mut self, field: &'static str, raw: Option<OsString>) -> Option<Vec<String>> {
        let value = self.present(field, raw)?;
        Some(
            value
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::HostPort;
    use std::os::unix::ffi::OsStringExt;

    fn args() -> EventArgs {
        EventArgs::default()
    }

    fn some(text: &str) -> Option<OsString> {
        Some(text.into())
    }

    #[test]
    fn unsubstituted_and_empty_values_count_as_absent() {
        let mut a = args();
        a.successor_alias = some("{successorAlias}");
        a.successor_host = some("");
        a.successor_port = some("{successorPort}");
        let read = ReadEvent::from_args(a);
        assert!(read.problems.is_empty());
        assert_eq!(read.event.successor_alias, None);
        assert_eq!(read.event.successor(), None);
        assert_eq!(read.notes.len(), 2, "{:?}", read.notes);
        assert!(read.notes[1].contains("{successorAlias}"));
        assert!(read.notes[1].contains("no replica was promoted"));
    }

    #[test]
    fn unknown_placeholder_is_explained() {
        let mut a = args();
        a.failure_type = some("{failureTypo}");
        let read = ReadEvent::from_args(a);
        assert_eq!(read.event.failure_type, None);
        assert!(read.notes[0].contains("not a placeholder Orchestrator knows"));
    }

    #[test]
    fn non_utf8_bytes_are_read_lossily_with_a_note() {
        let mut a = args();
        a.failure_description = Some(OsString::from_vec(b"disk \xff full".to_vec()));
        a.failed_port = Some(OsString::from_vec(b"33\xfe06".to_vec()));
        let read = ReadEvent::from_args(a);
        assert_eq!(
            read.event.failure_description.as_deref(),
            Some("disk \u{fffd} full")
        );
        assert!(read.notes[0].starts_with("failure_description: not valid UTF-8"));
        // A port with a bad byte is still a bad port, named as such.
        assert_eq!(read.problems.len(), 1);
        assert!(
            read.problems[0].starts_with("failed_port"),
            "{:?}",
            read.problems
        );
        assert_eq!(read.invalid["failed_port"], "33\u{fffd}06");
    }

    #[test]
    fn codes_are_trimmed() {
        let mut a = args();
        a.failure_type = some("  DeadMaster\n");
        a.instance_type = some(" master ");
        a.command = some(" kept as given ");
        let event = ReadEvent::from_args(a).event;
        assert_eq!(event.failure_type.as_deref(), Some("DeadMaster"));
        assert_eq!(event.instance_type.as_deref(), Some("master"));
        assert_eq!(event.command.as_deref(), Some(" kept as given "));
    }

    #[test]
    fn values_are_typed_and_serialised_in_order() {
        let mut a = args();
        a.recovery_uid = some("r-1");
        a.successor_alias = some("zone1-101");
        a.successor_host = some("db-2");
        a.successor_port = some("3306");
        a.is_master = some("true");
        a.count_replicas = some("0");
        a.lost_replicas = some("a:1, b:2,");
        a.failure_cluster_alias = some("commerce.0");
        let event = ReadEvent::from_args(a).event;
        assert_eq!(
            event.successor(),
            Some(HostPort {
                host: "db-2".into(),
                port: 3306
            })
        );
        assert_eq!(
            event.cluster_shard().map(|s| s.to_string()).as_deref(),
            Some("commerce/0")
        );
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(
            json,
            r#"{"recovery_uid":"r-1","is_master":true,"failure_cluster_alias":"commerce.0","count_replicas":0,"lost_replicas":["a:1","b:2"],"successor_host":"db-2","successor_port":3306,"successor_alias":"zone1-0000000101"}"#
        );
    }

    #[test]
    fn bad_values_name_field_value_and_expectation() {
        type Setter = fn(&mut EventArgs, OsString);
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
            set(&mut a, value.into());
            let read = ReadEvent::from_args(a);
            let decisive = DECISIVE.contains(&field);
            let found = if decisive {
                &read.problems
            } else {
                &read.warnings
            };
            assert_eq!(found.len(), 1, "{field}");
            assert_eq!(read.problems.is_empty(), !decisive, "{field}");
            let problem = &found[0];
            assert!(problem.starts_with(field), "{problem}");
            assert!(problem.contains(&format!("{value:?}")), "{problem}");
            assert!(problem.contains(expected), "{problem}");
            // The raw value is still recorded so nothing about the failover is lost.
            assert_eq!(read.invalid.get(field).map(String::as_str), Some(value));
        }
    }

    #[test]
    fn every_field_name_the_reader_uses_is_a_record_key() {
        // Every value set and invalid for its type: typed fields land in `invalid`, text fields
        // in the event; together they must be exactly the event's own field names.
        let x = || some("x!");
        let a = EventArgs {
            failure_type: x(),
            instance_type: x(),
            is_master: x(),
            is_co_master: x(),
            failure_description: x(),
            command: x(),
            failed_host: x(),
            failed_port: x(),
            failure_cluster: x(),
            failure_cluster_alias: x(),
            failure_cluster_domain: x(),
            count_replicas: x(),
            count_lost_replicas: x(),
            is_downtimed: x(),
            auto_master_recovery: x(),
            auto_intermediate_master_recovery: x(),
            orchestrator_host: x(),
            recovery_uid: x(),
            is_successful: x(),
            lost_replicas: x(),
            replica_hosts: x(),
            successor_host: x(),
            successor_port: x(),
            successor_alias: x(),
            successor_binlog_coordinates: x(),
        };
        let read = ReadEvent::from_args(a);
        let serde_json::Value::Object(given) = serde_json::to_value(&read.event).unwrap() else {
            panic!("an event serialises to an object");
        };
        let mut keys: Vec<String> = given.keys().cloned().collect();
        for key in read.invalid.keys() {
            assert!(!given.contains_key(*key), "{key} twice");
            keys.push((*key).to_owned());
        }
        keys.sort();
        let all = FailoverEvent {
            recovery_uid: Some(String::new()),
            failure_type: Some(String::new()),
            instance_type: Some(String::new()),
            is_master: Some(true),
            is_co_master: Some(true),
            failure_description: Some(String::new()),
            command: Some(String::new()),
            failed_host: Some(String::new()),
            failed_port: Some(1),
            failure_cluster: Some(String::new()),
            failure_cluster_alias: Some(String::new()),
            failure_cluster_domain: Some(String::new()),
            count_replicas: Some(0),
            count_lost_replicas: Some(0),
            is_downtimed: Some(true),
            auto_master_recovery: Some(true),
            auto_intermediate_master_recovery: Some(true),
            orchestrator_host: Some(String::new()),
            is_successful: Some(true),
            lost_replicas: Some(Vec::new()),
            replica_hosts: Some(Vec::new()),
            successor_host: Some(String::new()),
            successor_port: Some(1),
            successor_alias: Some("z-1".parse().unwrap()),
            successor_binlog_coordinates: Some(String::new()),
        };
        let serde_json::Value::Object(every) = serde_json::to_value(&all).unwrap() else {
            panic!("an event serialises to an object");
        };
        let mut expected: Vec<String> = every.keys().cloned().collect();
        expected.sort();
        assert_eq!(keys, expected);
        for field in DECISIVE {
            assert!(every.contains_key(*field), "{field} is no event field");
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
