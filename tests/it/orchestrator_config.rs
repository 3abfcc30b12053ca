//! `orchestrator-config`: valid JSON, an idempotent merge, a hook line that works as
//! Orchestrator runs it, and a semi-sync query a real MariaDB server answers.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fake_vtctld::{Behaviour, FakeVtctld};
use crate::support::hook::{hook, records, run, temp_dir, wait_within};
use crate::support::orchestrator::Recovery;
use serde_json::{Value, json};

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(1)
        == 0
}

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
    // A textfile the collector would never read: the hooks would only warn, so it is refused.
    let out = run(hook().args([
        "orchestrator-config",
        "--server",
        "vtctld:15999",
        "--metrics-textfile",
        "/var/lib/node_exporter/orc.txt",
    ]));
    out.assert_code(78);
    assert!(
        out.stderr
            .contains("--metrics-textfile / ORC_VITESS_HOOK_METRICS_TEXTFILE: \"/var/lib/node_exporter/orc.txt\""),
        "{out:?}"
    );
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
    let textfile = log_dir.join("hooks.prom");
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
        "--metrics-textfile",
        textfile.to_str().unwrap(),
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
    // Every hook line carries --metrics-textfile: each run is counted there.
    let metrics = crate::support::promlint::check(&std::fs::read_to_string(&textfile).unwrap());
    for (hook, outcome) in [
        ("PreFailover", "recorded"),
        ("reparent", "ok"),
        ("PostFailover", "recorded"),
    ] {
        assert_eq!(
            crate::support::promlint::value(
                &metrics,
                "orc_vitess_hook_runs_total",
                &[("hook", hook), ("outcome", outcome)]
            ),
            Some(1.0),
            "{hook}: {metrics:#}"
        );
    }
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
    std::os::unix::fs::symlink(crate::support::hook::BIN, &link).unwrap();
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

/// `orchestrator-config` with its stdout on /dev/full, which fails every write with ENOSPC.
fn to_dev_full(args: &[&str]) -> crate::support::hook::Run {
    let full = std::fs::File::create("/dev/full").expect("open /dev/full");
    let child = hook()
        .arg("orchestrator-config")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn orc-vitess-hook");
    wait_within(child, Duration::from_secs(60))
}

#[test]
fn a_failed_write_of_the_output_is_exit_74() {
    let dir = temp_dir();
    let file = dir.path().join("orchestrator.conf.json");
    std::fs::write(&file, r#"{"Debug": true}"#).unwrap();
    let merge = file.to_str().unwrap();
    for args in [
        &["--server", "v:1"][..],
        &["--server", "v:1", "--all-hooks", "--merge", merge][..],
    ] {
        let out = to_dev_full(args);
        out.assert_code(74);
        assert_eq!(out.stderr.lines().count(), 1, "one line: {out:?}");
        assert!(
            out.stderr
                .starts_with("error: cannot write the configuration to stdout"),
            "{out:?}"
        );
        assert!(out.stderr.contains("No space left on device"), "{out:?}");
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        r#"{"Debug": true}"#
    );
}

#[test]
fn in_place_without_merge_is_a_usage_error() {
    let out = run(hook().args(["orchestrator-config", "--server", "v:1", "--in-place"]));
    out.assert_code(64);
    assert!(out.stderr.contains("--merge"), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
}

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const OPERATORS_FILE: &str = r#"{
  "Debug": true,
  "RecoveryPeriodBlockSeconds": 3600,
  "PreFailoverProcesses": ["echo pre"]
}"#;

fn merge_args(file: &Path) -> Vec<String> {
    vec![
        "--server".into(),
        "vtctld:15999".into(),
        "--all-hooks".into(),
        "--merge".into(),
        file.to_str().unwrap().into(),
    ]
}

#[test]
fn in_place_replaces_the_file_keeping_its_mode_and_the_old_content_in_bak() {
    let dir = temp_dir();
    let file = dir.path().join("orchestrator.conf.json");
    std::fs::write(&file, OPERATORS_FILE).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let printed = run(hook().arg("orchestrator-config").args(merge_args(&file)));
    printed.assert_code(0);

    let out = run(hook()
        .arg("orchestrator-config")
        .args(merge_args(&file))
        .arg("--in-place"));
    out.assert_code(0);
    let backup = dir.path().join("orchestrator.conf.json.bak");
    assert_eq!(
        out.stdout.trim(),
        format!(
            "merged into {}; its previous content is in {}",
            file.display(),
            backup.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), printed.stdout);
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), OPERATORS_FILE);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(&file), 0o640);
    assert_eq!(mode(&backup), 0o640);
    assert_eq!(
        entries(dir.path()),
        ["orchestrator.conf.json", "orchestrator.conf.json.bak"],
        "no temporary file left"
    );

    // Again, through a symbolic link: the file it names is replaced, the link stays.
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let out = run(hook()
        .arg("orchestrator-config")
        .args(merge_args(&link))
        .arg("--in-place"));
    out.assert_code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        printed.stdout,
        "merging its own output changes nothing"
    );
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), printed.stdout);
}

