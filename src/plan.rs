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

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        /// Orchestrator's (and VTOrc's) analysis codes, of every family.
        const CODES: &[&str] = &[
            "DeadMaster",
            "DeadMasterAndReplicas",
            "DeadMasterAndSomeReplicas",
            "DeadMasterWithoutReplicas",
            "DeadPrimary",
            "DeadPrimaryAndSomeReplicas",
            "DeadCoMaster",
            "DeadCoMasterAndSomeReplicas",
            "DeadCoPrimary",
            "DeadIntermediateMaster",
            "DeadIntermediateMasterAndSomeReplicas",
            "DeadIntermediateMasterWithSingleReplicaFailingToConnect",
            "UnreachableIntermediateMaster",
            "AllIntermediateMasterReplicasNotReplicating",
            "UnreachableMaster",
            "UnreachablePrimary",
            "DeadReplica",
            "LockedSemiSyncMaster",
            "NoProblem",
        ];
        const INSTANCE_TYPES: &[&str] = &["master", "co-master", "intermediate-master", "primary"];

        /// `text` spelt another way: each letter's case from `cases`, whitespace around it.
        fn spelt(text: &str, cases: u64, pad: (&str, &str)) -> String {
            let letters = text.chars().enumerate().map(|(i, c)| {
                if cases >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            });
            format!("{}{}{}", pad.0, letters.collect::<String>(), pad.1)
        }

        fn padding() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec!["", " ", "\t", " \n"])
        }

        fn kind(decision: &Decision) -> u8 {
            match decision {
                Decision::Reparent => 0,
                Decision::Skip(_) => 1,
                Decision::NoSuccessor(_) => 2,
            }
        }

        prop_compose! {
            fn events()(
                code in prop::option::of(prop::sample::select(CODES)),
                instance in prop::option::of(prop::sample::select(INSTANCE_TYPES)),
                is_master in prop::option::of(any::<bool>()),
                is_co_master in prop::option::of(any::<bool>()),
                is_successful in prop::option::of(any::<bool>()),
                alias in any::<bool>(),
                successor in any::<bool>(),
            ) -> FailoverEvent {
                FailoverEvent {
                    failure_type: code.map(str::to_owned),
                    instance_type: instance.map(str::to_owned),
                    is_master,
                    is_co_master,
                    is_successful,
                    successor_alias: alias.then(|| crate::alias::TabletAlias::new("zone1", 101)),
                    successor_host: successor.then(|| "db2".to_owned()),
                    successor_port: successor.then_some(3306),
                    ..FailoverEvent::default()
                }
            }
        }

        proptest! {
            /// The decision is the module's rule, for every failure type, instance type and
            /// flag: a reparent only after a dead master or co-master that was one, with a
            /// successor Orchestrator promoted.
            #[test]
            fn decide_is_the_documented_rule(event in events()) {
                let master_failure = event.failure_type.as_deref().is_none_or(|code| {
                    matches!(FailureClass::of(code), FailureClass::Master | FailureClass::CoMaster)
                });
                let intermediate = event
                    .instance_type
                    .as_deref()
                    .is_some_and(|kind| kind.contains("intermediate"));
                let not_a_master = event.is_master == Some(false) && event.is_co_master != Some(true);
                let promoted = event.is_successful != Some(false)
                    && (event.successor_alias.is_some() || event.successor().is_some());
                let expected = if !master_failure || intermediate || not_a_master {
                    1
                } else if promoted {
                    0
                } else {
                    2
                };
                prop_assert_eq!(kind(&decide(&event)), expected, "{:?}", event);
            }

            /// Case and surrounding whitespace of the failure and instance types never change
            /// the decision.
            #[test]
            fn decide_ignores_the_spelling_of_types(
                event in events(),
                cases in any::<u64>(),
                pad in (padding(), padding()),
            ) {
                let mut respelt = event.clone();
                respelt.failure_type = event.failure_type.as_deref().map(|t| spelt(t, cases, pad));
                respelt.instance_type =
                    event.instance_type.as_deref().map(|t| spelt(t, !cases, ("", "")));
                prop_assert_eq!(kind(&decide(&respelt)), kind(&decide(&event)), "{:?}", respelt);
            }

            /// No spelling of an intermediate-master failure is ever reparented.
            #[test]
            fn intermediate_failures_never_reparent(
                event in events(),
                prefix in "[A-Za-z]{0,8}",
                suffix in "[A-Za-z]{0,8}",
                cases in any::<u64>(),
            ) {
                let mut event = event;
                let code = format!("{prefix}{}{suffix}", spelt("IntermediateMaster", cases, ("", "")));
                event.failure_type = Some(code);
                prop_assert!(matches!(decide(&event), Decision::Skip(_)));
            }
        }
    }
}
