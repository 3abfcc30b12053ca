//! Pure: whether a newer failover has superseded this run. The run's own listing says who the
//! shard's primary was when it began ([`Watch::began`]); the listing made before each reparent
//! attempt says who it is now ([`Watch::newer`]). A PRIMARY other than the successor whose
//! primary term is newer than the one the run began with (or any PRIMARY other than the
//! successor, when the run began with none) means another failover made it primary since:
//! sending the successor would undo that failover.

use chrono::{DateTime, SecondsFormat};

use crate::alias::TabletAlias;
use crate::proto::topodata::{Tablet, TabletType};
use crate::proto::vtctldata::GetTabletsRequest;
use crate::record::{AttemptRecord, REPARENT_RPC};
use crate::shard::Shard;
use crate::tablet;
use crate::vtctld::{ApiKind, Rpc};

/// A primary term's start, `(seconds, nanoseconds)`; `None` (a PRIMARY whose record has no
/// term) orders before every term.
pub(in crate::commands) type Term = Option<(i64, i32)>;

/// The shard's primary when the run began, as its own listing showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::commands) enum Began {
    /// The listing showed no PRIMARY in the shard.
    NoPrimary,
    /// The newest term of the shard's PRIMARY tablets.
    Primary(Term),
}

/// What the check before each reparent attempt compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::commands) struct Watch {
    /// The successor's own shard: the one the reparent acts on.
    pub shard: Shard,
    pub successor: TabletAlias,
    pub began: Began,
    /// Whether the typed check lists strictly: as the run's own listing did. Only a successor
    /// sent unverified past a cell vtctld cannot read (`--allow-unverified-alias`) was chosen
    /// from the readable cells, and is checked against them.
    pub strict: bool,
}

/// A PRIMARY that a newer failover made: the run is superseded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::commands) struct Newer {
    pub alias: TabletAlias,
    pub term: Term,
}

