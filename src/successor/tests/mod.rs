//! `successor`'s unit tests: the small fleet they share and the helpers that ask and read the
//! rules; the cases, by theme, in the modules below. They never touch a network.

use super::*;
use crate::proto::topodata::TabletAlias as ProtoAlias;

mod matching;
mod primaries;

fn tablet(ks: &str, shard: &str, uid: u32, host: &str, kind: TabletType) -> Tablet {
    Tablet {
        alias: Some(ProtoAlias {
            cell: "zone1".into(),
            uid,
        }),
        hostname: format!("vttablet-{uid}"),
        keyspace: ks.into(),
        shard: shard.into(),
        r#type: kind as i32,
        mysql_hostname: host.into(),
        mysql_port: 3306,
        ..Tablet::default()
    }
}

/// commerce/0: 100 primary db1, 101 replica db2, 102 rdonly db3;
/// customer/-80: 200 primary db4, 201 replica db2.other.net (same short name as db2), 202 drained db6.
fn fleet() -> Vec<Tablet> {
    use TabletType::*;
    vec![
        tablet("commerce", "0", 100, "db1.example.com", Primary),
        tablet("commerce", "0", 101, "db2.example.com", Replica),
        tablet("commerce", "0", 102, "db3.example.com", Rdonly),
        tablet("customer", "-80", 200, "db4.example.com", Primary),
        tablet("customer", "-80", 201, "db2.other.net", Replica),
        tablet("customer", "-80", 202, "db6.example.com", Drained),
    ]
}

fn hp(host: &str) -> Option<HostPort> {
    Some(HostPort {
        host: host.into(),
        port: 3306,
    })
}

fn alias(text: &str) -> Option<TabletAlias> {
    Some(text.parse().unwrap())
}

fn shard(text: &str) -> Option<Shard> {
    Shard::from_cluster_alias(text)
}

fn question(failed: &str, successor: &str) -> Question {
    Question {
        failed: hp(failed).filter(|_| !failed.is_empty()),
        successor: hp(successor).filter(|_| !successor.is_empty()),
        ..Question::default()
    }
}

fn chosen(resolution: Resolution) -> Chosen {
    match resolution {
        Resolution::Chosen(chosen) => chosen,
        other => panic!("expected a choice: {other:?}"),
    }
}

fn refused(resolution: Resolution) -> String {
    match resolution {
        Resolution::Refused(refusal) => refusal.to_string(),
        other => panic!("expected a refusal: {other:?}"),
    }
}

fn term(t: &mut Tablet, seconds: i64) {
    t.primary_term_start_time = Some(crate::proto::vttime::Time {
        seconds,
        nanoseconds: 0,
    });
}

impl Question {
    fn with_all_types(mut self) -> Self {
        for t in [TabletType::Rdonly, TabletType::Drained] {
            self.promotable.allow(t);
        }
        self
    }
}