#[test]
#[ignore = "needs root: gives the file another owner (.ci/run runs it as root)"]
fn in_place_keeps_the_files_owner() {
    assert!(is_root(), "needs root to give the file another owner");
    let dir = temp_dir();
    let file = dir.path().join("orchestrator.conf.json");
    std::fs::write(&file, OPERATORS_FILE).unwrap();
    std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    run(hook()
        .arg("orchestrator-config")
        .args(merge_args(&file))
        .arg("--in-place"))
    .assert_code(0);
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains(" reparent ")
    );
}

#[test]
fn a_failed_in_place_replacement_leaves_the_file_as_it_was() {
    let dir = temp_dir();
    let file = dir.path().join("orchestrator.conf.json");
    std::fs::write(&file, OPERATORS_FILE).unwrap();
    // A backup that cannot be replaced (a directory that is not empty), even for root.
    let backup = dir.path().join("orchestrator.conf.json.bak");
    std::fs::create_dir(&backup).unwrap();
    std::fs::write(backup.join("keep"), "x").unwrap();
    let out = run(hook()
        .arg("orchestrator-config")
        .args(merge_args(&file))
        .arg("--in-place"));
    out.assert_code(74);
    assert_eq!(out.stderr.lines().count(), 1, "one line: {out:?}");
    assert!(out.stderr.starts_with("error: --in-place: "), "{out:?}");
    assert!(out.stderr.contains(".bak"), "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("{} is unchanged", file.display())),
        "{out:?}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), OPERATORS_FILE);
    assert_eq!(
        entries(dir.path()),
        ["orchestrator.conf.json", "orchestrator.conf.json.bak"],
        "no temporary file left"
    );
}

#[test]
fn numbers_in_the_merged_file_keep_their_exact_text() {
    let dir = temp_dir();
    let file = dir.path().join("orchestrator.conf.json");
    let numbers = [
        ("Float", "1.0"),
        ("Exponent", "1e3"),
        ("Big", "12345678901234567890"),
        ("Negative", "-0.0"),
        ("Tenth", "0.1"),
        ("Upper", "2.50E-7"),
        ("Plain", "3600"),
    ];
    let body: Vec<String> = numbers
        .iter()
        .map(|(key, number)| format!("\"{key}\": {number}"))
        .collect();
    std::fs::write(&file, format!("{{{}}}", body.join(", "))).unwrap();
    let out = run(hook().arg("orchestrator-config").args(merge_args(&file)));
    out.assert_code(0);
    for (key, number) in numbers {
        assert!(
            out.stdout.contains(&format!("\n  \"{key}\": {number},\n")),
            "{key}: {}",
            out.stdout
        );
    }
}

#[test]
fn a_binary_name_is_looked_up_on_path_and_written_absolute() {
    let dir = temp_dir();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(crate::support::hook::BIN, bin.join("orc-vitess-hook")).unwrap();
    let out = run(hook()
        .args([
            "orchestrator-config",
            "--server",
            "v:1",
            "--binary",
            "orc-vitess-hook",
        ])
        .env("PATH", format!("/nonexistent:{}", bin.display())));
    out.assert_code(0);
    let document: Value = serde_json::from_str(&out.stdout).unwrap();
    let line = document["PostMasterFailoverProcesses"][0].as_str().unwrap();
    assert!(
        line.starts_with(&format!("{}/orc-vitess-hook reparent", bin.display())),
        "{line}"
    );
}

#[test]
fn a_binary_that_is_not_an_executable_file_is_a_configuration_error() {
    let dir = temp_dir();
    let plain = dir.path().join("plain");
    std::fs::write(&plain, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
    let missing = dir.path().join("missing");
    let cases = [
        ("nowhere-on-path", "none found"),
        (dir.path().to_str().unwrap(), "it is not a regular file"),
        (plain.to_str().unwrap(), "it is not executable (mode 644)"),
        (missing.to_str().unwrap(), "cannot stat it"),
    ];
    for (binary, why) in cases {
        let out = run(hook()
            .args(["orchestrator-config", "--server", "v:1", "--binary", binary])
            .env("PATH", dir.path()));
        out.assert_code(78);
        assert_eq!(out.stderr.lines().count(), 1, "one line: {out:?}");
        assert!(
            out.stderr.starts_with(&format!(
                "error: --binary: {binary:?}: expected an executable regular file"
            )),
            "{out:?}"
        );
        assert!(out.stderr.contains(why), "{binary}: {out:?}");
        assert!(out.stdout.is_empty(), "{out:?}");
    }
}
