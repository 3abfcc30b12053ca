//! What `discover --interval` and `reconcile --interval` tell Prometheus: one registry per
//! process, updated after every pass, and the liveness `/healthz` answers from.
//!
//! Names follow Prometheus's conventions: the `orc_vitess_hook_` prefix, `_total` on counters,
//! `_seconds` on times, and a constant `command` label saying which daemon serves them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::exit::FailureKind;

/// When the daemon last moved: a pass started or ended, or a step within one finished (a shard
/// judged, an instance registered). One daemon runs per process, so this is the process's; any
/// module marks it with [`progress`] without holding the metrics.
static PROGRESS: Mutex<Option<Instant>> = Mutex::new(None);

/// Marks that the daemon moved now (see [`DaemonMetrics::health`]).
pub fn progress() {
    if let Ok(mut last) = PROGRESS.lock() {
        *last = Some(Instant::now());
    }
}

/// A metric's labels.
type Labels = Vec<(String, String)>;

/// A float gauge (timestamps).
type FloatGauge = Gauge<f64, AtomicU64>;

/// Which daemon the process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Daemon {
    Discover,
    Reconcile,
}

impl Daemon {
    fn as_str(self) -> &'static str {
        match self {
            Self::Discover => "discover",
            Self::Reconcile => "reconcile",
        }
    }
}

/// Upper bounds of the pass duration histogram, in seconds: a pass over a few shards takes
/// milliseconds, one over thousands or one that waits out a deadline takes minutes.
const PASS_SECONDS_BUCKETS: [f64; 13] = [
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// How a pass ended, as `passes_total`'s `result` label says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassResult {
    /// No failure.
    Ok,
    /// At least one failure (each is counted by kind in `pass_failures_total`).
    Failed,
    /// `reconcile`: this Orchestrator node does not lead; nothing was looked at.
    Standby,
}

impl PassResult {
    fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Standby => "standby",
        }
    }
}

/// What a `discover` pass did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Discovered {
    pub registered: usize,
    pub forgotten: usize,
    pub aliases: usize,
    /// Tablets vtctld listed, when it listed them all.
    pub listed: Option<usize>,
}

/// What a `reconcile` pass found and did.
#[derive(Debug, Clone, Default)]
pub struct Reconciled {
    pub standby: bool,
    /// Shards by verdict (`in-sync`, `converge`, `vitess-newer`, ...).
    pub verdicts: BTreeMap<&'static str, usize>,
    /// `TabletExternallyReparented` calls vtctld confirmed, and those that failed.
    pub reparents_ok: usize,
    pub reparents_failed: usize,
}

#[derive(Debug)]
struct DiscoverFamilies {
    registered: Counter,
    forgotten: Counter,
    aliases: Counter,
    listed: Gauge,
}

#[derive(Debug)]
struct ReconcileFamilies {
    shards: Family<Labels, Gauge>,
    /// Every verdict a pass has reported, so that one no shard has now reads 0, not absent.
    seen: Mutex<BTreeSet<&'static str>>,
    reparents: Family<Labels, Counter>,
    standby: Gauge,
}

/// The metrics of one daemon process.
#[derive(Debug)]
pub struct DaemonMetrics {
    registry: Registry,
    /// How long the daemon may go without moving before `/healthz` fails.
    stale_after: Duration,
    started: Instant,
    passes: Family<Labels, Counter>,
    pass_seconds: Histogram,
    failures: Family<Labels, Counter>,
    last_pass_time: FloatGauge,
    last_success_time: FloatGauge,
    discover: Option<DiscoverFamilies>,
    reconcile: Option<ReconcileFamilies>,
}

