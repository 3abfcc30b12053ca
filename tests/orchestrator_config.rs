//! `orchestrator-config`: valid JSON, an idempotent merge, a hook line that works as
//! Orchestrator runs it, and a semi-sync query a real MariaDB server answers.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::fake_vtctld::{Behaviour, FakeVtctld};
use support::hook::{hook, records, run, temp_dir};
use support::orchestrator::Recovery;

fn config(args: &[&str]) -> Value {
    let out = run(hook().arg("orchestrator-config").args(args));
    out.assert_code(0);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {out:?}"))
}

#[test]
fn the_output_is_json_with_the_hook_lines_and_no_placeholders() {
    let document = config(&["--server", "vtctld-a:15999", "--server", "vtctld-b:15999"]);
    let object = document.as_object().unwrap();
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["PostMasterFailoverProcesses", "DetectSemiSyncEnforcedQuery"]
    );
    let line = document["PostMasterFailoverProcesses"][0].as_str().unwrap();
    assert!(
        line.ends_with(" reparent --server vtctld-a:15999 --server vtctld-b:15999"),
        "{line}"
    );
    assert!(
        Path::new(line.split(' ').next().unwrap()).is_absolute(),
        "{line}"
    );
    assert!(!line.contains('{'), "no placeholders: {line}");

    let everything = config(&[
        "--server",
        "v:1",
        "--all-hooks",
        "--legacy-metadata-queries",
    ]);
    for hook in [
        "OnFailureDetection",
        "PreFailover",
        "PostFailover",
        "PostUnsuccessfulFailover",
        "PostIntermediateMasterFailover",
        "PreGracefulTakeover",
        "PostGracefulTakeover",
    ] {
        let line = everything[format!("{hook}Processes")][0].as_str().unwrap();
        assert!(line.ends_with(&format!(" record --hook {hook}")), "{line}");
    }
    // Graceful takeovers already run PostMasterFailoverProcesses: no second reparent.
    assert!(!everything.to_string().contains("GracefulTakeover --server"));
    assert_eq!(
        everything["PostMasterFailoverProcesses"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(
        everything["DetectClusterAliasQuery"]
            .as_str()
            .unwrap()
            .contains("_vt.local_metadata")
    );
    assert!(
        document.get("DetectClusterAliasQuery").is_none(),
        "only with the flag"
    );
}

#[test]
fn a_bad_setting_is_refused_like_reparent_refuses_it() {
    let out = run(hook().args(["orchestrator-config", "--server", "http://vtctld:15999"]));
    out.assert_code(78);
    let out = run(hook().args(["orchestrator-config"]));
    out.assert_code(78);
    assert!(out.stderr.contains("no vtctld server given"), "{out:?}");
}

#[test]
fn merging_keeps_the_operators_file_and_is_idempotent() {
    let dir = temp_dir();
    let file = dir.path().join("orchestrator.conf.json");
    let operator = json!({
        "Debug": true,
        "ListenAddress": ":3000",
        "PostMasterFailoverProcesses": [
            "echo 'Recovered from {failureType}' >> /tmp/recovery.log",
            "n=0; until [ $n -ge 10 ]; do vtctlclient -server vtctld:15999 TabletExternallyReparented {successorAlias} && break; n=$[$n+1]; sleep 5; done"
        ],
        "PreFailoverProcesses": ["echo pre"],
        "DetectClusterAliasQuery": "SELECT value FROM _vt.local_metadata WHERE name='ClusterAlias'"
    });
    std::fs::write(&file, serde_json::to_string_pretty(&operator).unwrap()).unwrap();
    let merge = |path: &Path| {
        let out = run(hook()
            .args([
                "orchestrator-config",
                "--server",
                "vtctld:15999",
                "--all-hooks",
                "--merge",
            ])
            .arg(path));
        out.assert_code(0);
        out
    };
    let out = merge(&file);
    // The operator is told what still does the old job.
    assert!(out.stderr.contains("TabletExternallyReparented"), "{out:?}");
    assert!(out.stderr.contains("_vt.local_metadata"), "{out:?}");
    let merged: Value = serde_json::from_str(&out.stdout).unwrap();
    let keys: Vec<&str> = merged
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        &keys[..5],
        [
            "Debug",
            "ListenAddress",
            "PostMasterFailoverProcesses",
            "PreFailoverProcesses",
            "DetectClusterAliasQuery"
        ]
    );
    let post = merged["PostMasterFailoverProcesses"].as_array().unwrap();
    assert_eq!(post.len(), 3);
    assert_eq!(
        post[..2],
        operator["PostMasterFailoverProcesses"].as_array().unwrap()[..]
    );
    assert!(
        post[2]
            .as_str()
            .unwrap()
            .contains(" reparent --server vtctld:15999")
    );
    let pre = merged["PreFailoverProcesses"].as_array().unwrap();
    assert_eq!(pre[0], "echo pre");
    assert!(
        pre[1]
            .as_str()
            .unwrap()
            .ends_with("record --hook PreFailover")
    );

    let again_file = dir.path().join("merged.json");
    std::fs::write(&again_file, &out.stdout).unwrap();
    assert_eq!(
        merge(&again_file).stdout,
        out.stdout,
        "merging its own output changes nothing"
    );
}

