//! The legacy API's tablet listings (`ListShardTablets <keyspace/shard>`, `ListAllTablets`) read
//! back into tablet records, so a legacy-only vtctld is checked by the same rules as the typed
//! `GetTablets`.
//!
//! vtctl prints one tablet a line (Vitess v0.24, pinned by tests/interop):
//! `zone1-0000000100 commerce 0 primary 127.0.0.1:15100 db1.example.com:3306 [] 2026-12-07T13:20:42Z`:
//! alias, keyspace, shard (`<null>` when empty), type in lower case, the tablet's address, its
//! MySQL address (`[v6]:port` for IPv6), its tags as `[key: "value" ...]` (values quoted, so
//! they may hold spaces), and the start of its primary term in RFC 3339 (`<null>` when none).

use std::fmt;

use crate::alias::TabletAlias;
use crate::proto::topodata::Tablet;
use crate::proto::vttime::Time;
use crate::tablet;

/// A line that is not a tablet as vtctl prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: String,
    pub why: String,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unreadable tablet line {:?}: {}", self.line, self.why)
    }
}

/// Lines longer than this are no tablet line (a tablet's tags are a few hundred bytes).
const MAX_LINE: usize = 64 * 1024;

/// Reads every non-empty line of a listing; one unreadable line fails the whole listing, since
/// a listing with a hole in it proves nothing.
pub fn parse(lines: &[String]) -> Result<Vec<Tablet>, BadLine> {
    lines
        .iter()
        .flat_map(|chunk| chunk.lines())
        .filter(|line| !line.trim().is_empty())
        .map(parse_line)
        .collect()
}

pub fn parse_line(line: &str) -> Result<Tablet, BadLine> {
    let bad = |why: &str| BadLine {
        line: line.chars().take(200).collect(),
        why: why.to_owned(),
    };
    if line.len() > MAX_LINE {
        return Err(bad("longer than any tablet line"));
    }
    let mut fields = line.split_whitespace();
    let mut next = |name: &str| fields.next().ok_or_else(|| bad(&format!("no {name}")));
    let alias: TabletAlias = next("alias")?
        .parse()
        .map_err(|e| bad(&format!("alias: {e}")))?;
    let keyspace = null_as_empty(next("keyspace")?);
    let shard = null_as_empty(next("shard")?);
    let kind = next("type")?;
    let kind = tablet::parse_type(kind).ok_or_else(|| bad(&format!("type {kind:?}")))?;
    let _tablet_address = next("tablet address")?;
    let mysql = next("MySQL address")?;
    let (mysql_hostname, mysql_port) =
        split_host_port(mysql).ok_or_else(|| bad(&format!("MySQL address {mysql:?}")))?;
    // The tags (`[]`, or `[key: "value" ...]` whose values may hold spaces), then the term.
    let rest: Vec<&str> = fields.collect();
    let (term, tags) = rest
        .split_last()
        .ok_or_else(|| bad("no primary term start"))?;
    let tags_whole = tags.first().is_some_and(|t| t.starts_with('['))
        && tags.last().is_some_and(|t| t.ends_with(']'));
    if !tags_whole {
        return Err(bad("no tags"));
    }
    let primary_term_start_time = match *term {
        "<null>" => None,
        text => {
            let at = chrono::DateTime::parse_from_rfc3339(text)
                .map_err(|e| bad(&format!("primary term start {text:?}: {e}")))?;
            Some(Time {
                seconds: at.timestamp(),
                nanoseconds: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
            })
        }
    };
    Ok(Tablet {
        alias: Some(alias.to_proto()),
        keyspace,
        shard,
        r#type: kind as i32,
        mysql_hostname,
        mysql_port,
        primary_term_start_time,
        ..Tablet::default()
    })
}

fn null_as_empty(field: &str) -> String {
    if field == "<null>" {
        String::new()
    } else {
        field.to_owned()
    }
}

/// `host:port` or `[v6]:port`, as Go's `net.JoinHostPort` writes them: it brackets every host
/// holding a ':', and no host holds a bracket. The host may be empty (a record without one);
/// the port must be a number.
fn split_host_port(text: &str) -> Option<(String, i32)> {
    let (host, port) = match text.strip_prefix('[') {
        Some(rest) => rest.split_once("]:")?,
        None => text
            .rsplit_once(':')
            .filter(|(host, _)| !host.contains(':'))?,
    };
    let port: u16 = port.parse().ok()?;
    let plain = !host.contains(|c: char| c.is_whitespace() || c == '[' || c == ']');
    plain.then(|| (host.to_owned(), i32::from(port)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::topodata::TabletType;

    #[test]
    fn lines_as_vtctl_prints_them() {
        let t = parse_line(
            "zone1-0000000100 commerce 0 primary 127.0.0.1:0 db1.example.com:3306 [] \
             2026-12-07T13:20:42Z",
        )
        .unwrap();
        assert_eq!(t.alias.as_ref().map(|a| a.uid), Some(100));
        assert_eq!((t.keyspace.as_str(), t.shard.as_str()), ("commerce", "0"));
        assert_eq!(t.r#type, TabletType::Primary as i32);
        assert_eq!(
            (t.mysql_hostname.as_str(), t.mysql_port),
            ("db1.example.com", 3306)
        );
        assert!(t.primary_term_start_time.is_some_and(|p| p.seconds > 0));

        let t = parse_line(
            "zone2-0000000300 customer -80 master host:15100 [::1]:3306 \
             [env: \"prod eu\" team: \"db\"] <null>",
        )
        .unwrap();
        assert_eq!(t.r#type, TabletType::Primary as i32);
        assert_eq!((t.mysql_hostname.as_str(), t.mysql_port), ("::1", 3306));
        assert_eq!(t.primary_term_start_time, None);

        let t = parse_line("zone1-1 <null> <null> spare h:1 :0 [] <null>").unwrap();
        assert_eq!((t.keyspace.as_str(), t.mysql_hostname.as_str()), ("", ""));
    }

    #[test]
    fn anything_else_fails_the_listing() {
        for line in [
            "zone1-0000000100 commerce 0 primary",
            "not-an-alias-x commerce 0 primary a:1 b:2 [] <null>",
            "zone1-100 commerce 0 leader a:1 b:2 [] <null>",
            "zone1-100 commerce 0 replica a:1 b [] <null>",
            "zone1-100 commerce 0 replica a:1 b:99999 [] <null>",
            "zone1-100 commerce 0 replica a:1 b:3306 [] yesterday",
            "zone1-100 commerce 0 replica a:1 b:3306 <null>",
            // Found by the vtctld fuzz target: MySQL addresses vtctl never prints, once read
            // as hosts `]:[1:` and `::1` that print back as other addresses.
            "zone1-100 commerce 0 replica a:1 ]:[1::33 [] <null>",
            "zone1-100 commerce 0 replica a:1 ::1:3306 [] <null>",
            "zone1-100 commerce 0 replica a:1 [a]b]:3306 [] <null>",
        ] {
            assert!(parse_line(line).is_err(), "{line}");
        }
        let lines = vec!["zone1-100 commerce 0 replica a:1 b:3306 [] <null>\nbroken\n".into()];
        let error = parse(&lines).unwrap_err();
        assert!(error.to_string().contains("\"broken\""), "{error}");
        assert_eq!(parse(&["\n".to_owned()]).unwrap(), Vec::new());
    }
}
