//! What `--interval` logs between passes: only what changed since the previous pass.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::super::interval::failure_key;
use super::report::Pass;
use crate::output;
use crate::output::OutputFormat;

/// What the previous passes registered, aliased, warned of and failed at.
#[derive(Debug, Default)]
pub(super) struct Changes {
    // What was registered, and the failures by a key without their counts and timings (so
    // "7 attempts" and "6 attempts" are one failure, not a failure and a recovery).
    registered: BTreeSet<String>,
    aliases: BTreeSet<String>,
    failing: BTreeMap<String, String>,
    warned: BTreeSet<String>,
}

impl Changes {
    /// Logs what `pass` changed, then remembers it for the next pass.
    pub(super) fn log(&mut self, pass: &Pass, format: OutputFormat) {
        self.registered(pass, format);
        let now_aliases: BTreeSet<String> = pass.aliases.iter().map(Value::to_string).collect();
        for alias in now_aliases.difference(&self.aliases) {
            event(format, "alias", alias);
        }
        self.aliases.extend(now_aliases);
        for forgotten in &pass.forgotten {
            event(format, "forgot", forgotten);
        }
        let now_warned: BTreeSet<String> = pass.warnings.iter().map(|w| failure_key(w)).collect();
        for warning in &pass.warnings {
            if !self.warned.contains(&failure_key(warning)) {
                event(format, "warning", warning);
            }
        }
        self.warned = now_warned;
        self.failures(pass, format);
    }

    fn registered(&mut self, pass: &Pass, format: OutputFormat) {
        let now: BTreeSet<String> = pass
            .registered
            .iter()
            .map(|i| format!("{} {}", i.key(), i.rule))
            .collect();
        for line in now.difference(&self.registered) {
            event(format, "registered", line);
        }
        // A pass that reached no instance (vtctld down) says nothing about what is registered.
        if !now.is_empty() || pass.failures.is_empty() {
            self.registered = now;
        }
    }

    fn failures(&mut self, pass: &Pass, format: OutputFormat) {
        let now_failing: BTreeMap<String, String> = pass
            .failures
            .iter()
            .map(|f| (failure_key(f), f.clone()))
            .collect();
        for (key, message) in &now_failing {
            if !self.failing.contains_key(key) {
                event(format, "failing", message);
            }
        }
        for (key, message) in &self.failing {
            if !now_failing.contains_key(key) {
                event(format, "recovered", message);
            }
        }
        self.failing = now_failing;
    }
}

fn event(format: OutputFormat, what: &str, detail: &str) {
    match format {
        OutputFormat::Text => output::out(&format!("{what}: {detail}")),
        OutputFormat::Json => output::out(&json!({"event": what, "detail": detail}).to_string()),
    }
}
