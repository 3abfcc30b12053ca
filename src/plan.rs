//! What a validated failover calls for: reparent, skip, or fail for want of a successor.
//!
//! The safety rule: never ask vtctld to make a tablet primary after a failure that was not a
//! master (or co-master) failure. `PostMasterFailoverProcesses` only runs for those, so any other
//! failure type means the hook sits in the wrong `*Processes` list and must not reparent.
//!
//! What counts as a master failure, compared as Orchestrator (and VTOrc) spell the codes but
//! case-insensitively, after trimming surrounding whitespace: a failure type starting with `DeadMaster`,
//! `DeadPrimary`, `DeadCoMaster` or `DeadCoPrimary`; or no failure type at all (a manual run).
//! An instance type containing `intermediate`, or `is_master=false` without `is_co_master=true`,
//! is never one.

use crate::event::FailoverEvent;

/// Which family an Orchestrator / VTOrc analysis code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// `DeadMaster*`, `DeadPrimary*`.
    Master,
    /// `DeadCoMaster*`, `DeadCoPrimary*`.
    CoMaster,
    /// `*IntermediateMaster*`, `*IntermediatePrimary*`.
    IntermediateMaster,
    /// Anything else: replica problems, unreachable (not dead) masters, unknown codes.
    Other,
}

impl FailureClass {
    /// Orchestrator's codes compared case-insensitively: `deadmaster` is `DeadMaster`.
    pub fn of(code: &str) -> Self {
        let code = code.trim().to_ascii_lowercase();
        let starts = |prefixes: &[&str]| prefixes.iter().any(|p| code.starts_with(p));
        if code.contains("intermediatemaster") || code.contains("intermediateprimary") {
            Self::IntermediateMaster
        } else if starts(&["deadcomaster", "deadcoprimary"]) {
            Self::CoMaster
        } else if starts(&["deadmaster", "deadprimary"]) {
            Self::Master
        } else {
            Self::Other
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A master failure with a successor: find its tablet and reparent.
    Reparent,
    /// Not a master failure: record it and exit 0.
    Skip(String),
    /// A master failure without a successor: record it as failed, exit 65.
    NoSuccessor(String),
}

pub fn decide(event: &FailoverEvent) -> Decision {
    if let Some(reason) = safety_skip(event) {
        return Decision::Skip(reason);
    }
    if event.is_successful == Some(false) {
        return Decision::NoSuccessor(
            "Orchestrator reports that no replica was promoted (is_successful=false)".into(),
        );
    }
    if event.successor_alias.is_none() && event.successor().is_none() {
        return Decision::NoSuccessor(
            "no successor: neither successor_alias nor successor_host and successor_port are known"
                .into(),
        );
    }
    Decision::Reparent
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
        && kind.to_ascii_lowercase().contains("intermediate")
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
            " DeadMaster\t",
            "deadmaster",
            "DEADPRIMARYANDSOMEREPLICAS",
            "deadCoMaster",
        ];
        for code in proceed {
            let d = decide(&event(Some(code), Some(true)));
            assert_eq!(d, Decision::Reparent, "{code}");
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
            ("DeadIntermediatePrimary", "intermediate-master"),
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
            ("deadintermediatemaster", "intermediate-master"),
            ("Dead Master", "not a dead master"),
        ];
        for (code, why) in skip {
            match decide(&event(Some(code), Some(true))) {
                Decision::Skip(reason) => assert!(reason.contains(why), "{code}: {reason}"),
                other => panic!("{code}: {other:?}"),
            }
        }
    }

    #[test]
    fn is_master_false_skips_unless_co_master() {
        let d = decide(&event(Some("DeadMaster"), Some(false)));
        assert!(
            matches!(d, Decision::Skip(ref r) if r.contains("is_master=false")),
            "{d:?}"
        );
        let mut co = event(Some("DeadCoMaster"), Some(false));
        co.is_co_master = Some(true);
        assert_eq!(decide(&co), Decision::Reparent);
    }

    #[test]
    fn intermediate_instance_type_skips() {
        let mut e = event(None, None);
        e.instance_type = Some("intermediate-master".into());
        assert!(matches!(decide(&e), Decision::Skip(_)));
    }

    #[test]
    fn manual_run_with_nothing_known_proceeds() {
        assert_eq!(decide(&event(None, None)), Decision::Reparent);
    }

    #[test]
    fn successor_sources() {
        let mut e = event(Some("DeadMaster"), Some(true));
        e.successor_alias = None;
        e.successor_host = Some("db2".into());
        e.successor_port = Some(3306);
        assert_eq!(decide(&e), Decision::Reparent);

        e.successor_port = None;
        assert!(matches!(decide(&e), Decision::NoSuccessor(_)));

        let mut unsuccessful = event(Some("DeadMaster"), Some(true));
        unsuccessful.is_successful = Some(false);
        assert!(matches!(
            decide(&unsuccessful),
            Decision::NoSuccessor(ref r) if r.contains("is_successful=false")
        ));
    }
}
