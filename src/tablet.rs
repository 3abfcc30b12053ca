//! Vitess tablet records as the hook reads them: shards, tablet types and MySQL endpoints.
//!
//! Vitess reads a tablet's MySQL endpoint from `mysql_hostname`/`mysql_port`, falling back to
//! `hostname` and `port_map["mysql"]` for older records; Orchestrator may know a host by its
//! short name where the tablet record holds the FQDN, or the other way round.

use std::ffi::OsString;
use std::fmt;
use std::net::IpAddr;

use crate::alias::TabletAlias;
use crate::event::HostPort;
use crate::proto::topodata::{Tablet, TabletType};
use crate::settings::{Problems, Setting};

/// A keyspace and one of its shards, shown as Vitess shows it: `commerce/0`, `customer/-80`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shard {
    pub keyspace: String,
    pub shard: String,
}

impl Shard {
    pub fn of(tablet: &Tablet) -> Self {
        Self {
            keyspace: tablet.keyspace.clone(),
            shard: tablet.shard.clone(),
        }
    }

    pub fn contains(&self, tablet: &Tablet) -> bool {
        tablet.keyspace == self.keyspace && tablet.shard == self.shard
    }

    /// Reads a cluster alias of the form `keyspace.shard`, Vitess's own format. Anything else
    /// (Orchestrator's default alias is the cluster name `host:port`) names no shard.
    pub fn from_cluster_alias(alias: &str) -> Option<Self> {
        let (keyspace, shard) = alias.split_once('.')?;
        let name_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let valid = |part: &str| !part.is_empty() && part.chars().all(name_char);
        (valid(keyspace) && valid(shard)).then(|| Self {
            keyspace: keyspace.to_owned(),
            shard: shard.to_owned(),
        })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.keyspace, self.shard)
    }
}

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

    /// REPLICA and PRIMARY, and the types `--allow-type` names; a name that is no type is a
    /// problem.
    pub fn from_settings(raw: &[OsString], problems: &mut Problems) -> Self {
        const ALLOW_TYPE: Setting = Setting::new("--allow-type", "ORC_VITESS_HOOK_ALLOW_TYPES");
        let mut promotable = Self::only_replicas();
        for value in raw {
            let Some(text) = problems.text(ALLOW_TYPE, value) else {
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            match parse_type(text) {
                Some(kind) if kind != TabletType::Unknown => promotable.allow(kind),
                _ => problems.push(
                    ALLOW_TYPE,
                    value,
                    "expected a tablet type: RDONLY (BATCH), SPARE, EXPERIMENTAL, BACKUP, RESTORE \
                     or DRAINED",
                ),
            }
        }
        promotable
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

/// A tablet's MySQL host as Orchestrator is to be given it, a trailing dot dropped; or why it
/// cannot be: a loopback or unspecified address and `localhost` name a different MySQL on
/// every host (or none), and what is no host name or IP address Orchestrator cannot reach.
pub fn registrable_host(host: &str) -> Result<&str, &'static str> {
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.is_empty() {
        return Err("expected a host name or IP address, not an empty one");
    }
    if let Ok(address) = name.parse::<IpAddr>() {
        let address = address.to_canonical();
        if address.is_loopback() {
            return Err("a loopback address names a different MySQL on every host");
        }
        if address.is_unspecified() {
            return Err("an unspecified address (0.0.0.0, ::) names no host");
        }
        return Ok(name);
    }
    let lower = name.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return Err("localhost names a different MySQL on every host");
    }
    if name.len() > 253 {
        return Err("expected a host name of at most 253 characters");
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(
                "expected a host name, not one with an empty label (\"..\" or a leading dot)",
            );
        }
        if label.len() > 63 {
            return Err("expected a host name whose labels have at most 63 characters");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("expected a host name, not one with a label starting or ending with '-'");
        }
        if !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(
                "expected a host name of letters, digits, '-' and '_' in dot-separated labels, \
                 or an IP address (no spaces or control characters)",
            );
        }
    }
    Ok(name)
}

/// How a tablet's MySQL endpoint matches a host:port Orchestrator named, worst first: a better
/// match anywhere in the fleet beats a worse one, so the order is part of the safety rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HostMatch {
    /// A short name against the first label of an FQDN (`db2` and `db2.example.com`).
    ShortName,
    /// The same name spelt differently (case, a trailing dot) or the same address written
    /// differently (`::1` and `0:0::1`).
    Equivalent,
    /// Byte for byte the same text.
    Identical,
}

impl HostMatch {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ShortName => "a short-name match",
            Self::Equivalent => "a match only up to case, a trailing dot or the address's spelling",
            Self::Identical => "an identical match",
        }
    }
}

