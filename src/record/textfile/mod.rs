//! `--metrics-textfile`: what one-shot runs (`reparent`, `record`, `reconcile`'s reparents) tell
//! node_exporter's textfile collector. After a run's final record, the file is read, the run is
//! added, and the whole file is written again to a temporary file beside it and renamed over it,
//! so the collector never reads half a file; while the record's log lock is held (the record and
//! its count go together) and under the file's own lock (so no two runs, whatever their logs,
//! lose each other's counts).
//!
//! The file holds, per hook and shard, the last run's time, exit status and outcome; and per
//! hook, the runs by outcome since the file was created. It is read back by the strict parser
//! below, which accepts only what this module writes: a file at that path that something else
//! wrote is left alone and reported.

mod parse;

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::DateTime;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use serde_json::{Map, Value};

const PREFIX: &str = "orc_vitess_hook";

/// A sample's labels, in order.
type Labels = Vec<(String, String)>;
const LAST_TIME: &str = "last_run_timestamp_seconds";
const LAST_STATUS: &str = "last_run_exit_status";
const LAST_OUTCOME: &str = "last_run_outcome";
const RUNS: &str = "runs_total";

/// One run, as the file counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub hook: String,
    pub shard: String,
    pub outcome: String,
    pub exit_status: u8,
    /// When it ended (Unix time).
    pub time: f64,
}

impl Run {
    /// The run a final record states; `None` for a record without an exit status (a first
    /// record, `received`).
    pub fn of_record(record: &Map<String, Value>) -> Option<Self> {
        let text = |key: &str| record.get(key).and_then(Value::as_str);
        let exit_status = record.get("exit_status")?.as_u64()?;
        let time = text("ts")
            .and_then(|ts| DateTime::parse_from_rfc3339(ts).ok())
            .map_or(0.0, |t| t.timestamp_millis() as f64 / 1000.0);
        Some(Self {
            hook: text("hook").unwrap_or("reparent").to_owned(),
            // A placeholder Orchestrator left unfilled names no shard.
            shard: crate::record::read::shard_of(text)
                .filter(|shard| !crate::event::is_placeholder(shard))
                .unwrap_or_default()
                .into_owned(),
            outcome: text("outcome").unwrap_or_default().to_owned(),
            exit_status: u8::try_from(exit_status).unwrap_or(u8::MAX),
            time,
        })
    }
}

/// The last run of one hook for one shard.
#[derive(Debug, Clone, PartialEq)]
struct Last {
    time: f64,
    exit_status: u8,
    outcome: String,
}

/// Everything the file says.
#[derive(Debug, Default, PartialEq)]
pub struct State {
    /// By (hook, shard).
    last: BTreeMap<(String, String), Last>,
    /// Runs by (hook, outcome).
    totals: BTreeMap<(String, String), u64>,
}

