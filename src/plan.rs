//! What a validated failover calls for: reparent (to a known or looked-up alias), skip, or fail.
//!
//! The safety rule: never ask vtctld to make a tablet primary after a failure that was not a
//! master (or co-master) failure. `PostMasterFailoverProcesses` only runs for those, so any other
//! failure type means the hook sits in the wrong `*Processes` list and must not reparent.

use crate::alias::TabletAlias;
use crate::event::{FailoverEvent, HostPort};

/// Which family an Orchestrator / VTOrc analysis code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// `DeadMaster*`, `DeadPrimary*`.
    Master,
    /// `DeadCoMaster*`, `DeadCoPrimary*`.
    CoMaster,
    /// `DeadIntermediateMaster*`, `UnreachableIntermediateMaster`, ...
    IntermediateMaster,
    /// Anything else: replica problems, unreachable (not dead) masters, unknown codes.
    Other,
}

impl FailureClass {
    pub fn of(code: &str) -> Self {
        if code.contains("Intermediate") {
            return Self::IntermediateMaster;
        }
        let Some(rest) = code.strip_prefix("Dead") else {
            return Self::Other;
        };
        let starts = |prefixes: [&str; 2]| prefixes.iter().any(|p| rest.starts_with(p));
        if starts(["CoMaster", "CoPrimary"]) {
            Self::CoMaster
        } else if starts(["Master", "Primary"]) {
            Self::Master
        } else {
            Self::Other
        }
    }
}

/// How the successor's tablet alias is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Orchestrator passed the alias; with `verify_against`, GetTablet must confirm it is the
    /// tablet of that MySQL host:port.
    Alias {
        alias: TabletAlias,
        verify_against: Option<HostPort>,
    },
    /// No alias (current Vitess no longer fills `_vt.local_metadata`): find the tablet whose MySQL
    /// host:port is the successor's.
    Lookup(HostPort),
}