#[test]
fn the_generated_line_reparents_as_orchestrator_runs_it() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    // A log path with a space and a quote: the line must survive bash.
    let log_dir = dir.path().join("it's logs");
    let log = log_dir.join("recovery.log");
    let document = config(&[
        "--server",
        &fake.server(),
        "--log-format",
        "json",
        "--deadline",
        "10s",
        "--all-hooks",
        "--log-file",
        log.to_str().unwrap(),
    ]);
    let recovery = Recovery::dead_master("db2.example.com", 3306, "");
    for key in [
        "PreFailoverProcesses",
        "PostMasterFailoverProcesses",
        "PostFailoverProcesses",
    ] {
        let line = document[key][0].as_str().unwrap();
        let hook_run = recovery.run_hook(line, &[]);
        assert_eq!(hook_run.code, 0, "{key}: {line}: {hook_run:?}");
    }
    assert_eq!(fake.reparented(), ["zone1-0000000101"]);
    let outcomes: Vec<String> = records(&log)
        .iter()
        .map(|r| r["outcome"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(outcomes, ["recorded", "received", "ok", "recorded"]);
}

/// A MariaDB server of its own on a Unix socket in a temp directory; stopped when dropped.
struct MariaDb {
    child: Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl MariaDb {
    fn start() -> Self {
        let dir = temp_dir();
        let data = dir.path().join("data");
        let installed = Command::new("mariadb-install-db")
            .args([
                "--no-defaults",
                "--user=root",
                "--auth-root-authentication-method=normal",
            ])
            .arg(format!("--datadir={}", data.display()))
            .output()
            .unwrap_or_else(|e| {
                panic!("this test runs a real MariaDB: install Debian's mariadb-server ({e})")
            });
        assert!(
            installed.status.success(),
            "mariadb-install-db: {installed:?}"
        );
        let socket = dir.path().join("mysqld.sock");
        let child = Command::new("mariadbd")
            .args([
                "--no-defaults",
                "--user=root",
                "--skip-networking",
                "--skip-log-bin",
            ])
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--pid-file={}", dir.path().join("pid").display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mariadbd (Debian's mariadb-server)");
        let server = Self {
            child,
            socket,
            _dir: dir,
        };
        let started = Instant::now();
        while server.query("SELECT 1").is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "MariaDB did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// One query through the `mariadb` client; its output without column names.
    fn query(&self, sql: &str) -> Result<String, String> {
        let out = Command::new("mariadb")
            .args(["--no-defaults", "-uroot", "--batch", "--skip-column-names"])
            .arg(format!("--socket={}", self.socket.display()))
            .args(["-e", sql])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

impl Drop for MariaDb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_semi_sync_query_answers_one_row_on_a_real_mariadb() {
    let query =
        config(&["--server", "v:1", "--mysql-flavor", "mariadb"])["DetectSemiSyncEnforcedQuery"]
            .as_str()
            .unwrap()
            .to_owned();
    let db = MariaDb::start();
    // MariaDB's default: the primary waits for no replica only 10 s, so not enforced.
    assert_eq!(db.query(&query).unwrap(), "0\n");
    db.query("SET GLOBAL rpl_semi_sync_master_timeout = 2000000")
        .unwrap();
    db.query("SET GLOBAL rpl_semi_sync_master_wait_no_slave = ON")
        .unwrap();
    assert_eq!(db.query(&query).unwrap(), "1\n");
    db.query("SET GLOBAL rpl_semi_sync_master_wait_no_slave = OFF")
        .unwrap();
    assert_eq!(db.query(&query).unwrap(), "0\n");

    // The MySQL flavour's table does not exist in MariaDB: the flag matters.
    let mysql = config(&["--server", "v:1"])["DetectSemiSyncEnforcedQuery"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = db
        .query(&mysql)
        .expect_err("no performance_schema.global_variables in MariaDB");
    assert!(refused.contains("global_variables"), "{refused}");
}

#[test]
fn values_a_hook_line_cannot_carry_are_refused() {
    let out = run(hook().args([
        "orchestrator-config",
        "--server",
        "v:1",
        "--log-file",
        "/var/log/rec{failureType}.log",
    ]));
    out.assert_code(78);
    assert!(out.stderr.contains("placeholder"), "{out:?}");
}

#[test]
fn the_line_names_the_binary_as_it_was_run_through_a_symbolic_link() {
    let dir = temp_dir();
    let link = dir.path().join("orc-vitess-hook");
    std::os::unix::fs::symlink(support::hook::BIN, &link).unwrap();
    let out = run(Command::new(&link).args(["orchestrator-config", "--server", "v:1"]));
    out.assert_code(0);
    let document: Value = serde_json::from_str(&out.stdout).unwrap();
    let line = document["PostMasterFailoverProcesses"][0].as_str().unwrap();
    assert!(
        line.starts_with(&format!("{} reparent", link.display())),
        "{line}"
    );
}

#[test]
fn a_broken_command_line_of_another_command_writes_no_failover_record() {
    let dir = temp_dir();
    let log = dir.path().join("recovery.log");
    for command in ["orchestrator-config", "check"] {
        let out = run(hook()
            .args([command, "--bogus"])
            .env("ORC_FAILURE_TYPE", "DeadMaster")
            .env("ORC_VITESS_HOOK_LOG_FILE", &log));
        out.assert_code(64);
        assert!(!log.exists(), "{command}: no record");
    }
}
