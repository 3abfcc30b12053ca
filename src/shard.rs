//! A keyspace and one of its shards: what a failover is about, named the way Vitess names it
//! (`commerce/0`), and read from a `keyspace.shard` cluster alias. Pure.

use std::fmt;

use crate::proto::topodata::Tablet;

/// A keyspace and one of its shards, shown as Vitess shows it: `commerce/0`, `customer/-80`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
        (is_name(keyspace) && is_name(shard)).then(|| Self {
            keyspace: keyspace.to_owned(),
            shard: shard.to_owned(),
        })
    }
}

/// Whether `text` may name a keyspace or a shard: 1 to 64 letters, digits, `_` and `-`, as
/// Vitess's topology requires of them (`validateObjectName`, in its 16.0.2 release notes).
pub fn is_name(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.keyspace, self.shard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
