//! What the daemons read from outside: `discover`'s and `reconcile`'s settings (flags and
//! `ORC_VITESS_HOOK_*` variables, any bytes) through clap and the command's own validation, and
//! a scraper's `Accept` header on `/metrics`. Settings are either validated within the bounds
//! `--help` gives (names Vitess would accept, durations and numbers in range) or refused as a
//! configuration error that names a setting; the header's answer depends on its
//! `application/openmetrics-text` range alone, in any case.
//!
//! `--metrics-listen` is left out of the command lines: its host name is resolved (a DNS query
//! per input). Its spellings are the unit tests' (`config::metrics`).

#![no_main]

#[path = "framed.rs"]
mod framed;

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::cli::Command;
use orc_vitess_hook::exit::FailureKind;
use orc_vitess_hook::fuzzing::{
    DaemonSettings, validate_discover, validate_reconcile, wants_openmetrics,
};

/// The variables `discover` and `reconcile` read (`ORC_VITESS_HOOK_METRICS_LISTEN` aside).
const VARIABLES: &[&str] = &[
    "ORC_VITESS_HOOK_SERVER",
    "ORC_VITESS_HOOK_API",
    "ORC_VITESS_HOOK_DEADLINE",
    "ORC_VITESS_HOOK_ATTEMPT_TIMEOUT",
    "ORC_VITESS_HOOK_CONNECT_TIMEOUT",
    "ORC_VITESS_HOOK_TLS_SERVER_NAME",
    "ORC_VITESS_HOOK_ORC_API_URL",
    "ORC_VITESS_HOOK_ORC_TIMEOUT",
    "ORC_VITESS_HOOK_ORC_API_USER",
    "ORC_VITESS_HOOK_ORC_API_PASSWORD",
    "ORC_VITESS_HOOK_OUTPUT",
    "ORC_VITESS_HOOK_LOG_FILE",
    "ORC_VITESS_HOOK_LOG_FORMAT",
    "ORC_VITESS_HOOK_FSYNC",
    "ORC_VITESS_HOOK_METRICS_TEXTFILE",
    "ORC_VITESS_HOOK_ALLOW_TYPES",
    "ORC_VITESS_HOOK_INTERVAL",
    "ORC_VITESS_HOOK_SETTLE",
    "ORC_VITESS_HOOK_DRY_RUN",
    "ORC_VITESS_HOOK_PROMOTION_RULES",
    "ORC_VITESS_HOOK_CONCURRENCY",
    "ORC_VITESS_HOOK_FORGET_AFTER",
    "ORC_VITESS_HOOK_FORGET_MAX_SHRINK",
    "ORC_VITESS_HOOK_METRICS_LISTEN",
];

// The input: a first byte choosing `discover`, `reconcile` or an `Accept` header, then the
// command line framed as `framed` reads it, or the header's text.
fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    match choice % 3 {
        0 => settings("discover", rest),
        1 => settings("reconcile", rest),
        _ => {
            if let Ok(accept) = std::str::from_utf8(rest) {
                accept_header(accept);
            }
        }
    }
});

fn settings(command: &str, data: &[u8]) {
    let entries: Vec<&[u8]> = data
        .split(|b| *b == 0)
        .filter(|entry| !contains(entry, b"metrics-listen") && !contains(entry, b"METRICS_LISTEN"))
        .collect();
    let args = framed::command_line(&entries.join(&0u8), command, VARIABLES);
    let Ok(cli) = framed::parse(args) else {
        return;
    };
    let validated = match cli.command {
        Command::Discover(args) => validate_discover(&args, &cli.output),
        Command::Reconcile(args) => validate_reconcile(&args, &cli.output),
        _ => panic!("not {command}"),
    };
    match validated {
        Ok(settings) => within_bounds(command, &settings),
        Err(failure) => {
            assert!(failure.kind == FailureKind::Config, "{failure:?}");
            let problems = failure
                .message
                .strip_prefix("configuration: ")
                .unwrap_or_else(|| panic!("{failure:?}"));
            // Every problem names its setting. Problems are joined by "; ", outside quotes and
            // parentheses; a value shown unquoted (a file's path) may hold any of those, and
            // then only the whole is checked.
            let plain = |entry: &&[u8]| !entry.iter().any(|b| b";()\"".contains(b));
            if entries.iter().all(plain) {
                for problem in split_problems(problems) {
                    assert!(problem.contains("--"), "{problem:?} in {failure:?}");
                }
            } else {
                assert!(problems.contains("--"), "{failure:?}");
            }
        }
    }
}

