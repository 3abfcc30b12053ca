//! The event reader: arbitrary `ORC_*` variables and `reparent` flags, as bytes, through clap
//! and `ReadEvent::from_args`. It never panics; it yields the event or the problems that
//! reject it, every typed value valid; and the record of it is one line that the record reader
//! reads back to the same fields, in logfmt and in JSON.

#![no_main]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use arbitrary::Arbitrary;
use clap::Parser;
use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::alias::TabletAlias;
use orc_vitess_hook::cli::{Cli, Command};
use orc_vitess_hook::event::{DECISIVE, IDENTIFYING, ReadEvent, is_placeholder};
use orc_vitess_hook::exit::Outcome;
use orc_vitess_hook::output::breaks_lines;
use orc_vitess_hook::record::format::{LogFormat, render};
use orc_vitess_hook::record::read::parse_line;
use orc_vitess_hook::record::{Details, Record};

/// Every event field: its flag (without `--`) and its variable (`count-lost-replicas` has none).
const FIELDS: &[(&str, Option<&str>)] = &[
    ("failure-type", Some("ORC_FAILURE_TYPE")),
    ("instance-type", Some("ORC_INSTANCE_TYPE")),
    ("is-master", Some("ORC_IS_MASTER")),
    ("is-co-master", Some("ORC_IS_CO_MASTER")),
    ("failure-description", Some("ORC_FAILURE_DESCRIPTION")),
    ("command", Some("ORC_COMMAND")),
    ("failed-host", Some("ORC_FAILED_HOST")),
    ("failed-port", Some("ORC_FAILED_PORT")),
    ("failure-cluster", Some("ORC_FAILURE_CLUSTER")),
    ("failure-cluster-alias", Some("ORC_FAILURE_CLUSTER_ALIAS")),
    ("failure-cluster-domain", Some("ORC_FAILURE_CLUSTER_DOMAIN")),
    ("count-replicas", Some("ORC_COUNT_REPLICAS")),
    ("count-lost-replicas", None),
    ("is-downtimed", Some("ORC_IS_DOWNTIMED")),
    ("auto-master-recovery", Some("ORC_AUTO_MASTER_RECOVERY")),
    (
        "auto-intermediate-master-recovery",
        Some("ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY"),
    ),
    ("orchestrator-host", Some("ORC_ORCHESTRATOR_HOST")),
    ("recovery-uid", Some("ORC_RECOVERY_UID")),
    ("is-successful", Some("ORC_IS_SUCCESSFUL")),
    ("lost-replicas", Some("ORC_LOST_REPLICAS")),
    ("replica-hosts", Some("ORC_REPLICA_HOSTS")),
    ("successor-host", Some("ORC_SUCCESSOR_HOST")),
    ("successor-port", Some("ORC_SUCCESSOR_PORT")),
    ("successor-alias", Some("ORC_SUCCESSOR_ALIAS")),
    (
        "successor-binlog-coordinates",
        Some("ORC_SUCCESSOR_BINLOG_COORDINATES"),
    ),
];

/// One value Orchestrator gave: which field, whether in its variable or its flag, its bytes.
#[derive(Debug, Arbitrary)]
struct Given {
    field: u8,
    in_variable: bool,
    bytes: Vec<u8>,
}

fuzz_target!(|given: Vec<Given>| {
    let mut flags: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    for (_, variable) in FIELDS {
        if let Some(variable) = variable {
            // SAFETY: libFuzzer runs the target on this one thread; nothing else reads the
            // environment meanwhile.
            unsafe { std::env::remove_var(variable) };
        }
    }
    for g in given {
        let (flag, variable) = FIELDS[usize::from(g.field) % FIELDS.len()];
        // Neither an argument nor a variable can hold a NUL byte.
        let bytes: Vec<u8> = g.bytes.into_iter().filter(|b| *b != 0).collect();
        match variable {
            Some(variable) if g.in_variable => {
                // SAFETY: as above.
                unsafe { std::env::set_var(variable, OsString::from_vec(bytes)) };
            }
            _ => {
                flags.insert(flag, bytes);
            }
        }
    }
    let mut args: Vec<OsString> = vec!["orc-vitess-hook".into(), "reparent".into()];
    for (flag, bytes) in flags {
        let mut arg = format!("--{flag}=").into_bytes();
        arg.extend(bytes);
        args.push(OsString::from_vec(arg));
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => panic!("clap refused a line of event values: {e}"),
    };
    let Command::Reparent(reparent) = cli.command else {
        panic!("not reparent");
    };
    let read = ReadEvent::from_args(reparent.event);
    check_read(&read);
    check_record(&read);
});

/// The event or its problems; every typed value valid, every bad one kept under its name.
fn check_read(read: &ReadEvent) {
    let decisive_bad = read.invalid.keys().filter(|k| DECISIVE.contains(k)).count();
    assert_eq!(read.problems.len(), decisive_bad, "{read:?}");
    assert!(read.invalid.values().all(|v| !v.is_empty()));
    for entry in &read.unfilled {
        let field = entry.split('=').next().unwrap_or_default();
        assert!(IDENTIFYING.contains(&field), "{entry}");
    }
    let e = &read.event;
    for port in [e.failed_port, e.successor_port].into_iter().flatten() {
        assert_ne!(port, 0);
    }
    for trimmed in [&e.failure_type, &e.instance_type, &e.failure_cluster_alias]
        .into_iter()
        .flatten()
    {
        assert!(!trimmed.is_empty() && trimmed.trim() == trimmed, "{trimmed:?}");
        assert!(!is_placeholder(trimmed));
    }
    if let Some(alias) = &e.successor_alias {
        let again: TabletAlias = alias.to_string().parse().expect("a printed alias parses");
        assert_eq!(&again, alias);
    }
    for list in [&e.lost_replicas, &e.replica_hosts].into_iter().flatten() {
        for item in list {
            assert!(!item.is_empty() && item.trim() == item && !item.contains(','));
        }
    }
}

/// The record of the event, rendered in both formats: one line, read back to its fields.
fn check_record(read: &ReadEvent) {
    let details = Details::default();
    let record = Record::new(
        Outcome::Received,
        &read.event,
        &read.invalid,
        &details,
        &read.notes,
    )
    .to_map();
    for format in [LogFormat::Logfmt, LogFormat::Json] {
        let line = render(&record, format);
        assert!(!line.chars().any(breaks_lines), "{format:?}: {line}");
        assert_eq!(parse_line(&line).as_ref(), Ok(&record), "{format:?}: {line}");
    }
}
