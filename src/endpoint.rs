//! MySQL endpoints as Orchestrator and Vitess name them, and how two names of a host compare:
//! the matching rules the safety checks rank by, and the host names `discover` may register.

use std::fmt;
use std::net::IpAddr;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