impl State {
    pub fn add(&mut self, run: &Run) {
        let last = Last {
            time: run.time,
            exit_status: run.exit_status,
            outcome: run.outcome.clone(),
        };
        // The newest run stays the last, whichever run took the lock last.
        match self.last.entry((run.hook.clone(), run.shard.clone())) {
            Entry::Occupied(mut slot) => {
                if slot.get().time <= run.time {
                    slot.insert(last);
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(last);
            }
        }
        *self
            .totals
            .entry((run.hook.clone(), run.outcome.clone()))
            .or_insert(0) += 1;
    }

    /// The file's text, in Prometheus's text format (what the textfile collector reads).
    pub fn encode(&self) -> String {
        let labels = |pairs: &[(&str, &str)]| -> Labels {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let mut registry = Registry::with_prefix(PREFIX);
        let time = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        let status = Family::<Labels, Gauge>::default();
        let outcome = Family::<Labels, Gauge>::default();
        let runs = Family::<Labels, Counter>::default();
        for ((hook, shard), last) in &self.last {
            let key = labels(&[("hook", hook), ("shard", shard)]);
            time.get_or_create(&key).set(last.time);
            status.get_or_create(&key).set(i64::from(last.exit_status));
            let with_outcome =
                labels(&[("hook", hook), ("shard", shard), ("outcome", &last.outcome)]);
            outcome.get_or_create(&with_outcome).set(1);
        }
        for ((hook, outcome), count) in &self.totals {
            runs.get_or_create(&labels(&[("hook", hook), ("outcome", outcome)]))
                .inc_by(*count);
        }
        registry.register(
            LAST_TIME,
            "When the hook's last run for the shard ended (Unix time)",
            time,
        );
        registry.register(
            LAST_STATUS,
            "The exit status of the hook's last run for the shard",
            status,
        );
        registry.register(
            LAST_OUTCOME,
            "The outcome of the hook's last run for the shard (always 1, the outcome is the label)",
            outcome,
        );
        registry.register(
            RUNS.trim_end_matches("_total"),
            "Runs of the hook, by outcome, since the file was created",
            runs,
        );
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_text::encode(&mut text, &registry);
        text
    }
}

/// The largest file read back: this tool's file holds a few lines per hook and shard.
const MAX_FILE: u64 = 4 * 1024 * 1024;

/// What the file at `path` says: `None` when there is none yet. A file that is not a regular
/// file (a FIFO is never waited on: the open does not wait for a writer), is too large, or is
/// not what this tool writes, is an error saying so.
fn read_state(path: &Path) -> Result<Option<State>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path);
    let file = match file {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
    };
    let meta = file
        .metadata()
        .with_context(|| format!("cannot stat {}", path.display()))?;
    if !meta.is_file() {
        bail!("{}: not a regular file; left as it is", path.display());
    }
    let mut text = String::new();
    file.take(MAX_FILE + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {} as text", path.display()))?;
    if text.len() as u64 > MAX_FILE {
        bail!(
            "{}: larger than {} MiB, not a file orc-vitess-hook wrote; left as it is",
            path.display(),
            MAX_FILE >> 20
        );
    }
    State::parse(&text).map(Some).map_err(|why| {
        anyhow::anyhow!(
            "{}: not a file orc-vitess-hook wrote ({why}); left as it is",
            path.display()
        )
    })
}

/// Where the file really is: the file a symbolic link at `path` names (so that the link an
/// operator made is kept, as `--in-place` keeps it), else `path`.
fn resolved(path: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return path.to_owned();
    }
    // A link to a file not created yet cannot be canonicalised: its target, read.
    fs::canonicalize(path)
        .or_else(|_| fs::read_link(path).map(|t| crate::in_place::directory_of(path).join(t)))
        .unwrap_or_else(|_| path.to_owned())
}

/// Adds `run` to the file at `path`, written whole to a temporary file beside it and renamed
/// over it, under the file's own lock (waited for until `until`), so that runs of other logs,
/// or a run whose log could not be locked, never lose each other's counts. A file that is not
/// this tool's is left alone, and the error says so.
pub fn add_run(path: &Path, run: &Run, until: Instant) -> Result<()> {
    let path = resolved(path);
    // Nothing is created beside a device or a directory, not even the lock.
    if fs::metadata(&path).is_ok_and(|meta| !meta.is_file()) {
        bail!("{}: not a regular file; left as it is", path.display());
    }
    let _lock = lock(&path, until)?;
    let mut state = read_state(&path)?.unwrap_or_default();
    state.add(run);
    // Readable by node_exporter, which usually runs as a user of its own; not synced: a file
    // lost in a crash costs counts, never a failover its time.
    crate::in_place::write_whole(&path, state.encode().as_bytes(), 0o644, false)
}

/// The file's lock: `.<name>.lock` beside it (the file itself is replaced by each update, so
/// it cannot carry the lock; the collector reads only `*.prom`). Held until dropped.
fn lock(path: &Path, until: Instant) -> Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".lock");
    let lock_path = crate::in_place::directory_of(path).join(name);
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&lock_path)
        .with_context(|| format!("cannot open the lock file {}", lock_path.display()))?;
    let what = format!("metrics textfile {}", path.display());
    super::lock::lock_within(&file, &what, until)?;
    Ok(file)
}

