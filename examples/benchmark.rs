//! The benchmark: whole processes, spawn to exit, against the test suite's fake vtctld and fake
//! Orchestrator API running in this process on 127.0.0.1. Run it with `scripts/bench`, which
//! builds everything in release and writes BENCHMARKS.md; by hand:
//! `target/release/examples/benchmark --hook target/release/orc-vitess-hook
//! --floor target/release/examples/grpc-floor [--runs 200]`.
//!
//! Timings are wall clock from `spawn` to the child's exit as `wait4` reports it, with the
//! child's peak RSS from the same call. Ratios are to the gRPC floor measured in the same run.
//! Linux counts the spawning process's peak RSS into the child's, so a child's figure is an upper
//! bound, never below this driver's own peak: the `/bin/true` row shows that floor.

#[path = "../tests/it/support/fake_orchestrator.rs"]
mod fake_orchestrator;
#[path = "../tests/it/support/fake_vtctld.rs"]
mod fake_vtctld;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use fake_vtctld::{Behaviour, FakeVtctld};

#[derive(Debug, Parser)]
#[command(about = "Measure orc-vitess-hook as whole processes against local fakes")]
struct Args {
    /// The orc-vitess-hook binary to measure.
    #[arg(long, default_value = "target/release/orc-vitess-hook")]
    hook: PathBuf,
    /// The gRPC floor binary (examples/grpc-floor.rs).
    #[arg(long, default_value = "target/release/examples/grpc-floor")]
    floor: PathBuf,
    /// Runs of each per-process case.
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// Runs of the 10,000-tablet cases (a discover pass takes seconds).
    #[arg(long, default_value_t = 10)]
    large_runs: usize,
    /// Concurrent reparents in the storm.
    #[arg(long, default_value_t = 1000)]
    storm: u32,
    /// Runs of the back-at-work case.
    #[arg(long, default_value_t = 20)]
    recovery_runs: usize,
    /// Run only these parts: single, large, storm, recovery (default: all).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// The fake vtctld binary (examples/fake-vtctld.rs), for the large fleets.
    #[arg(long, default_value = "target/release/examples/fake-vtctld")]
    fake_vtctld: PathBuf,
    /// The fake Orchestrator API binary (examples/fake-orchestrator.rs).
    #[arg(long, default_value = "target/release/examples/fake-orchestrator")]
    fake_orchestrator: PathBuf,
}

/// A fake in its own process: a large fleet held in this process would count in every child's
/// peak RSS (Linux records the spawning process's peak into the child's at exec).
struct ExternalFake {
    child: std::process::Child,
    /// What the fake printed on its first line after `prefix`: its address or URL.
    address: String,
}

impl ExternalFake {
    fn start(binary: &Path, args: &[&str], prefix: &str) -> Result<Self> {
        let mut child = Command::new(binary)
            .args(args)
            .args(["--port", "0", "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("start {}", binary.display()))?;
        let stdout = child.stdout.take().context("the fake's stdout")?;
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)?;
        let address = line
            .trim()
            .strip_prefix(prefix)
            .with_context(|| format!("{}: unexpected first line {line:?}", binary.display()))?
            .to_owned();
        Ok(Self { child, address })
    }
}

impl Drop for ExternalFake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One child's wall time and peak RSS.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: Duration,
    max_rss_kib: i64,
}

/// Waits for `pid` and returns its exit code (or 128 + signal) and peak RSS.
#[allow(unsafe_code)]
fn wait_with_rusage(pid: libc::pid_t) -> Result<(i32, i64)> {
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it and the status for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    ensure!(
        waited == pid,
        "wait4({pid}): {}",
        std::io::Error::last_os_error()
    );
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    Ok((code, usage.ru_maxrss))
}

/// Runs `command` once, expecting `expected_status`.
fn sample(command: &mut Command, expected_status: i32) -> Result<Sample> {
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().context("spawn")?;
    let mut stderr = child.stderr.take().context("stderr")?;
    let (code, max_rss_kib) = wait_with_rusage(child.id() as libc::pid_t)?;
    let wall = started.elapsed();
    if code != expected_status {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        bail!("{command:?} exited {code}, expected {expected_status}: {text}");
    }
    Ok(Sample { wall, max_rss_kib })
}