impl Target {
    /// Where the alias comes from, as the record says it.
    pub fn alias_source(&self) -> &'static str {
        match self {
            Self::Alias { .. } => "orchestrator",
            Self::Lookup(_) => "lookup",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Reparent(Target),
    /// Not a master failure: record it and exit 0.
    Skip(String),
    /// A master failure without a successor: record it as failed, exit 65.
    NoSuccessor(String),
}

/// Decides what to do; `Err` is an input problem (field, value, expectation) that rejects the run.
pub fn decide(event: &FailoverEvent, verify_alias: bool) -> Result<Decision, String> {
    if let Some(reason) = safety_skip(event) {
        return Ok(Decision::Skip(reason));
    }
    if event.is_successful == Some(false) {
        return Ok(Decision::NoSuccessor(
            "Orchestrator reports that no replica was promoted (is_successful=false)".into(),
        ));
    }
    match (&event.successor_alias, &event.successor) {
        (Some(alias), successor) => {
            if verify_alias && successor.is_none() {
                return Err("verify_alias (--verify-alias): needs successor_host and \
                            successor_port to check the alias against, and they are absent"
                    .into());
            }
            Ok(Decision::Reparent(Target::Alias {
                alias: alias.clone(),
                verify_against: successor.clone().filter(|_| verify_alias),
            }))
        }
        (None, Some(successor)) => Ok(Decision::Reparent(Target::Lookup(successor.clone()))),
        (None, None) => Ok(Decision::NoSuccessor(
            "no successor: neither successor_alias nor successor_host and successor_port are known"
                .into(),
        )),
    }
}

fn safety_skip(event: &FailoverEvent) -> Option<String> {
    if let Some(code) = &event.failure_type {
        match FailureClass::of(code) {
            FailureClass::Master | FailureClass::CoMaster => {}
            FailureClass::IntermediateMaster => {
                return Some(format!(
                    "failure type {code} is an intermediate-master failure, not a shard primary's"
                ));
            }
            FailureClass::Other => {
                return Some(format!(
                    "failure type {code} is not a dead master or co-master failure"
                ));
            }
        }
    }
    if let Some(kind) = &event.instance_type
        && kind.contains("intermediate")
    {
        return Some(format!("the failed instance was an {kind}, not a master"));
    }
    if event.is_master == Some(false) && event.is_co_master != Some(true) {
        return Some("the failed instance was not a master (is_master=false)".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(failure_type: Option<&str>, is_master: Option<bool>) -> FailoverEvent {
        FailoverEvent {
            failure_type: failure_type.map(str::to_owned),
            is_master,
            successor_alias: Some("zone1-101".parse().unwrap()),
            ..FailoverEvent::default()
        }
    }

    #[test]
    fn safety_rule_per_failure_type() {
        let proceed = [
            "DeadMaster",
            "DeadMasterAndReplicas",
            "DeadMasterAndSomeReplicas",
            "DeadMasterWithoutReplicas",
            "DeadCoMaster",
            "DeadCoMasterAndSomeReplicas",
            "DeadPrimary",
            "DeadPrimaryAndReplicas",
            "DeadPrimaryAndSomeReplicas",
            "DeadPrimaryWithoutReplicas",
            "DeadCoPrimary",
        ];
        for code in proceed {
            let d = decide(&event(Some(code), Some(true)), false).unwrap();
            assert!(matches!(d, Decision::Reparent(_)), "{code}: {d:?}");
        }
        let skip = [
            ("DeadIntermediateMaster", "intermediate-master"),
            (
                "DeadIntermediateMasterWithSingleReplica",
                "intermediate-master",
            ),
            (
                "DeadIntermediateMasterAndSomeReplicas",
                "intermediate-master",
            ),
            ("UnreachableIntermediateMaster", "intermediate-master"),
            (
                "AllIntermediateMasterReplicasNotReplicating",
                "intermediate-master",
            ),
            ("UnreachableMaster", "not a dead master"),
            ("UnreachablePrimary", "not a dead master"),
            (
                "FirstTierReplicaFailingToConnectToMaster",
                "not a dead master",
            ),
            ("DeadReplica", "not a dead master"),
            ("ReplicaIsWritable", "not a dead master"),
            ("LockedSemiSyncMaster", "not a dead master"),
            ("NoProblem", "not a dead master"),
        ];
        for (code, why) in skip {
            match decide(&event(Some(code), Some(true)), false).unwrap() {
                Decision::Skip(reason) => assert!(reason.contains(why), "{code}: {reason}"),
                other => panic!("{code}: {other:?}"),
            }
        }
    }

    #[test]
    fn is_master_false_skips_unless_co_master() {
        let d = decide(&event(Some("DeadMaster"), Some(false)), false).unwrap();
        assert!(
            matches!(d, Decision::Skip(ref r) if r.contains("is_master=false")),
            "{d:?}"
        );
        let mut co = event(Some("DeadCoMaster"), Some(false));
        co.is_co_master = Some(true);
        assert!(matches!(decide(&co, false).unwrap(), Decision::Reparent(_)));
    }

    #[test]
    fn intermediate_instance_type_skips() {
        let mut e = event(None, None);
        e.instance_type = Some("intermediate-master".into());
        assert!(matches!(decide(&e, false).unwrap(), Decision::Skip(_)));
    }

    #[test]
    fn manual_run_with_nothing_known_proceeds() {
        let d = decide(&event(None, None), false).unwrap();
        assert_eq!(
            d,
            Decision::Reparent(Target::Alias {
                alias: "zone1-0000000101".parse().unwrap(),
                verify_against: None
            })
        );
    }

    #[test]
    fn successor_sources() {
        let db = HostPort {
            host: "db2".into(),
            port: 3306,
        };
        let mut e = event(Some("DeadMaster"), Some(true));
        e.successor_alias = None;
        e.successor = Some(db.clone());
        assert_eq!(
            decide(&e, false).unwrap(),
            Decision::Reparent(Target::Lookup(db.clone()))
        );

        e.successor = None;
        assert!(matches!(
            decide(&e, false).unwrap(),
            Decision::NoSuccessor(_)
        ));

        let mut unsuccessful = event(Some("DeadMaster"), Some(true));
        unsuccessful.is_successful = Some(false);
        assert!(matches!(
            decide(&unsuccessful, false).unwrap(),
            Decision::NoSuccessor(ref r) if r.contains("is_successful=false")
        ));

        let with_alias = event(Some("DeadMaster"), Some(true));
        let err = decide(&with_alias, true).unwrap_err();
        assert!(err.starts_with("verify_alias"), "{err}");
        let mut both = with_alias;
        both.successor = Some(db.clone());
        assert!(matches!(
            decide(&both, true).unwrap(),
            Decision::Reparent(Target::Alias { verify_against: Some(ref h), .. }) if *h == db
        ));
    }
}