/// `check`: whether the file can be updated: none yet, or one this tool wrote, in a directory
/// where a file can be created (a probe file is created and removed).
pub fn check(path: &Path) -> Result<String> {
    let path = resolved(path);
    let said = match read_state(&path)? {
        Some(state) => {
            let runs = state.totals.values().sum::<u64>();
            format!(
                "can be updated ({runs} run{} counted so far)",
                if runs == 1 { "" } else { "s" }
            )
        }
        None => "can be created (a probe file was)".to_owned(),
    };
    let dir = crate::in_place::directory_of(&path);
    super::log_path::probe_create("metrics textfile", &path, dir)?;
    Ok(said)
}

/// How long the textfile update of a run whose record could not be written may take, past the
/// run's end if need be (as the `interrupted` record's wait does): a moment, for the file's own
/// lock, which is held only while a run reads and rewrites the file.
const MISSING_RECORD_WAIT: Duration = Duration::from_millis(500);

/// The file's update for one final record: made while the record's log lock is held (see
/// [`crate::record::log_file::RecoveryLog::append_then`]), or after it, without that lock, when
/// the record could not be appended: a missing record is what monitoring most needs to see. The
/// file's own lock is taken either way.
/// Never past the run's end: the update is skipped then.
#[derive(Debug)]
pub struct Pending {
    path: Option<PathBuf>,
    ends: Instant,
    written: Option<Result<()>>,
}

impl Pending {
    /// The update of `path`, when `--metrics-textfile` is set, by `ends` at the latest.
    pub fn new(path: Option<PathBuf>, ends: Instant) -> Self {
        Self {
            path,
            ends,
            written: None,
        }
    }

    /// Adds the run `record` states (a final record: one with an exit status) to the file now,
    /// unless the run's end has passed.
    pub fn write(&mut self, record: &Map<String, Value>) {
        let (Some(path), Some(run)) = (&self.path, Run::of_record(record)) else {
            return;
        };
        self.written = Some(if Instant::now() < self.ends {
            add_run(path, &run, self.ends)
        } else {
            Err(anyhow::anyhow!("the run's deadline has passed; skipped"))
        });
    }