#[derive(Debug)]
struct Summary {
    runs: usize,
    median: Duration,
    p99: Duration,
    max_rss_kib: i64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn summarize(samples: &[Sample]) -> Summary {
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    walls.sort();
    Summary {
        runs: samples.len(),
        median: percentile(&walls, 0.5),
        p99: percentile(&walls, 0.99),
        max_rss_kib: samples.iter().map(|s| s.max_rss_kib).max().unwrap_or(0),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn mib(kib: i64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// A free port on 127.0.0.1, for a server that starts later.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("bind a free port")?;
    Ok(listener.local_addr()?.port())
}

struct Bench {
    args: Args,
    dir: tempfile::TempDir,
    report: String,
}

impl Bench {
    fn log(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.log"))
    }

    fn hook(&self) -> Command {
        let mut command = Command::new(&self.args.hook);
        command.env_clear();
        command
    }

    /// The demo fleet's commerce/0 failover: db1 (zone1-100) dead, db2 (zone1-101) promoted.
    fn reparent(&self, server: &str, log: &Path, extra: &[&str]) -> Command {
        let mut command = self.hook();
        command.args(["reparent", "--server", server, "--log-file"]);
        command.arg(log);
        command.args([
            "--failure-type",
            "DeadMaster",
            "--failed-host",
            "db1.example.com",
            "--failed-port",
            "3306",
            "--successor-host",
            "db2.example.com",
            "--successor-port",
            "3306",
            "--failure-cluster-alias",
            "commerce.0",
        ]);
        command.args(extra);
        command
    }

    /// `runs` samples of `make()`, with `reset` run before each.
    fn measure(
        &self,
        runs: usize,
        expected_status: i32,
        mut reset: impl FnMut(),
        mut make: impl FnMut() -> Command,
    ) -> Result<Summary> {
        // One unmeasured run warms the page cache and the fake's connections.
        reset();
        sample(&mut make(), expected_status)?;
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            reset();
            samples.push(sample(&mut make(), expected_status)?);
        }
        Ok(summarize(&samples))
    }

    fn row(&mut self, case: &str, summary: &Summary, floor: Option<&Summary>) {
        let ratio = floor.map_or("".to_owned(), |f| {
            format!(
                "{:.2}×",
                summary.median.as_secs_f64() / f.median.as_secs_f64()
            )
        });
        let _ = writeln!(
            self.report,
            "| {case} | {} | {} | {} | {} | {ratio} |",
            summary.runs,
            ms(summary.median),
            ms(summary.p99),
            mib(summary.max_rss_kib),
        );
        eprintln!("{case}: {summary:?}");
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    for binary in [
        &args.hook,
        &args.floor,
        &args.fake_vtctld,
        &args.fake_orchestrator,
    ] {
        ensure!(
            binary.is_file(),
            "{} is missing: run scripts/bench, which builds it",
            binary.display()
        );
    }
    let mut bench = Bench {
        args,
        dir: tempfile::tempdir().context("a temporary directory for the logs")?,
        report: String::new(),
    };
    let binary_size = std::fs::metadata(&bench.args.hook)?.len();
    let _ = writeln!(
        bench.report,
        "Binary: {} ({:.2} MiB, release, stripped).\n",
        bench.args.hook.display(),
        binary_size as f64 / (1024.0 * 1024.0)
    );

    let wanted =
        |part: &str| bench.args.only.is_empty() || bench.args.only.iter().any(|p| p == part);
    let (single, large, storms, recovery) = (
        wanted("single"),
        wanted("large"),
        wanted("storm"),
        wanted("recovery"),
    );
    if single {
        per_process_cases(&mut bench)?;
    }
    if large {
        large_fleet_cases(&mut bench)?;
    }
    if storms {
        let _ = writeln!(
            bench.report,
            "## Storm\n\n{} `reparent`s started at once, one per shard of a {}-tablet fleet, \
             against a fake that takes 5 ms per call and answers every tenth reparent \
             UNAVAILABLE; every hook has a 60 s deadline.\n\n\
             | hooks given | wall time | exited 0 | other statuses | records (intact) | \
             per-invocation median | p99 | peak RSS |\n|---|---|---|---|---|---|---|---|",
            bench.args.storm,
            bench.args.storm * 5
        );
        storm(&mut bench, true)?;
        storm(&mut bench, false)?;
        bench.report.push('\n');
    }
    if recovery {
        back_at_work(&mut bench)?;
        converged(&mut bench)?;
    }
    print!("{}", bench.report);
    Ok(())
}

fn per_process_cases(bench: &mut Bench) -> Result<()> {
    let runs = bench.args.runs;
    let fake = FakeVtctld::start(Behaviour::default());
    let server = fake.server();
    let pristine = Behaviour::default();
    let reset = || *fake.behaviour() = pristine.clone();
    let _ = writeln!(
        bench.report,
        "## One process at a time\n\nAgainst the fake vtctld's demo fleet (reset before each \
         run, so every reparent really reparents).\n\n\
         | case | runs | median | p99 | peak RSS | × gRPC floor |\n|---|---|---|---|---|---|"
    );
    let true_path = ["/bin/true", "/usr/bin/true"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .context("no /bin/true for the process floor")?;
    let process_floor = bench.measure(runs, 0, || {}, || Command::new(true_path))?;
    bench.row("floor: `/bin/true`", &process_floor, None);
    let floor_binary = bench.args.floor.clone();
    let grpc_floor = bench.measure(
        runs,
        0,
        || {},
        || {
            let mut command = Command::new(&floor_binary);
            command.arg(&server);
            command
        },
    )?;
    bench.row(
        "floor: one gRPC call from Rust (`grpc-floor`)",
        &grpc_floor,
        Some(&grpc_floor),
    );
    let log = bench.log("reparent");
    let textfile = bench.dir.path().join("hooks.prom");
    let textfile = textfile.to_str().context("a UTF-8 temporary path")?;
    let cases: [(&str, &[&str], i32); 5] = [
        (
            "`reparent`, typed API, alias given (verified)",
            &["--successor-alias", "zone1-101", "--api", "vtctld"],
            0,
        ),
        (
            "`reparent`, typed API, alias given, `--metrics-textfile`",
            &[
                "--successor-alias",
                "zone1-101",
                "--api",
                "vtctld",
                "--metrics-textfile",
                textfile,
            ],
            0,
        ),
        (
            "`reparent`, legacy API, alias given (verified)",
            &["--successor-alias", "zone1-101", "--api", "vtctl"],
            0,
        ),
        ("`reparent`, alias looked up by host:port", &[], 0),
        (
            "`reparent --dry-run`",
            &["--successor-alias", "zone1-101", "--dry-run"],
            0,
        ),
    ];
    for (name, extra, status) in cases {
        let summary =
            bench.measure(runs, status, reset, || bench.reparent(&server, &log, extra))?;
        bench.row(name, &summary, Some(&grpc_floor));
    }
    let record_log = bench.log("record");
    let record = bench.measure(
        runs,
        0,
        || {},
        || {
            let mut command = bench.hook();
            command
                .args(["record", "--hook", "PreFailoverProcesses", "--log-file"])
                .arg(&record_log)
                .args([
                    "--failure-type",
                    "DeadMaster",
                    "--failed-host",
                    "db1.example.com",
                ]);
            command
        },
    )?;
    bench.row("`record`", &record, Some(&grpc_floor));
    let _ = writeln!(
        bench.report,
        "\nFloors from the same run: a process {} median; one gRPC call {} median.\n",
        ms(process_floor.median),
        ms(grpc_floor.median)
    );
    Ok(())
}

fn large_fleet_cases(bench: &mut Bench) -> Result<()> {
    let runs = bench.args.large_runs;
    let fake = ExternalFake::start(
        &bench.args.fake_vtctld,
        &["--large-fleet", "2000"],
        "fake vtctld listening on ",
    )?;
    let server = fake.address.clone();
    let _ = writeln!(
        bench.report,
        "## 10,000 tablets\n\n2,000 shards of 5 tablets in one keyspace, the fakes in their own \
         processes.\n\n\
         | case | runs | median | p99 | peak RSS | × gRPC floor |\n|---|---|---|---|---|---|"
    );
    let log = bench.log("large");
    // Each run repairs another shard, so every run really reparents. The successor is named by
    // its FQDN, or by its short name, which only the whole fleet's listing can prove (the
    // listing is one strict call of every cell either way).
    let shard = std::cell::Cell::new(0u32);
    for (case, domain) in [
        ("`reparent`, alias looked up in the fleet", ".example.com"),
        (
            "`reparent`, short successor name, proven by the same strict listing",
            "",
        ),
    ] {
        let summary = bench.measure(
            runs,
            0,
            || shard.set(shard.get() + 1),
            || {
                let mut command = bench.hook();
                command
                    .args(["reparent", "--server", &server, "--log-file"])
                    .arg(&log)
                    .args(["--failure-type", "DeadMaster", "--failed-port", "3306"])
                    .args(["--successor-port", "3306", "--failed-host"])
                    .arg(format!("db-{}-0.example.com", shard.get()))
                    .arg("--successor-host")
                    .arg(format!("db-{}-1{domain}", shard.get()));
                command
            },
        )?;
        bench.row(case, &summary, None);
    }
    let orchestrator = ExternalFake::start(
        &bench.args.fake_orchestrator,
        &[],
        "fake Orchestrator API at ",
    )?;
    let url = orchestrator.address.clone();
    let discover = bench.measure(
        runs,
        0,
        || {},
        || {
            let mut command = bench.hook();
            command.args([
                "discover",
                "--server",
                &server,
                "--orc-api-url",
                &url,
                "--concurrency",
                "8",
            ]);
            command
        },
    )?;
    bench.row(
        "`discover`, one pass into the fake Orchestrator API (concurrency 8)",
        &discover,
        None,
    );
    let recoveries = ExternalFake::start(
        &bench.args.fake_orchestrator,
        &["--large-fleet", "2000"],
        "fake Orchestrator API at ",
    )?;
    let url = recoveries.address.clone();
    // A fleet the reparents above have not changed: every shard as Orchestrator settled it.
    let pristine = ExternalFake::start(
        &bench.args.fake_vtctld,
        &["--large-fleet", "2000"],
        "fake vtctld listening on ",
    )?;
    let server = pristine.address.clone();
    let reconcile_log = bench.log("reconcile");
    let reconcile = bench.measure(
        runs,
        0,
        || {},
        || {
            let mut command = bench.hook();
            command
                .args(["reconcile", "--server", &server, "--orc-api-url", &url])
                .arg("--log-file")
                .arg(&reconcile_log)
                .stdout(Stdio::null());
            command
        },
    )?;
    bench.row(
        "`reconcile`, one pass over the 2,000 shards, all in sync (2 Orchestrator calls a shard)",
        &reconcile,
        None,
    );
    let big = big_log(&bench.log("history"))?;
    let history = bench.measure(
        runs,
        0,
        || {},
        || {
            let mut command = bench.hook();
            command
                .args(["history", "--log-file"])
                .arg(&big)
                .stdout(Stdio::null());
            command
        },
    )?;
    bench.row(
        "`history` of a log of 1,000,000 records (330 MB, logfmt)",
        &history,
        None,
    );
    bench.report.push('\n');
    Ok(())
}

/// A recovery log of a million logfmt records, 500,000 failovers of 2,000 shards, as `reparent`
/// writes them (a `received` and a final record each).
fn big_log(path: &Path) -> Result<PathBuf> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for i in 0..1_000_000u64 {
        let (shard, uid) = (i % 2000, 1_796_659_200_000_000_000 + i / 2);
        let ts = format!(
            "2026-12-07T16:{:02}:{:02}.{:03}Z",
            (i / 60_000) % 60,
            (i / 1000) % 60,
            i % 1000
        );
        let common = format!(
            "pid={} recovery_uid={uid}:bccd466e8bd3 failure_type=DeadMaster is_master=true \
             failed_host=db-{shard}-0.example.com failed_port=3306",
            1000 + i % 30_000
        );
        if i % 2 == 0 {
            writeln!(
                out,
                "ts={ts} outcome=received {common} failure_cluster_alias=fleet.s{shard} \
                 successor_host=db-{shard}-1.example.com successor_port=3306 alias_source=lookup"
            )?;
        } else {
            writeln!(
                out,
                "ts={ts} outcome=ok {common} successor_host=db-{shard}-1.example.com \
                 successor_port=3306 alias=zone1-{:010} failed_shard=fleet/s{shard} \
                 server=vtctld-a:15999 api=vtctld attempts=2 duration_ms=4 exit_status=0",
                10_000 + shard * 5 + 1
            )?;
        }
    }
    // On disk before it is measured: write-back of 330 MB would otherwise run during the reads.
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(path.to_owned())
}

/// 1,000 reparents at once, one per shard, against a fake that takes 5 ms per call and answers
/// every tenth reparent UNAVAILABLE.
#[allow(unsafe_code)]
fn storm(bench: &mut Bench, with_alias: bool) -> Result<()> {
    let shards = bench.args.storm;
    let fake = ExternalFake::start(
        &bench.args.fake_vtctld,
        &[
            "--large-fleet",
            &shards.to_string(),
            "--delay",
            "5ms",
            "--unavailable-every",
            "10",
        ],
        "fake vtctld listening on ",
    )?;
    let server = fake.address.clone();
    let log = bench.log(if with_alias { "storm-alias" } else { "storm" });
    let mut started_at: HashMap<libc::pid_t, Instant> = HashMap::new();
    let wall = Instant::now();
    for shard in 0..shards {
        let mut command = bench.hook();
        command
            .args([
                "reparent",
                "--server",
                &server,
                "--log-format",
                "json",
                "--log-file",
            ])
            .arg(&log)
            .args(["--failure-type", "DeadMaster", "--failed-port", "3306"])
            .args(["--successor-port", "3306", "--deadline", "60s"])
            .arg("--failed-host")
            .arg(format!("db-{shard}-0.example.com"))
            .arg("--successor-host")
            .arg(format!("db-{shard}-1.example.com"));
        if with_alias {
            // What Orchestrator passes once `discover` has set the clusters' aliases.
            command
                .arg("--failure-cluster-alias")
                .arg(format!("fleet.s{shard}"));
        }
        command.stdout(Stdio::null()).stderr(Stdio::null());
        let started = Instant::now();
        let child = command.spawn().context("spawn a storm reparent")?;
        started_at.insert(child.id() as libc::pid_t, started);
    }
    let mut walls = Vec::with_capacity(started_at.len());
    let mut failures = 0;
    let mut statuses: std::collections::BTreeMap<i32, usize> = Default::default();
    while !started_at.is_empty() {
        let mut status = 0;
        // SAFETY: as in wait_with_rusage; -1 waits for any of our children.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let pid = unsafe { libc::wait4(-1, &mut status, 0, &mut usage) };
        ensure!(pid > 0, "wait4: {}", std::io::Error::last_os_error());
        if let Some(started) = started_at.remove(&pid) {
            walls.push(Sample {
                wall: started.elapsed(),
                max_rss_kib: usage.ru_maxrss,
            });
            if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
                failures += 1;
                let code = if libc::WIFEXITED(status) {
                    libc::WEXITSTATUS(status)
                } else {
                    128 + libc::WTERMSIG(status)
                };
                *statuses.entry(code).or_default() += 1;
            }
        }
    }
    let total = wall.elapsed();
    let text = std::fs::read_to_string(&log).context("the storm's log")?;
    let lines: Vec<&str> = text.lines().collect();
    let intact = lines
        .iter()
        .filter(|line| serde_json::from_str::<serde_json::Value>(line).is_ok())
        .count();
    let summary = summarize(&walls);
    let others: Vec<String> = statuses
        .iter()
        .map(|(code, n)| format!("{n} × {code}"))
        .collect();
    let _ = writeln!(
        bench.report,
        "| {} | {} | {} of {shards} | {} | {} ({intact}) | {} | {} | {} |",
        if with_alias {
            "`keyspace.shard` cluster alias"
        } else {
            "host:port only (whole-fleet look-up)"
        },
        ms(total),
        shards as usize - failures,
        if others.is_empty() {
            "none".to_owned()
        } else {
            others.join(", ")
        },
        lines.len(),
        ms(summary.median),
        ms(summary.p99),
        mib(summary.max_rss_kib),
    );
    eprintln!(
        "storm: {total:?}, {failures} failed, {} records",
        lines.len()
    );
    Ok(())
}

/// vtctld down when the failover starts, up two seconds later: how long after it answers does
/// the hook finish?
fn back_at_work(bench: &mut Bench) -> Result<()> {
    let runs = bench.args.recovery_runs;
    let log = bench.log("recovery");
    let mut delays = Vec::with_capacity(runs);
    for _ in 0..runs {
        let port = free_port()?;
        let server = format!("127.0.0.1:{port}");
        let mut command = bench.reparent(
            &server,
            &log,
            &["--successor-alias", "zone1-101", "--deadline", "30s"],
        );
        command.stdout(Stdio::null()).stderr(Stdio::null());
        let child = command.spawn().context("spawn")?;
        std::thread::sleep(Duration::from_secs(2));
        let fake = FakeVtctld::start_on(
            SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            Behaviour::default(),
            None,
        );
        let up = Instant::now();
        let (code, _) = wait_with_rusage(child.id() as libc::pid_t)?;
        delays.push(up.elapsed());
        ensure!(code == 0, "the hook exited {code} once vtctld was back");
        ensure!(fake.reparented().len() == 1, "no reparent reached vtctld");
    }
    delays.sort();
    let _ = writeln!(
        bench.report,
        "## Back at work\n\nvtctld down for the first 2 s of a failover, then up: time from \
         vtctld listening to the hook's exit, over {runs} runs.\n\n\
         | median | worst |\n|---|---|\n| {} | {} |\n",
        ms(percentile(&delays, 0.5)),
        ms(*delays.last().context("no runs")?),
    );
    Ok(())
}

/// A failover whose hook was lost: `reconcile --interval 5s --deadline 2s` running while vtctld is
/// down, vtctld up 3 s later, after the first pass gave up. How long from vtctld listening until
/// the shard's reparent reaches it?
fn converged(bench: &mut Bench) -> Result<()> {
    let runs = bench.args.recovery_runs;
    let log = bench.log("converged");
    let mut delays = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut state = fake_orchestrator::OrchestratorState::default();
        let end = chrono::Utc::now() - chrono::TimeDelta::minutes(10);
        let start = end - chrono::TimeDelta::seconds(5);
        state.recoveries.insert(
            "commerce.0".into(),
            vec![serde_json::json!({
                "UID": format!("{}:bench", start.timestamp_nanos_opt().unwrap_or(0)),
                "AnalysisEntry": {
                    "AnalyzedInstanceKey": {"Hostname": "db1.example.com", "Port": 3306},
                    "Analysis": "DeadMaster",
                },
                "SuccessorKey": {"Hostname": "db2.example.com", "Port": 3306},
                "IsSuccessful": true,
                "RecoveryEndTimestamp": end.format("%Y-%m-%d %H:%M:%S").to_string(),
            })],
        );
        state.masters.insert(
            "db2.example.com:3306".into(),
            ("db2.example.com".into(), 3306),
        );
        let orchestrator = fake_orchestrator::FakeOrchestrator::start(state);
        let port = free_port()?;
        let server = format!("127.0.0.1:{port}");
        let mut command = bench.hook();
        command
            .args([
                "reconcile",
                "--server",
                &server,
                "--orc-api-url",
                &orchestrator.url,
            ])
            .args(["--interval", "5s", "--deadline", "2s", "--settle", "1m"])
            .arg("--log-file")
            .arg(&log)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = command.spawn().context("spawn reconcile")?;
        // Past the first pass's 2 s deadline: that pass fails, and the next one finishes it.
        std::thread::sleep(Duration::from_secs(3));
        // The old primary's term began long before the recovery, as vtctld records it.
        let mut tablets = fake_vtctld::demo_tablets();
        tablets[0].primary_term_start_time = Some(orc_vitess_hook::proto::vttime::Time {
            seconds: 1_767_225_600,
            nanoseconds: 0,
        });
        let fake = FakeVtctld::start_on(
            SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            Behaviour {
                tablets,
                ..Behaviour::default()
            },
            None,
        );
        let up = Instant::now();
        while fake.reparented().is_empty() {
            ensure!(
                up.elapsed() < Duration::from_secs(60),
                "reconcile never reparented"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        delays.push(up.elapsed());
        let _ = child.kill();
        let _ = child.wait();
    }
    delays.sort();
    let _ = writeln!(
        bench.report,
        "## Converged by `reconcile`\n\nA failover whose hook was lost: `reconcile --interval 5s \
         --deadline 2s` running while vtctld is down; vtctld up 3 s later, after the first pass \
         gave up at its deadline: time from vtctld listening to the shard's reparent reaching \
         it, over {runs} runs. The next pass starts 3.75 to 6.25 s after the first one ended.\n\n\
         | median | worst |\n|---|---|\n| {} | {} |\n",
        ms(percentile(&delays, 0.5)),
        ms(*delays.last().context("no runs")?),
    );
    Ok(())
}
