//! Vitess tablet records as the hook reads them: shards, tablet types and MySQL endpoints.
//!
//! Vitess reads a tablet's MySQL endpoint from `mysql_hostname`/`mysql_port`, falling back to
//! `hostname` and `port_map["mysql"]` for older records; Orchestrator may know a host by its
//! short name where the tablet record holds the FQDN, or the other way round.

use crate::alias::TabletAlias;
use crate::endpoint::{HostMatch, HostPort, host_match};
use crate::proto::topodata::{Tablet, TabletType};

/// Tablet types as Vitess names them (`BATCH` is `RDONLY`, `MASTER` is `PRIMARY`).
pub fn type_name(tablet_type: i32) -> String {
    TabletType::try_from(tablet_type).map_or_else(
        |_| format!("type {tablet_type}"),
        |t| t.as_str_name().to_owned(),
    )
}

/// Reads a tablet type name, case-insensitively, with Vitess's aliases.
pub fn parse_type(name: &str) -> Option<TabletType> {
    match name.trim().to_ascii_uppercase().as_str() {
        "MASTER" => Some(TabletType::Primary),
        "BATCH" => Some(TabletType::Rdonly),
        other => TabletType::from_str_name(other),
    }
}

/// Tablet types that may be made primary: REPLICA (and PRIMARY, where the reparent is a no-op)
/// always, the non-serving types only when the operator allows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Promotable(u32);

impl Default for Promotable {
    fn default() -> Self {
        Self::only_replicas()
    }
}

impl Promotable {
    pub fn only_replicas() -> Self {
        Self((1 << TabletType::Replica as u32) | (1 << TabletType::Primary as u32))
    }

    pub fn allow(&mut self, tablet_type: TabletType) {
        self.0 |= 1 << (tablet_type as u32);
    }

    pub fn allows(self, tablet_type: i32) -> bool {
        u32::try_from(tablet_type)
            .ok()
            .filter(|t| *t < 32 && *t != TabletType::Unknown as u32)
            .is_some_and(|t| self.0 & (1 << t) != 0)
    }

    /// The allowed types beyond REPLICA and PRIMARY, for records and messages.
    pub fn extra_names(self) -> Vec<String> {
        (3..32)
            .filter(|t| self.0 & (1 << t) != 0)
            .map(type_name)
            .collect()
    }
}

/// The MySQL host and port a tablet record names, with Vitess's fallbacks.
pub fn mysql_endpoint(tablet: &Tablet) -> (&str, i32) {
    let host = if tablet.mysql_hostname.is_empty() {
        &tablet.hostname
    } else {
        &tablet.mysql_hostname
    };
    let port = if tablet.mysql_port != 0 {
        tablet.mysql_port
    } else {
        tablet.port_map.get("mysql").copied().unwrap_or(0)
    };
    (host, port)
}

/// How the tablet's MySQL endpoint matches `endpoint`, if at all (the port must be equal).
pub fn endpoint_match(tablet: &Tablet, endpoint: &HostPort) -> Option<HostMatch> {
    let (host, port) = mysql_endpoint(tablet);
    if port != i32::from(endpoint.port) {
        return None;
    }
    host_match(host, &endpoint.host)
}

/// When the tablet's current term as primary began, as `(seconds, nanoseconds)`; `None` when
/// vtctld does not say (a replica, or a record from before terms).
pub fn primary_term(tablet: &Tablet) -> Option<(i64, i32)> {
    tablet
        .primary_term_start_time
        .as_ref()
        .filter(|t| t.seconds > 0 || t.nanoseconds > 0)
        .map(|t| (t.seconds, t.nanoseconds))
}

pub fn alias_of(tablet: &Tablet) -> Option<TabletAlias> {
    tablet.alias.as_ref().map(TabletAlias::from_proto)
}

/// `zone1-0000000101 (REPLICA, mysql db2:3306, commerce/0)`, for messages naming candidates.
pub fn describe(tablet: &Tablet) -> String {
    let alias = alias_of(tablet).map_or_else(|| "<no alias>".to_owned(), |a| a.to_string());
    let (host, port) = mysql_endpoint(tablet);
    format!(
        "{alias} ({}, mysql {host}:{port}, {}/{})",
        type_name(tablet.r#type),
        tablet.keyspace,
        tablet.shard
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::topodata::TabletAlias as ProtoAlias;

    fn tablet(uid: u32, hostname: &str, mysql_hostname: &str, mysql_port: i32) -> Tablet {
        Tablet {
            alias: Some(ProtoAlias {
                cell: "zone1".into(),
                uid,
            }),
            hostname: hostname.into(),
            mysql_hostname: mysql_hostname.into(),
            mysql_port,
            keyspace: "commerce".into(),
            shard: "0".into(),
            r#type: TabletType::Replica as i32,
            ..Tablet::default()
        }
    }

    fn hp(host: &str, port: u16) -> HostPort {
        HostPort {
            host: host.into(),
            port,
        }
    }

    #[test]
    fn mysql_fields_win_over_legacy_ones() {
        let mut t = tablet(101, "vttablet-101", "db2", 3306);
        t.port_map.insert("mysql".into(), 9999);
        assert_eq!(mysql_endpoint(&t), ("db2", 3306));
        assert_eq!(
            endpoint_match(&t, &hp("db2", 3306)),
            Some(HostMatch::Identical)
        );
        assert_eq!(endpoint_match(&t, &hp("vttablet-101", 9999)), None);
    }

    #[test]
    fn legacy_records_fall_back_to_hostname_and_port_map() {
        let mut t = tablet(101, "db2.example.com", "", 0);
        t.port_map.insert("mysql".into(), 3306);
        assert_eq!(mysql_endpoint(&t), ("db2.example.com", 3306));
        assert_eq!(
            endpoint_match(&t, &hp("db2", 3306)),
            Some(HostMatch::ShortName)
        );
        assert_eq!(endpoint_match(&t, &hp("db2", 3307)), None);
        assert!(describe(&t).starts_with("zone1-0000000101 (REPLICA, mysql db2.example.com:3306"));
    }

    #[test]
    fn type_names_and_promotable_types() {
        assert_eq!(type_name(TabletType::Rdonly as i32), "RDONLY");
        assert_eq!(type_name(42), "type 42");
        assert_eq!(parse_type("batch"), Some(TabletType::Rdonly));
        assert_eq!(parse_type("MASTER"), Some(TabletType::Primary));
        assert_eq!(parse_type("Drained"), Some(TabletType::Drained));
        assert_eq!(parse_type("bogus"), None);
        let mut p = Promotable::only_replicas();
        assert!(p.allows(TabletType::Replica as i32));
        assert!(p.allows(TabletType::Primary as i32));
        assert!(!p.allows(TabletType::Rdonly as i32));
        assert!(!p.allows(TabletType::Unknown as i32));
        assert!(!p.allows(-1) && !p.allows(99));
        p.allow(TabletType::Rdonly);
        assert!(p.allows(TabletType::Rdonly as i32));
        assert_eq!(p.extra_names(), ["RDONLY"]);
    }
}