fn label(name: &str, value: &str) -> Labels {
    vec![(name.to_owned(), value.to_owned())]
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl DaemonMetrics {
    /// The registry of `daemon`, which passes every `interval`; `step` is the longest one step
    /// of a pass may take (a call's deadline or timeout).
    pub fn new(daemon: Daemon, interval: Duration, step: Duration) -> Self {
        let mut registry = Registry::with_prefix_and_labels(
            "orc_vitess_hook",
            [("command".into(), daemon.as_str().into())].into_iter(),
        );
        let build = Family::<Labels, Gauge>::default();
        build
            .get_or_create(&label("version", env!("CARGO_PKG_VERSION")))
            .set(1);
        registry.register("build_info", "The running version (always 1)", build);
        let passes = Family::default();
        registry.register("passes", "Passes, by result", passes.clone());
        let pass_seconds = Histogram::new(PASS_SECONDS_BUCKETS);
        registry.register(
            "pass_duration_seconds",
            "How long each pass took",
            pass_seconds.clone(),
        );
        let failures = Family::default();
        registry.register(
            "pass_failures",
            "Failures of passes, by kind (the exit status's class)",
            failures.clone(),
        );
        let last_pass_time = FloatGauge::default();
        registry.register(
            "last_pass_timestamp_seconds",
            "When the last pass ended, whatever its result (Unix time)",
            last_pass_time.clone(),
        );
        let last_success_time = FloatGauge::default();
        registry.register(
            "last_successful_pass_timestamp_seconds",
            "When the last pass without a failure ended (Unix time; 0 before the first)",
            last_success_time.clone(),
        );
        let discover = (daemon == Daemon::Discover).then(|| discover_families(&mut registry));
        let reconcile = (daemon == Daemon::Reconcile).then(|| reconcile_families(&mut registry));
        Self {
            registry,
            stale_after: (interval * 3).max(step * 2),
            started: Instant::now(),
            passes,
            pass_seconds,
            failures,
            last_pass_time,
            last_success_time,
            discover,
            reconcile,
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Counts a pass that took `duration`, with its failures' kinds.
    pub fn pass(&self, duration: Duration, result: PassResult, failures: &[FailureKind]) {
        self.passes
            .get_or_create(&label("result", result.as_str()))
            .inc();
        self.pass_seconds.observe(duration.as_secs_f64());
        for kind in failures {
            self.failures
                .get_or_create(&label("kind", kind.as_str()))
                .inc();
        }
        let now = unix_now();
        self.last_pass_time.set(now);
        if result != PassResult::Failed {
            self.last_success_time.set(now);
        }
        progress();
    }

    /// What a `discover` pass did; nothing for another daemon.
    pub fn discovered(&self, discovered: Discovered) {
        let Some(families) = &self.discover else {
            return;
        };
        families.registered.inc_by(discovered.registered as u64);
        families.forgotten.inc_by(discovered.forgotten as u64);
        families.aliases.inc_by(discovered.aliases as u64);
        if let Some(listed) = discovered.listed {
            families
                .listed
                .set(i64::try_from(listed).unwrap_or(i64::MAX));
        }
    }

    /// What a `reconcile` pass found and did; nothing for another daemon.
    pub fn reconciled(&self, reconciled: &Reconciled) {
        let Some(families) = &self.reconcile else {
            return;
        };
        families.standby.set(i64::from(reconciled.standby));
        families
            .reparents
            .get_or_create(&label("result", "ok"))
            .inc_by(reconciled.reparents_ok as u64);
        families
            .reparents
            .get_or_create(&label("result", "failed"))
            .inc_by(reconciled.reparents_failed as u64);
        let Ok(mut seen) = families.seen.lock() else {
            return;
        };
        // A standby looked at nothing: every verdict reads 0, not what it saw while it led.
        seen.extend(reconciled.verdicts.keys().copied());
        for verdict in seen.iter() {
            let count = reconciled.verdicts.get(verdict).copied().unwrap_or(0);
            families
                .shards
                .get_or_create(&label("verdict", verdict))
                .set(i64::try_from(count).unwrap_or(i64::MAX));
        }
    }

    /// `/healthz` now: see [`health_at`](Self::health_at).
    pub fn health(&self) -> (bool, String) {
        let last = PROGRESS.lock().ok().and_then(|last| *last);
        self.health_at(last, Instant::now())
    }

    /// `/healthz` at `now`, the daemon having last moved at `last` (a pass started or ended, a
    /// step of one finished; the process's start stands in before that): healthy unless it has
    /// not moved for three intervals, or twice the longest step when that is longer (one
    /// reparent may wait out its deadline twice: for the shard's turn, then for vtctld). A pass
    /// that failed is a pass: only a loop that stopped moving fails.
    pub fn health_at(&self, last: Option<Instant>, now: Instant) -> (bool, String) {
        let moved = last.unwrap_or(self.started).max(self.started);
        let age = now.saturating_duration_since(moved);
        let since = match last {
            Some(_) => "last moved",
            None => "started, not moved yet,",
        };
        let text = format!(
            "{since} {} ago (the limit is {}: three intervals, or twice the longest step)",
            humantime::format_duration(Duration::from_secs(age.as_secs())),
            humantime::format_duration(self.stale_after)
        );
        (age <= self.stale_after, text)
    }
}

fn discover_families(registry: &mut Registry) -> DiscoverFamilies {
    let families = DiscoverFamilies {
        registered: Counter::default(),
        forgotten: Counter::default(),
        aliases: Counter::default(),
        listed: Gauge::default(),
    };
    registry.register(
        "instance_registrations",
        "Registrations of MySQL instances with Orchestrator (every pass registers each again)",
        families.registered.clone(),
    );
    registry.register(
        "instances_forgotten",
        "Instances no tablet names any more that were forgotten in Orchestrator",
        families.forgotten.clone(),
    );
    registry.register(
        "cluster_alias_sets",
        "Cluster aliases set in Orchestrator (every pass sets each again)",
        families.aliases.clone(),
    );
    registry.register(
        "tablets_listed",
        "Tablets in vtctld's last whole listing",
        families.listed.clone(),
    );
    families
}

fn reconcile_families(registry: &mut Registry) -> ReconcileFamilies {
    let families = ReconcileFamilies {
        shards: Family::default(),
        seen: Mutex::new(BTreeSet::new()),
        reparents: Family::default(),
        standby: Gauge::default(),
    };
    registry.register(
        "reconcile_shards",
        "Shards by the last pass's verdict (in-sync, converge, vitess-newer, ...)",
        families.shards.clone(),
    );
    registry.register(
        "reconcile_reparents",
        "TabletExternallyReparented calls sent to finish a failover, by result",
        families.reparents.clone(),
    );
    registry.register(
        "reconcile_standby",
        "1 when the last pass found this Orchestrator node a follower, so nothing was looked at",
        families.standby.clone(),
    );
    families
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_fails_once_the_daemon_has_not_moved_for_its_limit() {
        let interval = Duration::from_secs(10);
        let metrics = DaemonMetrics::new(Daemon::Discover, interval, Duration::from_secs(1));
        let start = metrics.started;
        let (healthy, text) = metrics.health_at(None, start + Duration::from_secs(30));
        assert!(
            healthy && text.starts_with("started, not moved yet, 30s ago"),
            "{text}"
        );
        let (healthy, text) = metrics.health_at(None, start + Duration::from_secs(31));
        assert!(!healthy && text.contains("the limit is 30s"), "{text}");
        let moved = start + Duration::from_secs(25);
        let (healthy, text) = metrics.health_at(Some(moved), start + Duration::from_secs(50));
        assert!(healthy && text.starts_with("last moved 25s ago"), "{text}");
        // A step that may take long (a 60 s deadline) extends the limit to two of them.
        let slow = DaemonMetrics::new(Daemon::Reconcile, interval, Duration::from_secs(60));
        let (healthy, _) = slow.health_at(None, slow.started + Duration::from_secs(119));
        assert!(healthy);
        let (healthy, _) = slow.health_at(None, slow.started + Duration::from_secs(121));
        assert!(!healthy);
    }

    #[test]
    fn reconcile_verdicts_no_shard_has_any_more_read_zero() {
        let metrics = DaemonMetrics::new(
            Daemon::Reconcile,
            Duration::from_secs(1),
            Duration::from_secs(1),
        );
        let pass = |verdicts: &[(&'static str, usize)]| Reconciled {
            verdicts: verdicts.iter().copied().collect(),
            ..Reconciled::default()
        };
        let encoded = || {
            let mut text = String::new();
            prometheus_client::encoding::text::encode(&mut text, metrics.registry()).unwrap();
            text
        };
        metrics.reconciled(&pass(&[("converge", 1), ("in-sync", 3)]));
        metrics.reconciled(&pass(&[("in-sync", 4)]));
        let text = encoded();
        assert!(
            text.contains(
                "orc_vitess_hook_reconcile_shards{command=\"reconcile\",verdict=\"converge\"} 0"
            ),
            "{text}"
        );
        assert!(text.contains("verdict=\"in-sync\"} 4"), "{text}");
        assert!(!text.contains("instance_registrations"), "{text}");
        // Leadership lost: the follower saw nothing, so nothing is counted.
        metrics.reconciled(&Reconciled {
            standby: true,
            ..Reconciled::default()
        });
        let text = encoded();
        assert!(text.contains("verdict=\"in-sync\"} 0"), "{text}");
        assert!(
            text.contains("orc_vitess_hook_reconcile_standby{command=\"reconcile\"} 1"),
            "{text}"
        );
    }
}
