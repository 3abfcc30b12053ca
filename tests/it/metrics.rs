//! Metrics: the daemons' `/metrics` and `/healthz` scraped over HTTP while they pass, with
//! faults injected, and one-shot runs' node_exporter textfile; every exposition read by the
//! Prometheus project's own parser and linter (`support::promlint`), its values checked
//! against what happened.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::fake_orchestrator::FakeOrchestrator;
use crate::support::fake_vtctld::{Behaviour, FakeVtctld};
use crate::support::hook::{
    log_in, records, run, send_signal, temp_dir, unused_server, wait_within,
};
use crate::support::promlint::{check, check_openmetrics, value};
use serde_json::Value;

/// A daemon started with `--metrics-listen 127.0.0.1:0`, and the address it said it serves on.
struct Daemon {
    child: Option<Child>,
    address: String,
    /// The rest of its standard error, line by line.
    stderr: mpsc::Receiver<String>,
}

impl Daemon {
    fn start(command: &mut Command) -> Self {
        let mut child = command
            .args(["--metrics-listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the daemon");
        let pipe = child.stderr.take().expect("stderr");
        let (lines, stderr) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut daemon = Self {
            child: Some(child),
            address: String::new(),
            stderr,
        };
        // Warnings about other settings may come first.
        let mut before = Vec::new();
        while daemon.address.is_empty() {
            let Ok(line) = daemon.stderr.recv_timeout(Duration::from_secs(20)) else {
                panic!("the daemon never said where it serves; it said: {before:?}");
            };
            if let Some((address, _)) = line
                .strip_prefix("serving metrics on http://")
                .and_then(|rest| rest.split_once("/metrics"))
            {
                daemon.address = address.to_owned();
            }
            before.push(line);
        }
        daemon
    }

    /// `GET path`: status, content type, body.
    fn get(&self, path: &str, accept: &str) -> (u16, String, String) {
        self.get_accepting(path, &[accept])
    }

    /// `GET path` with an `Accept` line for each of `accepts`.
    fn get_accepting(&self, path: &str, accepts: &[&str]) -> (u16, String, String) {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .new_agent();
        let mut request = agent.get(format!("http://{}{path}", self.address));
        for accept in accepts {
            request = request.header("Accept", *accept);
        }
        let mut response = request.call().unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.body_mut().read_to_string().expect("body");
        (response.status().as_u16(), content_type, body)
    }

    /// `/metrics` in Prometheus's text format, parsed and linted by the Prometheus project's own
    /// code.
    fn scrape(&self) -> Value {
        let (status, content_type, body) = self.get("/metrics", "text/plain");
        assert_eq!(status, 200, "{body}");
        assert!(
            content_type.starts_with("text/plain; version=0.0.4"),
            "{content_type}"
        );
        check(&body)
    }

    /// Scrapes until `done` holds of the parsed metrics (30 s at most).
    fn scrape_until(&mut self, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let metrics = self.scrape();
            if done(&metrics) {
                return metrics;
            }
            if started.elapsed() > Duration::from_secs(30) {
                self.stop();
                panic!("{what}: never scraped; the last scrape: {metrics:#}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stop(&mut self) -> crate::support::hook::Run {
        let child = self.child.take().expect("running");
        send_signal(&child, "TERM");
        wait_within(child, Duration::from_secs(10))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn counter(metrics: &Value, family: &str, labels: &[(&str, &str)]) -> f64 {
    value(metrics, family, labels).unwrap_or(0.0)
}

#[test]
fn discover_counts_failed_passes_then_what_it_registered_once_orchestrator_is_up() {
    let fake = FakeVtctld::start(Behaviour::default());
    let address = unused_server();
    let url = format!("http://{address}/api/");
    let mut daemon = Daemon::start(crate::discover::discover(&fake, &url).args([
        "--interval",
        "1s",
        "--orc-timeout",
        "300ms",
    ]));
    // Orchestrator is down: passes fail, each failure counted by kind.
    let failing = daemon.scrape_until("a failed pass", |m| {
        counter(m, "orc_vitess_hook_passes_total", &[("result", "failed")]) >= 1.0
    });
    let command = [("command", "discover")];
    assert_eq!(
        value(&failing, "orc_vitess_hook_passes_total", &command),
        value(
            &failing,
            "orc_vitess_hook_passes_total",
            &[("result", "failed")]
        ),
        "every sample carries command=\"discover\": {failing:#}"
    );
    assert!(
        counter(
            &failing,
            "orc_vitess_hook_pass_failures_total",
            &[("kind", "unreachable")]
        ) >= 1.0,
        "{failing:#}"
    );
    assert_eq!(
        value(
            &failing,
            "orc_vitess_hook_last_successful_pass_timestamp_seconds",
            &[]
        ),
        Some(0.0)
    );
    assert_eq!(
        failing["orc_vitess_hook_pass_duration_seconds"]["type"],
        "HISTOGRAM"
    );
    // Orchestrator comes up where it was expected: the next pass registers the fleet.
    let orc = FakeOrchestrator::start_on(&address, crate::discover::orchestrator());
    let ok = daemon.scrape_until("a good pass", |m| {
        counter(m, "orc_vitess_hook_passes_total", &[("result", "ok")]) >= 1.0
    });
    let tablets = fake.behaviour().tablets.len() as f64;
    assert_eq!(
        value(&ok, "orc_vitess_hook_tablets_listed", &[]),
        Some(tablets)
    );
    let passes = counter(&ok, "orc_vitess_hook_passes_total", &[("result", "ok")]);
    let registered = counter(&ok, "orc_vitess_hook_instance_registrations_total", &[]);
    let aliases = counter(&ok, "orc_vitess_hook_cluster_alias_sets_total", &[]);
    // Each good pass registers every instance and sets both shards' aliases again (a scrape
    // may come between a pass's counts and the pass itself being counted: one pass more).
    let instances = orc.state().rules.len() as f64;
    assert!(instances > 0.0);
    let within = |count: f64, each: f64| count >= each * passes && count <= each * (passes + 1.0);
    assert!(
        within(aliases, 2.0),
        "{aliases} aliases in {passes} passes: {ok:#}"
    );
    assert!(
        within(registered, instances),
        "{registered} registrations of {instances} instances in {passes} passes: {ok:#}"
    );
    assert_eq!(orc.state().aliases.len(), 2);
    let last_ok = value(
        &ok,
        "orc_vitess_hook_last_successful_pass_timestamp_seconds",
        &[],
    )
    .unwrap_or(0.0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((now - last_ok).abs() < 30.0, "{last_ok} vs {now}");
    // The same registry in OpenMetrics, for a scraper that asks for it.
    let (status, content_type, body) = daemon.get(
        "/metrics",
        "application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
    );
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let openmetrics = check_openmetrics(&body);
    assert_eq!(openmetrics["orc_vitess_hook_passes"]["type"], "counter");
    // Two Accept lines are one list: the second asks for OpenMetrics, in any case.
    let lines = ["text/plain;q=0.5", "APPLICATION/OPENMETRICS-TEXT"];
    let (_, content_type, _) = daemon.get_accepting("/metrics", &lines);
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let refused = ["application/openmetrics-text; Q=0", "text/plain"];
    let (_, content_type, _) = daemon.get_accepting("/metrics", &refused);
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert_eq!(
        openmetrics["orc_vitess_hook_pass_duration_seconds"]["type"],
        "histogram"
    );
    // The same families as the text scrape (OpenMetrics names counters without `_total`).
    let mut names: Vec<String> = openmetrics.as_object().unwrap().keys().cloned().collect();
    let mut text_names: Vec<String> = ok
        .as_object()
        .unwrap()
        .keys()
        .map(|n| n.trim_end_matches("_total").to_owned())
        .collect();
    names.sort();
    text_names.sort();
    assert_eq!(names, text_names);
    let (status, _, body) = daemon.get("/healthz", "*/*");
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with("ok: last moved"), "{body}");
    let (status, _, body) = daemon.get("/nothing", "*/*");
    assert_eq!(status, 404, "{body}");
    daemon.stop().assert_code(143);
}

#[test]
fn healthz_stays_ok_while_a_pass_waits_on_bounded_calls_and_answers_head() {
    // Orchestrator accepts and never answers: each call waits out --orc-timeout, so one pass
    // takes several intervals, moving (each call ended) all the while.
    let mut state = crate::discover::orchestrator();
    state.hang = true;
    let orc = FakeOrchestrator::start(state);
    let fake = FakeVtctld::start(Behaviour::default());
    let mut daemon = Daemon::start(crate::discover::discover(&fake, &orc.url).args([
        "--interval",
        "1s",
        "--orc-timeout",
        "2s",
        "--deadline",
        "1s",
        "--concurrency",
        "1",
    ]));
    let (status, _, body) = daemon.get("/healthz", "*/*");
    assert_eq!(status, 200, "{body}");
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(5500) {
        let (status, _, body) = daemon.get("/healthz", "*/*");
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("the limit is 4s"), "{body}");
        std::thread::sleep(Duration::from_millis(500));
    }
    // Scrapes are answered meanwhile: the server does not wait for the pass.
    let metrics = daemon.scrape();
    assert_eq!(counter(&metrics, "orc_vitess_hook_passes_total", &[]), 0.0);
    // HEAD: the headers, no body.
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut response = agent
        .head(format!("http://{}/metrics", daemon.address))
        .call()
        .expect("HEAD");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.body_mut().read_to_string().unwrap(), "");
    daemon.stop().assert_code(143);
}

#[test]
fn reconcile_counts_a_failed_then_a_good_reparent_and_its_verdicts() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let (fake, _orc, mut command) = crate::reconcile::refused_until_cleared(&log);
    let mut daemon = Daemon::start(&mut command);
    let failed = daemon.scrape_until("a failed reparent", |m| {
        counter(
            m,
            "orc_vitess_hook_reconcile_reparents_total",
            &[("result", "failed")],
        ) >= 1.0
    });
    assert_eq!(
        value(
            &failed,
            "orc_vitess_hook_reconcile_shards",
            &[("verdict", "converge")]
        ),
        Some(1.0),
        "{failed:#}"
    );
    assert!(
        counter(
            &failed,
            "orc_vitess_hook_passes_total",
            &[("result", "failed")]
        ) >= 1.0
    );
    assert_eq!(
        value(&failed, "orc_vitess_hook_reconcile_standby", &[]),
        Some(0.0)
    );
    fake.behaviour().script.clear();
    let synced = daemon.scrape_until("the shard in sync", |m| {
        value(
            m,
            "orc_vitess_hook_reconcile_shards",
            &[("verdict", "in-sync")],
        ) == Some(1.0)
    });
    assert_eq!(
        value(
            &synced,
            "orc_vitess_hook_reconcile_reparents_total",
            &[("result", "ok")]
        ),
        Some(1.0),
        "{synced:#}"
    );
    // The verdict no shard has any more reads 0, not absent.
    assert_eq!(
        value(
            &synced,
            "orc_vitess_hook_reconcile_shards",
            &[("verdict", "converge")]
        ),
        Some(0.0)
    );
    daemon.stop().assert_code(143);
    let sent: Vec<Value> = records(&log)
        .into_iter()
        .filter(|r| r["hook"] == "reconcile" && r["outcome"] == "ok")
        .collect();
    assert_eq!(sent.len(), 1, "the metric counts what the log says");
}

#[test]
fn a_follower_reconciler_reports_standby() {
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start(Behaviour {
        tablets: crate::reconcile::fleet(),
        ..Behaviour::default()
    });
    let mut state =
        crate::reconcile::orchestrator("db2.example.com", crate::reconcile::ten_minutes());
    state.follower = true;
    let orc = FakeOrchestrator::start(state);
    let mut command = crate::reconcile::reconcile(&fake, &orc, &log);
    command.args(["--interval", "1s"]);
    let mut daemon = Daemon::start(&mut command);
    let metrics = daemon.scrape_until("a standby pass", |m| {
        counter(m, "orc_vitess_hook_passes_total", &[("result", "standby")]) >= 1.0
    });
    assert_eq!(
        value(&metrics, "orc_vitess_hook_reconcile_standby", &[]),
        Some(1.0)
    );
    assert_eq!(
        value(&metrics, "orc_vitess_hook_reconcile_shards", &[]),
        None,
        "a standby counts no shard: {metrics:#}"
    );
    // A standby is alive and well: its pass counts as good.
    assert!(
        value(
            &metrics,
            "orc_vitess_hook_last_successful_pass_timestamp_seconds",
            &[]
        )
        .unwrap_or(0.0)
            > 0.0
    );
    daemon.stop().assert_code(143);
    assert!(fake.reparented().is_empty());
}

#[test]
fn metrics_listen_needs_an_interval_and_a_free_port() {
    let fake = FakeVtctld::start(Behaviour::default());
    let orc = FakeOrchestrator::start(crate::discover::orchestrator());
    let out = run(crate::discover::discover(&fake, &orc.url).args(["--metrics-listen", ":0"]));
    out.assert_code(78);
    assert!(out.stderr.contains("--metrics-listen"), "{out:?}");
    assert!(out.stderr.contains("needs --interval"), "{out:?}");
    let out = run(crate::discover::discover(&fake, &orc.url).args([
        "--interval",
        "1s",
        "--metrics-listen",
        "not an address",
    ]));
    out.assert_code(78);
    assert!(
        out.stderr
            .contains("--metrics-listen / ORC_VITESS_HOOK_METRICS_LISTEN: \"not an address\""),
        "{out:?}"
    );
    // A port another process holds fails the start, before any pass.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let out = run(crate::discover::discover(&fake, &orc.url).args([
        "--interval",
        "1s",
        "--metrics-listen",
        &port,
    ]));
    out.assert_code(78);
    assert!(out.stderr.contains("cannot listen"), "{out:?}");
    assert!(orc.seen().is_empty(), "no pass ran: {:?}", orc.seen());
}