pub fn host_match(a: &str, b: &str) -> Option<HostMatch> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(HostMatch::Identical);
    }
    // One trailing dot is the root of an FQDN; more is no host name.
    let (a, b) = (
        a.strip_suffix('.').unwrap_or(a),
        b.strip_suffix('.').unwrap_or(b),
    );
    if a.ends_with('.') || b.ends_with('.') {
        return None;
    }
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a.eq_ignore_ascii_case(b) {
        return Some(HostMatch::Equivalent);
    }
    // IP addresses have dots too, but no short form; the same address may be spelt two ways.
    match (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
        (Ok(x), Ok(y)) => return (x == y).then_some(HostMatch::Equivalent),
        (Ok(_), Err(_)) | (Err(_), Ok(_)) => return None,
        (Err(_), Err(_)) => {}
    }
    let short_of = |short: &str, fqdn: &str| {
        !short.contains('.')
            && fqdn
                .split_once('.')
                .is_some_and(|(first, _)| first.eq_ignore_ascii_case(short))
    };
    (short_of(a, b) || short_of(b, a)).then_some(HostMatch::ShortName)
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

    #[test]
    fn registrable_hosts() {
        for (host, registered) in [
            ("db1.example.com", "db1.example.com"),
            ("db1.example.com.", "db1.example.com"),
            ("DB_1", "DB_1"),
            ("10.0.0.3", "10.0.0.3"),
            ("fd00::3", "fd00::3"),
            ("128.0.0.1", "128.0.0.1"),
        ] {
            assert_eq!(registrable_host(host), Ok(registered), "{host:?}");
        }
        for (host, why) in [
            ("127.0.0.1", "loopback"),
            ("127.8.9.10", "loopback"),
            ("::1", "loopback"),
            ("::ffff:127.0.0.1", "loopback"),
            ("localhost", "localhost"),
            ("LocalHost.", "localhost"),
            ("db.localhost", "localhost"),
            ("0.0.0.0", "unspecified"),
            ("::", "unspecified"),
            ("", "empty one"),
            (".", "empty one"),
            ("db x", "no spaces"),
            ("db\n1", "no spaces or control"),
            ("db\u{7f}", "control"),
            ("-db1", "starting or ending with '-'"),
            ("db1.-x.com", "starting or ending with '-'"),
            ("db1..example.com", "empty label"),
            (".db1", "empty label"),
            ("db1.example.com..", "empty label"),
            ("[::1]", "letters, digits"),
            ("fe80::1%eth0", "letters, digits"),
            ("dbé.example.com", "letters, digits"),
        ] {
            let refused = registrable_host(host).expect_err(host);
            assert!(refused.contains(why), "{host:?}: {refused}");
        }
        assert!(registrable_host(&"a".repeat(64)).is_err());
        assert!(registrable_host(&["a"; 127].join(".")).is_ok());
        assert!(registrable_host(&["a"; 128].join(".")).is_err());
    }

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
    fn hosts() {
        use HostMatch::{Equivalent, Identical, ShortName};
        let table = [
            ("db2", "db2", Some(Identical)),
            ("DB2.Example.com", "db2.example.COM", Some(Equivalent)),
            ("db2.example.com.", "db2.example.com", Some(Equivalent)),
            ("db2.example.com.", "db2.example.com.", Some(Identical)),
            (".", "db2", None),
            ("::1", "0:0::1", Some(Equivalent)),
            ("::1", "::2", None),
            ("db2", "db2.example.com", Some(ShortName)),
            ("db2.example.com.", "db2", Some(ShortName)),
            ("db2", "db20.example.com", None),
            ("db2.a.com", "db2.b.com", None),
            ("10", "10.0.0.1", None),
            ("10.0.0.1", "10.0.0.1", Some(Identical)),
            ("", "", None),
        ];
        for (a, b, expected) in table {
            assert_eq!(host_match(a, b), expected, "{a} vs {b}");
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
    fn cluster_aliases_that_name_a_shard() {
        let table = [
            ("commerce.0", Some("commerce/0")),
            ("customer.-80", Some("customer/-80")),
            ("customer.80-", Some("customer/80-")),
            ("my_ks.40-80", Some("my_ks/40-80")),
            ("127.0.0.1:23306", None),
            ("db1.example.com", None),
            ("commerce", None),
            (".0", None),
            ("commerce.", None),
            ("commerce/0", None),
        ];
        for (alias, shard) in table {
            assert_eq!(
                Shard::from_cluster_alias(alias)
                    .map(|s| s.to_string())
                    .as_deref(),
                shard,
                "{alias}"
            );
        }
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
