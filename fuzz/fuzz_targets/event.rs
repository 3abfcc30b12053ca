//! The event reader: arbitrary `ORC_*` variables and `reparent` arguments, as bytes, through
//! clap (as `main` parses) and `ReadEvent::from_args`. It never panics; it yields the event or
//! the problems that reject it, every typed value valid; and the record of it is one line that
//! the record reader reads back to the same fields, in logfmt and in JSON.

#![no_main]

#[path = "framed.rs"]
mod framed;

use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::alias::TabletAlias;
use orc_vitess_hook::cli::Command;
use orc_vitess_hook::event::{DECISIVE, IDENTIFYING, ReadEvent, is_placeholder};
use orc_vitess_hook::exit::Outcome;
use orc_vitess_hook::output::breaks_lines;
use orc_vitess_hook::record::format::{LogFormat, render};
use orc_vitess_hook::record::read::parse_line;
use orc_vitess_hook::record::{Details, Record};

/// Every variable of the event (`--count-lost-replicas` has none).
const VARIABLES: &[&str] = &[
    "ORC_FAILURE_TYPE",
    "ORC_INSTANCE_TYPE",
    "ORC_IS_MASTER",
    "ORC_IS_CO_MASTER",
    "ORC_FAILURE_DESCRIPTION",
    "ORC_COMMAND",
    "ORC_FAILED_HOST",
    "ORC_FAILED_PORT",
    "ORC_FAILURE_CLUSTER",
    "ORC_FAILURE_CLUSTER_ALIAS",
    "ORC_FAILURE_CLUSTER_DOMAIN",
    "ORC_COUNT_REPLICAS",
    "ORC_IS_DOWNTIMED",
    "ORC_AUTO_MASTER_RECOVERY",
    "ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY",
    "ORC_ORCHESTRATOR_HOST",
    "ORC_RECOVERY_UID",
    "ORC_IS_SUCCESSFUL",
    "ORC_LOST_REPLICAS",
    "ORC_REPLICA_HOSTS",
    "ORC_SUCCESSOR_HOST",
    "ORC_SUCCESSOR_PORT",
    "ORC_SUCCESSOR_ALIAS",
    "ORC_SUCCESSOR_BINLOG_COORDINATES",
];

// The input: entries separated by NUL (which neither an argument nor a variable can hold).
// `ORC_NAME=value` for a variable of the event sets it; any other entry is an argument of
// `reparent`, as Orchestrator's command line may hold anything.
fuzz_target!(|data: &[u8]| {
    let args = framed::command_line(data, "reparent", VARIABLES);
    let parsed = framed::parse(args);
    // A line clap cannot parse is still recorded, its event read from the environment alone
    // (`commands::usage_error`); that always parses, every value being raw text.
    let cli = match parsed {
        Ok(cli) => cli,
        Err(_) => match framed::parse(vec!["orc-vitess-hook".into(), "reparent".into()]) {
            Ok(cli) => cli,
            Err(e) => panic!("the environment alone did not parse: {e}"),
        },
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
        assert!(
            !trimmed.is_empty() && trimmed.trim() == trimmed,
            "{trimmed:?}"
        );
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
        assert_eq!(
            parse_line(&line).as_ref(),
            Ok(&record),
            "{format:?}: {line}"
        );
    }
}
