//! The pure planning of a pass: vtctld's tablets → the instances to register with their
//! promotion rules, the shards whose alias to set, and the tablets skipped. No I/O.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::proto::topodata::{Tablet, TabletType};
use crate::shard::Shard;
use crate::tablet;

/// Orchestrator's promotion rules, from the most to the least promotable: of two rules, the
/// later one is the more restrictive.
pub(super) const RULE_NAMES: &[&str] = &["prefer", "neutral", "prefer_not", "must_not"];

/// One MySQL instance to register: one endpoint, whatever the number of tablets naming it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct Instance {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) rule: &'static str,
    /// The tablets naming this endpoint, described, comma-separated.
    pub(super) tablet: String,
    #[serde(skip)]
    tablets: Vec<String>,
    #[serde(skip)]
    types: BTreeSet<i32>,
    /// The shards of those tablets, as `keyspace/shard`.
    #[serde(skip)]
    pub(super) shards: BTreeSet<String>,
}

impl Instance {
    pub(super) fn key(&self) -> String {
        crate::endpoint::HostPort {
            host: self.host.clone(),
            port: self.port,
        }
        .to_string()
    }
}

/// Of two promotion rules, the more restrictive.
fn stricter(a: &'static str, b: &'static str) -> &'static str {
    let rank = |rule| RULE_NAMES.iter().position(|r| *r == rule);
    if rank(b) > rank(a) { b } else { a }
}

/// What one pass is to do.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub(super) instances: Vec<Instance>,
    /// Tablets without a usable MySQL endpoint, described with the reason.
    pub(super) skipped: Vec<String>,
    /// Every shard, with its primary's instance when it has one.
    pub(super) shards: BTreeMap<String, Option<usize>>,
    /// Shards listing more than one PRIMARY: their alias is not set.
    pub(super) ambiguous: BTreeMap<String, Vec<String>>,
    /// Endpoints named by tablets of different types, described.
    pub(super) warnings: Vec<String>,
}

/// Vitess's own rules: a type that serves may be promoted, one that does not never.
pub(super) fn default_rules() -> BTreeMap<i32, &'static str> {
    let mut rules = BTreeMap::new();
    for kind in [TabletType::Primary, TabletType::Replica] {
        rules.insert(kind as i32, "neutral");
    }
    for kind in [
        TabletType::Unknown,
        TabletType::Rdonly,
        TabletType::Spare,
        TabletType::Experimental,
        TabletType::Backup,
        TabletType::Restore,
        TabletType::Drained,
    ] {
        rules.insert(kind as i32, "must_not");
    }
    rules
}

/// The plan of a pass (the real one and the dry run alike) from vtctld's tablets, each given
/// the rule of its type in `rules`.
pub(super) fn plan(rules: &BTreeMap<i32, &'static str>, tablets: &[Tablet]) -> Plan {
    let mut plan = Plan::default();
    // Endpoints by host (case-insensitive) and port.
    let mut endpoints: BTreeMap<(String, u16), usize> = BTreeMap::new();
    // Each shard's PRIMARY tablets, described.
    let mut primaries: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in tablets {
        let shard = Shard::of(t).to_string();
        plan.shards.entry(shard.clone()).or_insert(None);
        let (host, port) = match registrable_endpoint(t) {
            Ok(endpoint) => endpoint,
            Err(why) => {
                plan.skipped.push(skipped(t, &shard, why));
                continue;
            }
        };
        let rule = rules.get(&t.r#type).copied().unwrap_or("must_not");
        let index = add_tablet(&mut plan, &mut endpoints, t, (host, port), rule, &shard);
        if t.r#type == TabletType::Primary as i32 {
            primaries
                .entry(shard.clone())
                .or_default()
                .push(tablet::describe(t));
            plan.shards.insert(shard, Some(index));
        }
    }
    finish(&mut plan, primaries);
    plan
}

/// The tablet's MySQL host and port, when Orchestrator can be given them; otherwise why not.
fn registrable_endpoint(t: &Tablet) -> Result<(&str, u16), &'static str> {
    let (raw_host, raw_port) = tablet::mysql_endpoint(t);
    let port = u16::try_from(raw_port).ok().filter(|p| *p != 0);
    match port {
        None => Err("no MySQL endpoint"),
        Some(_) if raw_host.is_empty() => Err("no MySQL endpoint"),
        Some(port) => crate::endpoint::registrable_host(raw_host).map(|host| (host, port)),
    }
}

/// A skipped tablet, described with the reason.
fn skipped(t: &Tablet, shard: &str, why: &str) -> String {
    let (raw_host, raw_port) = tablet::mysql_endpoint(t);
    // The host as a quoted literal: it may hold spaces or control characters.
    let alias = tablet::alias_of(t).map_or_else(|| "<no alias>".to_owned(), |a| a.to_string());
    format!(
        "{alias} ({}, {shard}): MySQL host {raw_host:?} port {raw_port}: {why}",
        tablet::type_name(t.r#type)
    )
}

/// Adds a tablet to the instance of its endpoint (new or already planned); that instance's
/// index.
fn add_tablet(
    plan: &mut Plan,
    endpoints: &mut BTreeMap<(String, u16), usize>,
    t: &Tablet,
    (host, port): (&str, u16),
    rule: &'static str,
    shard: &str,
) -> usize {
    let index = *endpoints
        .entry((host.to_ascii_lowercase(), port))
        .or_insert_with(|| {
            plan.instances.push(Instance {
                host: host.to_owned(),
                port,
                rule,
                tablet: String::new(),
                tablets: Vec::new(),
                types: BTreeSet::new(),
                shards: BTreeSet::new(),
            });
            plan.instances.len() - 1
        });
    let instance = &mut plan.instances[index];
    // The same spelling whatever the order vtctld lists the tablets in.
    if host < instance.host.as_str() {
        host.clone_into(&mut instance.host);
    }
    instance.rule = stricter(instance.rule, rule);
    instance.tablets.push(tablet::describe(t));
    instance.types.insert(t.r#type);
    instance.shards.insert(shard.to_owned());
    index
}

/// Marks the shards with several primaries, and describes every instance's tablets, warning of
/// those of different types.
fn finish(plan: &mut Plan, primaries: BTreeMap<String, Vec<String>>) {
    for (shard, described) in primaries {
        if described.len() > 1 {
            plan.ambiguous.insert(shard, described);
        }
    }
    for instance in &mut plan.instances {
        instance.tablets.sort();
        instance.tablet = instance.tablets.join(", ");
        if instance.types.len() > 1 {
            plan.warnings.push(format!(
                "{} is the MySQL of tablets of different types ({}): registered as {}, \
                 the most restrictive of their rules",
                instance.key(),
                instance.tablet,
                instance.rule
            ));
        }
    }
}

/// `commerce/0, customer/-80`.
pub(super) fn shard_list(shards: &BTreeSet<String>) -> String {
    shards.iter().cloned().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vitess_rules_by_default() {
        let rules = default_rules();
        assert_eq!(rules[&(TabletType::Replica as i32)], "neutral");
        assert_eq!(rules[&(TabletType::Primary as i32)], "neutral");
        assert_eq!(rules[&(TabletType::Rdonly as i32)], "must_not");
        assert_eq!(rules[&(TabletType::Drained as i32)], "must_not");
    }
}