fn within_bounds(command: &str, s: &DaemonSettings) {
    let within = |d: Duration, min: Duration, max: Duration| (min..=max).contains(&d);
    let day = Duration::from_secs(86_400);
    assert!(s.servers > 0, "{s:?}");
    assert!(
        within(
            s.deadline,
            Duration::from_millis(10),
            Duration::from_secs(3600)
        ),
        "{s:?}"
    );
    if let Some(interval) = s.interval {
        assert!(within(interval, Duration::from_secs(1), day), "{s:?}");
    }
    assert!(s.listen.is_none(), "{s:?}");
    assert!(s.keyspace.as_deref().is_none_or(vitess_name), "{s:?}");
    assert!(s.shard.as_deref().is_none_or(vitess_name), "{s:?}");
    assert!(s.shard.is_none() || s.keyspace.is_some(), "{s:?}");
    assert!(s.cells.iter().all(|c| cell_name(c)), "{s:?}");
    if command == "discover" {
        assert!(s.orchestrator || s.dry_run, "{s:?}");
        assert!(!(s.forget_missing && !s.cells.is_empty()), "{s:?}");
        let concurrency = s.concurrency.expect("discover's concurrency");
        assert!((1..=256).contains(&concurrency), "{s:?}");
        let month = 30 * day;
        let after = s.forget_after.expect("discover's --forget-after");
        assert!(within(after, Duration::from_secs(60), month), "{s:?}");
        let shrink = s.forget_max_shrink.expect("discover's --forget-max-shrink");
        assert!((0.0..=1.0).contains(&shrink), "{s:?}");
    } else {
        let settle = s.settle.expect("reconcile's --settle");
        assert!(within(settle, Duration::from_secs(1), day), "{s:?}");
    }
}

/// A keyspace or shard name Vitess's topology takes (`validateObjectName`), restated here:
/// 1 to 64 of `a-z A-Z 0-9 - _`.
fn vitess_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A cell name as Vitess reads one in a tablet alias: `a-z A-Z 0-9 - _ .`, at least one.
fn cell_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// A scraper's `Accept`: OpenMetrics exactly when a range names it without `q=0`, whatever
/// the case, whatever other ranges come before it, and always when one more range asks.
fn accept_header(accept: &str) {
    let wants = wants_openmetrics(accept);
    assert_eq!(
        wants,
        wants_openmetrics(&accept.to_ascii_uppercase()),
        "{accept:?}"
    );
    assert_eq!(
        wants,
        wants_openmetrics(&accept.to_ascii_lowercase()),
        "{accept:?}"
    );
    assert_eq!(
        wants,
        wants_openmetrics(&format!("text/plain;q=0.5,{accept}")),
        "{accept:?}"
    );
    if wants {
        let lower = accept.to_ascii_lowercase();
        assert!(lower.contains("application/openmetrics-text"), "{accept:?}");
    }
    assert!(
        wants_openmetrics(&format!("{accept},application/openmetrics-text")),
        "{accept:?}"
    );
}

/// The problems of a message joined by "; ": split where neither a quoted value (`"…"`, with
/// `\"` inside) nor parentheses are open.
fn split_problems(message: &str) -> Vec<&str> {
    let (mut problems, mut start, mut depth, mut quoted, mut escaped) =
        (vec![], 0, 0i32, false, false);
    let bytes = message.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b';' if !quoted && depth == 0 && bytes.get(i + 1) == Some(&b' ') => {
                problems.push(&message[start..i]);
                start = i + 2;
            }
            _ => {}
        }
    }
    problems.push(&message[start..]);
    problems
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