    /// Adds the run `record` states if that was not done under the log's lock: a run whose
    /// record is missing gets [`MISSING_RECORD_WAIT`] for it even past its end, since its
    /// record's wait used the whole budget. Returns the warning to print when the file could
    /// not be updated.
    pub fn finish(mut self, record: &Map<String, Value>) -> Option<String> {
        if self.written.is_none() {
            self.ends = self.ends.max(Instant::now() + MISSING_RECORD_WAIT);
            self.write(record);
        }
        let error = self.written?.err()?;
        Some(format!(
            "warning: --metrics-textfile not updated: {error:#}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(hook: &str, shard: &str, outcome: &str, exit_status: u8, time: f64) -> Run {
        Run {
            hook: hook.into(),
            shard: shard.into(),
            outcome: outcome.into(),
            exit_status,
            time,
        }
    }

    #[test]
    fn a_run_is_read_from_its_final_record_only() {
        let record = |json: serde_json::Value| json.as_object().cloned().unwrap();
        let first =
            record(serde_json::json!({"ts": "2026-12-07T16:00:00Z", "outcome": "received"}));
        assert_eq!(Run::of_record(&first), None);
        let last = record(serde_json::json!({
            "ts": "2026-12-07T16:00:01.250Z", "outcome": "ok", "exit_status": 0,
            "failure_cluster_alias": "commerce.-80",
        }));
        assert_eq!(
            Run::of_record(&last),
            Some(run("reparent", "commerce/-80", "ok", 0, 1_796_659_201.25))
        );
    }

    #[test]
    fn the_last_run_replaces_its_shards_outcome_and_the_totals_add_up() {
        let mut state = State::default();
        state.add(&run("reparent", "commerce/0", "failed", 69, 10.0));
        state.add(&run("reparent", "commerce/0", "ok", 0, 20.5));
        state.add(&run("PreFailover", "commerce/0", "recorded", 0, 9.0));
        let text = state.encode();
        let read = State::parse(&text).unwrap();
        assert_eq!(read, state);
        assert_eq!(read.totals[&("reparent".into(), "failed".into())], 1);
        assert_eq!(
            read.last[&("reparent".into(), "commerce/0".into())].outcome,
            "ok"
        );
    }

    #[test]
    fn a_file_this_tool_did_not_write_is_named_not_read() {
        for (text, says) in [
            (
                "node_load1 0.5\n",
                "`node_load1` is not a series this tool writes",
            ),
            (
                "orc_vitess_hook_runs_total{hook=\"r\"} 1\n",
                "no `outcome` label",
            ),
            (
                "orc_vitess_hook_runs_total{hook=\"r\",outcome=\"ok\"} x\n",
                "not a number",
            ),
            ("orc_vitess_hook_runs_total{hook=\"r\n", "closing quote"),
            (
                "orc_vitess_hook_last_run_exit_status{hook=\"r\",shard=\"s\"} 300\n",
                "out of range",
            ),
        ] {
            let error = State::parse(text).unwrap_err();
            assert!(error.contains(says), "{text:?}: {error}");
            assert!(error.starts_with("line 1: "), "{error}");
        }
    }

    #[test]
    fn the_file_is_spelt_as_node_exporter_reads_it() {
        let mut state = State::default();
        state.add(&run("reparent", "commerce/0", "ok", 0, 1_796_659_201.25));
        // An older run that took the lock later does not replace the newer one.
        state.add(&run(
            "reparent",
            "commerce/0",
            "failed",
            69,
            1_796_659_100.0,
        ));
        let text = state.encode();
        let expected = "\
# HELP orc_vitess_hook_last_run_timestamp_seconds When the hook's last run for the shard ended (Unix time).
# TYPE orc_vitess_hook_last_run_timestamp_seconds gauge
orc_vitess_hook_last_run_timestamp_seconds{hook=\"reparent\",shard=\"commerce/0\"} 1796659201.25
# HELP orc_vitess_hook_last_run_exit_status The exit status of the hook's last run for the shard.
# TYPE orc_vitess_hook_last_run_exit_status gauge
orc_vitess_hook_last_run_exit_status{hook=\"reparent\",shard=\"commerce/0\"} 0
# HELP orc_vitess_hook_last_run_outcome The outcome of the hook's last run for the shard (always 1, the outcome is the label).
# TYPE orc_vitess_hook_last_run_outcome gauge
orc_vitess_hook_last_run_outcome{hook=\"reparent\",shard=\"commerce/0\",outcome=\"ok\"} 1
# HELP orc_vitess_hook_runs_total Runs of the hook, by outcome, since the file was created.
# TYPE orc_vitess_hook_runs_total counter
";
        assert!(text.starts_with(expected), "{text}");
        let runs: Vec<&str> = text.lines().skip(expected.lines().count()).collect();
        assert_eq!(runs.len(), 2, "{text}");
        for line in [
            "orc_vitess_hook_runs_total{hook=\"reparent\",outcome=\"ok\"} 1",
            "orc_vitess_hook_runs_total{hook=\"reparent\",outcome=\"failed\"} 1",
        ] {
            assert!(runs.contains(&line), "{text}");
        }
    }

    proptest! {
        /// Whatever the hook, shard and outcome names (quotes, backslashes, newlines, any
        /// Unicode), what is written reads back the same.
        #[test]
        fn every_state_reads_back_as_written(
            runs in proptest::collection::vec(
                (any::<String>(), any::<String>(), "[a-z-]{1,12}", any::<u8>(), 0u32..2_000_000_000),
                0..12,
            )
        ) {
            let mut state = State::default();
            for (hook, shard, outcome, status, time) in &runs {
                state.add(&run(hook, shard, outcome, *status, f64::from(*time) / 4.0));
            }
            let text = state.encode();
            prop_assert_eq!(State::parse(&text), Ok(state));
        }
    }
}
