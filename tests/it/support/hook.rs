//! Running the built `orc-vitess-hook` binary with a clean environment, and reading its records.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_orc-vitess-hook");

/// A command for the binary with nothing inherited from the test's environment.
pub fn hook() -> Command {
    let mut command = Command::new(BIN);
    command.env_clear();
    command
}

/// `reparent` writing its log into `dir`, with a short deadline unless the test sets one.
pub fn reparent(log: &Path) -> Command {
    let mut command = hook();
    command
        .arg("reparent")
        .arg("--log-file")
        .arg(log)
        .arg("--log-format")
        .arg("json");
    command
}

/// What a finished run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {self:?}"))
    }

    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit status: {self:#?}");
        self
    }
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// Runs to completion; kills the child and fails the test if it outlives `limit` (a hang guard,
/// far above any deadline under test, not a speed check).
pub fn run_within(command: &mut Command, limit: Duration) -> Run {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn orc-vitess-hook");
    wait_within(child, limit)
}

pub fn run(command: &mut Command) -> Run {
    run_within(command, Duration::from_secs(60))
}

pub fn wait_within(mut child: Child, limit: Duration) -> Run {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("orc-vitess-hook still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).expect("read stdout");
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("read stderr");
    }
    let status = child.wait().expect("wait");
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// Every line of a JSON-format recovery log, parsed.
pub fn records(log: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(log)
        .unwrap_or_else(|e| panic!("read recovery log {}: {e}", log.display()));
    text.lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("bad record {line:?}: {e}"))
        })
        .collect()
}

/// A 127.0.0.1 address nothing listens on (bound, then released).
pub fn unused_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    addr.to_string()
}

/// A listener that accepts connections and never says a byte.
pub fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    addr.to_string()
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub fn log_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("recovery.log")
}

/// `rpc api:STATUS` of every attempt a record lists, e.g. `GetTablets vtctld:OK`.
pub fn attempt_statuses(record: &Value) -> Vec<String> {
    record["attempt_log"]
        .as_array()
        .expect("attempt_log")
        .iter()
        .map(|a| {
            format!(
                "{} {}:{}",
                a["rpc"].as_str().expect("rpc"),
                a["api"].as_str().expect("api"),
                a["status"].as_str().expect("status")
            )
        })
        .collect()
}

/// Every signal whose default action ends a process and that the hook turns into an
/// `interrupted` run: `kill`'s name for it, its number on Linux (x86-64 and arm64), and the name
/// the hook's messages use.
pub const ENDING_SIGNALS: &[(&str, i32, &str)] = &[
    ("HUP", 1, "SIGHUP"),
    ("INT", 2, "SIGINT"),
    ("USR1", 10, "SIGUSR1"),
    ("USR2", 12, "SIGUSR2"),
    ("ALRM", 14, "SIGALRM"),
    ("TERM", 15, "SIGTERM"),
    ("STKFLT", 16, "SIGSTKFLT"),
    ("XCPU", 24, "SIGXCPU"),
    ("VTALRM", 26, "SIGVTALRM"),
    ("PROF", 27, "SIGPROF"),
    ("POLL", 29, "SIGIO"),
    ("PWR", 30, "SIGPWR"),
];

/// Sends `signal` (`"TERM"`, `"HUP"`, …) to a running hook, as `kill -SIG pid` does.
pub fn send_signal(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -{signal} {}", child.id());
}
