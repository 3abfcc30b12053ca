//! Matching Orchestrator's successor MySQL host:port to Vitess tablet records.
//!
//! Vitess reads a tablet's MySQL endpoint from `mysql_hostname`/`mysql_port`, falling back to
//! `hostname` and `port_map["mysql"]` for older records; Orchestrator may know a host by its
//! short name where the tablet record holds the FQDN, or the other way round.

use std::net::IpAddr;

use crate::alias::TabletAlias;
use crate::event::HostPort;
use crate::proto::topodata::Tablet;

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

/// Host names compared case-insensitively, and a short name against the first label of an FQDN.
pub fn same_host(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_end_matches('.'), b.trim_end_matches('.'));
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    // IP addresses have dots too, but no short form.
    if a.parse::<IpAddr>().is_ok() || b.parse::<IpAddr>().is_ok() {
        return false;
    }
    let short_matches = |short: &str, fqdn: &str| {
        !short.contains('.')
            && fqdn
                .split_once('.')
                .is_some_and(|(first, _)| first.eq_ignore_ascii_case(short))
    };
    short_matches(a, b) || short_matches(b, a)
}

pub fn tablet_matches(tablet: &Tablet, successor: &HostPort) -> bool {
    let (host, port) = mysql_endpoint(tablet);
    port == i32::from(successor.port) && same_host(host, &successor.host)
}

/// `zone1-0000000101 (db2:3306, commerce/0)`, for messages naming candidates.
pub fn describe(tablet: &Tablet) -> String {
    let alias = tablet.alias.as_ref().map_or_else(
        || "<no alias>".to_owned(),
        |a| TabletAlias::from_proto(a).to_string(),
    );
    let (host, port) = mysql_endpoint(tablet);
    format!(
        "{alias} (mysql {host}:{port}, {}/{})",
        tablet.keyspace, tablet.shard
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
    fn hosts() {
        assert!(same_host("db2", "db2"));
        assert!(same_host("DB2.Example.com", "db2.example.COM"));
        assert!(same_host("db2", "db2.example.com"));
        assert!(same_host("db2.example.com.", "db2"));
        assert!(!same_host("db2", "db20.example.com"));
        assert!(!same_host("db2.a.com", "db2.b.com"));
        assert!(!same_host("10", "10.0.0.1"));
        assert!(same_host("10.0.0.1", "10.0.0.1"));
    }

    #[test]
    fn mysql_fields_win_over_legacy_ones() {
        let mut t = tablet(101, "vttablet-101", "db2", 3306);
        t.port_map.insert("mysql".into(), 9999);
        assert_eq!(mysql_endpoint(&t), ("db2", 3306));
        assert!(tablet_matches(&t, &hp("db2", 3306)));
        assert!(!tablet_matches(&t, &hp("vttablet-101", 9999)));
    }

    #[test]
    fn legacy_records_fall_back_to_hostname_and_port_map() {
        let mut t = tablet(101, "db2.example.com", "", 0);
        t.port_map.insert("mysql".into(), 3306);
        assert_eq!(mysql_endpoint(&t), ("db2.example.com", 3306));
        assert!(tablet_matches(&t, &hp("db2", 3306)));
        assert!(!tablet_matches(&t, &hp("db2", 3307)));
        assert!(describe(&t).starts_with("zone1-0000000101 (mysql db2.example.com:3306"));
    }
}