impl Newer {
    /// The term's start in RFC 3339, when the tablet record has one.
    pub fn term_text(&self) -> Option<String> {
        let (seconds, nanos) = self.term?;
        let nanos = u32::try_from(nanos).ok()?;
        DateTime::from_timestamp(seconds, nanos)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

fn is_primary(t: &Tablet) -> bool {
    t.r#type == TabletType::Primary as i32
}

impl Watch {
    /// What the run's listing `seen` (`strict` or not) says of the successor `alias`'s shard;
    /// `None` when the listing does not hold the successor (nothing to compare with).
    pub fn began(seen: &[Tablet], successor: &TabletAlias, strict: bool) -> Option<Self> {
        let own = seen
            .iter()
            .find(|t| tablet::alias_of(t).as_ref() == Some(successor))?;
        let shard = Shard::of(own);
        let began = seen
            .iter()
            .filter(|t| shard.contains(t) && is_primary(t))
            .map(tablet::primary_term)
            .max()
            .map_or(Began::NoPrimary, Began::Primary);
        Some(Self {
            shard,
            successor: successor.clone(),
            began,
            strict,
        })
    }

    /// The typed listing of the shard alone.
    pub fn request(&self) -> GetTabletsRequest {
        GetTabletsRequest {
            keyspace: self.shard.keyspace.clone(),
            shard: self.shard.shard.clone(),
            strict: self.strict,
            ..GetTabletsRequest::default()
        }
    }

    /// The newest PRIMARY of the shard in `now` that is not the successor and is newer than the
    /// primary the run began with. Tablets of other shards are ignored (the legacy listing holds
    /// every shard). The successor already PRIMARY is no newer failover: the reparent confirms it.
    pub fn newer(&self, now: &[Tablet]) -> Option<Newer> {
        now.iter()
            .filter(|t| self.shard.contains(t) && is_primary(t))
            .filter_map(|t| Some((tablet::alias_of(t)?, tablet::primary_term(t))))
            .filter(|(alias, _)| *alias != self.successor)
            .filter(|(_, term)| match self.began {
                Began::NoPrimary => true,
                Began::Primary(began) => *term > began,
            })
            .max_by_key(|(_, term)| *term)
            .map(|(alias, term)| Newer { alias, term })
    }
}

/// What one reparent attempt got to do, in the order of the attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::commands) enum Step {
    /// Listing the shard before sending: the attempt ended there (the listing failed or timed
    /// out, or the run was stopped).
    Checking,
    /// The listing found a newer primary: nothing was sent.
    Superseded,
    /// The reparent was sent.
    Sent,
}

/// The retry loop records each attempt as the reparent's; an attempt that never got past the
/// listing before it is recorded as the listing it was (`GetTablets`, or `ListTablets` on the
/// legacy API), so the record never shows a reparent that was not sent. `steps` are the
/// attempts' steps in order.
pub(in crate::commands) fn relabel(attempts: &mut [AttemptRecord], steps: &[Step]) {
    let reparents = attempts.iter_mut().filter(|a| a.rpc == REPARENT_RPC);
    for (attempt, step) in reparents.zip(steps) {
        if *step != Step::Sent {
            let api = if attempt.api == ApiKind::Vtctl.as_str() {
                ApiKind::Vtctl
            } else {
                ApiKind::Vtctld
            };
            attempt.rpc = Rpc::ListTablets.name_for(api);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::topodata::TabletAlias as ProtoAlias;
    use crate::proto::vttime::Time;

    fn tablet(shard: &str, uid: u32, kind: TabletType, term: i64) -> Tablet {
        Tablet {
            alias: Some(ProtoAlias {
                cell: "zone1".into(),
                uid,
            }),
            keyspace: "commerce".into(),
            shard: shard.into(),
            r#type: kind as i32,
            primary_term_start_time: (term > 0).then_some(Time {
                seconds: term,
                nanoseconds: 0,
            }),
            ..Tablet::default()
        }
    }

    fn alias(uid: u32) -> TabletAlias {
        TabletAlias::from_proto(&ProtoAlias {
            cell: "zone1".into(),
            uid,
        })
    }

    use TabletType::{Primary, Replica, Unknown};

    #[test]
    fn the_run_begins_with_its_shards_newest_primary() {
        let seen = [
            tablet("0", 100, Primary, 10),
            tablet("0", 101, Replica, 0),
            tablet("0", 103, Primary, 5),
            tablet("1", 200, Primary, 99),
        ];
        let watch = Watch::began(&seen, &alias(101), true).unwrap();
        assert_eq!(watch.shard.to_string(), "commerce/0");
        assert_eq!(watch.began, Began::Primary(Some((10, 0))));
        assert!(Watch::began(&seen, &alias(999), true).is_none());
        let none = [tablet("0", 101, Replica, 0), tablet("1", 200, Primary, 99)];
        assert_eq!(
            Watch::began(&none, &alias(101), true).unwrap().began,
            Began::NoPrimary
        );
        let termless = [tablet("0", 100, Primary, 0), tablet("0", 101, Replica, 0)];
        assert_eq!(
            Watch::began(&termless, &alias(101), true).unwrap().began,
            Began::Primary(None)
        );
    }

    #[test]
    fn only_another_tablets_newer_term_supersedes() {
        let watch = |began| Watch {
            shard: Shard {
                keyspace: "commerce".into(),
                shard: "0".into(),
            },
            successor: alias(101),
            began,
            strict: true,
        };
        let at_10 = watch(Began::Primary(Some((10, 0))));
        let newer = |t: &[Tablet], w: &Watch| w.newer(t).map(|n| (n.alias.to_string(), n.term));
        // Unchanged, or the failed primary still listed (or reported UNKNOWN): not superseded.
        assert_eq!(newer(&[tablet("0", 100, Primary, 10)], &at_10), None);
        assert_eq!(newer(&[tablet("0", 100, Unknown, 10)], &at_10), None);
        // The successor itself became primary: the reparent confirms it.
        assert_eq!(newer(&[tablet("0", 101, Primary, 20)], &at_10), None);
        // Another tablet with a newer term: superseded, the newest named.
        let fleet = [
            tablet("0", 100, Primary, 10),
            tablet("0", 102, Primary, 20),
            tablet("0", 103, Primary, 30),
        ];
        assert_eq!(
            newer(&fleet, &at_10),
            Some(("zone1-0000000103".into(), Some((30, 0))))
        );
        // An older or equal term, or none, is not newer; another shard is not this one.
        assert_eq!(newer(&[tablet("0", 102, Primary, 5)], &at_10), None);
        assert_eq!(newer(&[tablet("0", 102, Primary, 0)], &at_10), None);
        assert_eq!(newer(&[tablet("1", 102, Primary, 50)], &at_10), None);
        // A run that began with a termless primary: any term is newer, none is not.
        let termless = watch(Began::Primary(None));
        assert!(newer(&[tablet("0", 102, Primary, 1)], &termless).is_some());
        assert_eq!(newer(&[tablet("0", 102, Primary, 0)], &termless), None);
        // A run that began with no primary: any other PRIMARY supersedes it.
        let none = watch(Began::NoPrimary);
        assert_eq!(
            newer(&[tablet("0", 102, Primary, 0)], &none),
            Some(("zone1-0000000102".into(), None))
        );
        assert_eq!(newer(&[tablet("0", 101, Primary, 0)], &none), None);
    }

    #[test]
    fn a_term_is_written_in_rfc_3339() {
        let newer = |term| {
            Newer {
                alias: alias(102),
                term,
            }
            .term_text()
        };
        assert_eq!(
            newer(Some((1_767_225_601, 0))).as_deref(),
            Some("2026-01-01T00:00:01Z")
        );
        assert_eq!(newer(None), None);
    }

    #[test]
    fn attempts_that_sent_nothing_are_recorded_as_the_listing() {
        let attempt = |rpc: &'static str, api: &'static str| AttemptRecord {
            rpc,
            server: "a:1".into(),
            api,
            status: "UNAVAILABLE".into(),
            ms: 1,
        };
        let mut attempts = vec![
            attempt("GetTablets", "vtctld"),
            attempt(REPARENT_RPC, "vtctld"),
            attempt(REPARENT_RPC, "vtctld"),
            attempt(REPARENT_RPC, "vtctl"),
            attempt(REPARENT_RPC, "vtctld"),
        ];
        relabel(
            &mut attempts,
            &[Step::Checking, Step::Sent, Step::Superseded],
        );
        let rpcs: Vec<&str> = attempts.iter().map(|a| a.rpc).collect();
        assert_eq!(
            rpcs,
            [
                "GetTablets",
                "GetTablets",
                REPARENT_RPC,
                "ListTablets",
                // No step known: left as the reparent it may have been.
                REPARENT_RPC
            ]
        );
    }
}
