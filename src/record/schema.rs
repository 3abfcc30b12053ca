//! The recovery record's fields and the kind of value each carries: one schema for the writer
//! (`format`, which spells a logfmt value so that its kind can be read back) and the reader
//! (`read`). JSON lines carry their types themselves; logfmt lines do not, so a logfmt value is
//! read by its key's kind here.
//!
//! The rules that make a logfmt line read back to the same values:
//! - a string under a key whose kind is not [`Kind::Text`] (a value that did not parse, kept as
//!   given) is always quoted, so a bare value there is always of the key's kind;
//! - a list of plain strings is comma-joined, unless an item holds a comma or the joined text
//!   starts with `[`: then it is written as a JSON array, which the reader recognises by its `[`.

/// What a field carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    Bool,
    /// A non-negative integer.
    Integer,
    /// A list of strings.
    TextList,
    /// A list of objects (the attempt log), always JSON.
    Objects,
}

use Kind::{Bool, Integer, Objects, Text, TextList};

/// Every field a record may carry, in the writer's order, with its kind.
pub const FIELDS: &[(&str, Kind)] = &[
    ("ts", Text),
    ("outcome", Text),
    ("pid", Integer),
    ("hook", Text),
    // The event (`event::FailoverEvent`).
    ("recovery_uid", Text),
    ("failure_type", Text),
    ("instance_type", Text),
    ("is_master", Bool),
    ("is_co_master", Bool),
    ("failure_description", Text),
    ("command", Text),
    ("failed_host", Text),
    ("failed_port", Integer),
    ("failure_cluster", Text),
    ("failure_cluster_alias", Text),
    ("failure_cluster_domain", Text),
    ("count_replicas", Integer),
    ("count_lost_replicas", Integer),
    ("is_downtimed", Bool),
    ("auto_master_recovery", Bool),
    ("auto_intermediate_master_recovery", Bool),
    ("orchestrator_host", Text),
    ("is_successful", Bool),
    ("lost_replicas", TextList),
    ("replica_hosts", TextList),
    ("successor_host", Text),
    ("successor_port", Integer),
    ("successor_alias", Text),
    ("successor_binlog_coordinates", Text),
    // What the run learnt (`record::Details`).
    ("alias", Text),
    ("alias_source", Text),
    ("failed_shard", Text),
    ("shard_basis", Text),
    ("verification", Text),
    ("tablet", Text),
    ("tablet_type", Text),
    ("already_primary", Bool),
    ("allowed_types", TextList),
    ("candidates", TextList),
    ("server", Text),
    ("api", Text),
    ("keyspace", Text),
    ("shard", Text),
    ("new_primary", Text),
    ("old_primary", Text),
    ("newer_primary", Text),
    ("newer_primary_term", Text),
    ("newer_recovery_uid", Text),
    ("newer_recovery_successor", Text),
    ("newer_recovery_successor_alias", Text),
    ("settled_by", Text),
    ("settled_tablet", Text),
    ("settled_at", Text),
    ("vtctld_events", TextList),
    ("reason", Text),
    ("error", Text),
    ("signal", Text),
    ("attempts", Integer),
    ("attempt_log", Objects),
    ("duration_ms", Integer),
    ("exit_status", Integer),
    ("notes", TextList),
];

/// The kind of `key`'s values; a key the schema does not know (a newer writer's, a foreign
/// line's) is text.
pub fn kind(key: &str) -> Kind {
    FIELDS
        .iter()
        .find(|(name, _)| *name == key)
        .map_or(Text, |(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::Value;

    use super::*;
    use crate::event::FailoverEvent;
    use crate::exit::Outcome;
    use crate::record::{AttemptRecord, Details, Record};

    /// A record with every field the writer has set, so that its keys and value types can be
    /// held against the schema: a field added to the record and not here fails this test.
    #[test]
    fn every_field_the_writer_sets_is_in_the_schema_with_its_kind() {
        let text = || Some("x".to_owned());
        let event = FailoverEvent {
            recovery_uid: text(),
            failure_type: text(),
            instance_type: text(),
            is_master: Some(true),
            is_co_master: Some(false),
            failure_description: text(),
            command: text(),
            failed_host: text(),
            failed_port: Some(3306),
            failure_cluster: text(),
            failure_cluster_alias: text(),
            failure_cluster_domain: text(),
            count_replicas: Some(2),
            count_lost_replicas: Some(0),
            is_downtimed: Some(false),
            auto_master_recovery: Some(true),
            auto_intermediate_master_recovery: Some(true),
            orchestrator_host: text(),
            is_successful: Some(true),
            lost_replicas: Some(vec!["a:1".into()]),
            replica_hosts: Some(vec!["b:2".into()]),
            successor_host: text(),
            successor_port: Some(3306),
            successor_alias: "zone1-101".parse().ok(),
            successor_binlog_coordinates: text(),
        };
        let details = Details {
            alias: text(),
            alias_source: Some("lookup"),
            failed_shard: text(),
            shard_basis: Some("failed-primary"),
            verification: Some("verified"),
            tablet: text(),
            tablet_type: text(),
            already_primary: true,
            allowed_types: vec!["RDONLY".into()],
            candidates: vec!["c".into()],
            server: text(),
            api: Some("vtctld"),
            keyspace: text(),
            shard: text(),
            new_primary: text(),
            old_primary: text(),
            newer_primary: text(),
            newer_primary_term: text(),
            newer_recovery_uid: text(),
            newer_recovery_successor: text(),
            newer_recovery_successor_alias: text(),
            settled_by: text(),
            settled_tablet: text(),
            settled_at: text(),
            vtctld_events: vec!["e".into()],
            reason: text(),
            error: text(),
            signal: Some("SIGTERM"),
            attempts: Some(1),
            attempt_log: vec![AttemptRecord {
                rpc: "GetTablets",
                server: "s".into(),
                api: "vtctld",
                status: "OK".into(),
                ms: 1,
            }],
            duration_ms: Some(3),
        };
        let invalid = BTreeMap::new();
        let notes = vec!["n".to_owned()];
        let mut record = Record::new(Outcome::Ok, &event, &invalid, &details, &notes);
        record.hook = Some("PreFailover");
        record.exit_status = Some(0);
        let map = record.to_map();
        let names: Vec<&str> = FIELDS.iter().map(|(name, _)| *name).collect();
        let written: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(
            written, names,
            "the schema lists the writer's fields in its order"
        );
        for (key, value) in &map {
            let fits = match (kind(key), value) {
                (Text, Value::String(_)) | (Bool, Value::Bool(_)) => true,
                (Integer, Value::Number(n)) => n.is_u64(),
                (TextList, Value::Array(items)) => items.iter().all(Value::is_string),
                (Objects, Value::Array(items)) => items.iter().all(Value::is_object),
                _ => false,
            };
            assert!(fits, "{key}: {value} is not a {:?}", kind(key));
        }
    }
}
