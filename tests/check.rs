//! `check`: preflight against the fake vtctld (and, in tests/interop.rs, the real one).

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::fake_vtctld::{Behaviour, FakeVtctld};
use support::hook::{Run, hook, log_in, run, temp_dir, unused_server};

fn check(log: &Path, servers: &[&str]) -> Command {
    let mut command = hook();
    command.arg("check").arg("--log-file").arg(log);
    for server in servers {
        command.args(["--server", server]);
    }
    command
}

fn lines(out: &Run) -> Vec<String> {
    out.stdout.lines().map(str::to_owned).collect()
}

#[test]
fn a_healthy_setup_passes_every_check() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = run(check(&log, &[&fake.server()]).args(["--tablet", "zone1-101"]));
    out.assert_code(0);
    let lines = lines(&out);
    assert_eq!(lines.len(), 4, "{out:?}");
    assert!(lines.iter().all(|l| l.starts_with("ok ")), "{out:?}");
    assert!(
        lines[1].contains("typed Vtctld API") && lines[1].contains("legacy Vtctl API"),
        "{out:?}"
    );
    assert!(
        lines[2].contains("commerce/0 REPLICA, mysql db2.example.com:3306, may become primary")
    );
    assert!(!log.exists(), "nothing written");
    // Only harmless calls: no reparent.
    assert!(fake.reparented().is_empty());
}

#[test]
fn each_failing_class_gives_its_status() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    // A dead server among good ones: 69, and the others still reported.
    let dead = unused_server();
    let out = run(&mut check(&log, &[&dead, &fake.server()]));
    out.assert_code(69);
    assert!(
        out.stdout.contains(&format!("FAIL  server {dead}")),
        "{out:?}"
    );
    // A tablet that may not become primary, or does not exist: 65.
    let out = run(check(&log, &[&fake.server()]).args(["--tablet", "zone1-102"]));
    out.assert_code(65);
    assert!(
        out.stdout
            .contains("RDONLY may not become primary (--allow-type RDONLY allows it)"),
        "{out:?}"
    );
    run(check(&log, &[&fake.server()]).args(["--tablet", "zone1-102", "--allow-type", "RDONLY"]))
        .assert_code(0);
    let out = run(check(&log, &[&fake.server()]).args(["--tablet", "zone1-999"]));
    out.assert_code(65);
    assert!(out.stdout.contains("node doesn't exist"), "{out:?}");
    // A log that cannot be appended to: 74.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    run(&mut check(&file.join("x.log"), &[&fake.server()])).assert_code(74);
    // A bad setting: 78.
    run(check(&log, &[&fake.server()]).args(["--deadline", "0s"])).assert_code(78);
    // Unreachable wins over everything else, in the documented order.
    run(check(&file.join("x.log"), &[&dead]).args(["--deadline", "0s"])).assert_code(78);
}

#[test]
fn credentials_refused_are_77_and_json_is_one_object() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeVtctld::start(Behaviour {
        auth: Some(("orc".into(), "right".into())),
        ..Behaviour::default()
    });
    let dir = temp_dir();
    let log = log_in(&dir);
    let creds = dir.path().join("creds.json");
    std::fs::write(&creds, r#"{"Username": "orc", "Password": "wrong"}"#).unwrap();
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(check(&log, &[&fake.server()])
        .args(["--output", "json", "--auth-static-creds"])
        .arg(&creds));
    out.assert_code(77);
    let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(report["exit_status"], 77);
    assert_eq!(report["ok"], false);
    let server = &report["checks"][1];
    assert_eq!(server["ok"], false);
    assert!(
        server["detail"]
            .as_str()
            .unwrap()
            .contains("PERMISSION_DENIED"),
        "{report}"
    );
}

#[test]
fn orchestrator_must_answer_and_know_the_tablets() {
    use support::fake_orchestrator::{FakeOrchestrator, OrchestratorState};
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let known = |hosts: &[&str]| OrchestratorState {
        instances: hosts.iter().map(|h| ((*h).to_owned(), 3306)).collect(),
        ..OrchestratorState::default()
    };
    let commerce = ["db1.example.com", "db2.example.com", "db3.example.com"];
    let orchestrator = FakeOrchestrator::start(known(&commerce));
    let out = run(check(&log, &[&fake.server()]).args(["--orc-api-url", &orchestrator.url]));
    out.assert_code(65);
    assert!(out.stdout.contains("knows 3 instances"), "{out:?}");
    assert!(
        out.stdout
            .contains("3 of 6 tablets' MySQL unknown to Orchestrator (db4.example.com:3306"),
        "{out:?}"
    );
    assert_eq!(orchestrator.seen()[0].target, "/api/all-instances");

    let everyone = [
        "db1.example.com",
        "db2.example.com",
        "db3.example.com",
        "db4.example.com",
        "db2.other.net",
        "db6.example.com",
    ];
    let orchestrator = FakeOrchestrator::start(known(&everyone));
    run(check(&log, &[&fake.server()]).args(["--orc-api-url", &orchestrator.url])).assert_code(0);

    // Behind basic auth: the password from a file, sent; a wrong one is 77.
    let mut guarded = known(&everyone);
    guarded.authorization = Some("Basic b3JjOnMzY3JldA==".into()); // orc:s3cret
    let orchestrator = FakeOrchestrator::start(guarded);
    let password = dir.path().join("password");
    std::fs::write(&password, "s3cret\n").unwrap();
    run(check(&log, &[&fake.server()])
        .args([
            "--orc-api-url",
            &orchestrator.url,
            "--orc-api-user",
            "orc",
            "--orc-api-password-file",
        ])
        .arg(&password))
    .assert_code(0);
    let out = run(check(&log, &[&fake.server()])
        .args(["--orc-api-url", &orchestrator.url, "--orc-api-user", "orc"])
        .env("ORC_VITESS_HOOK_ORC_API_PASSWORD", "wrong"));
    out.assert_code(77);
    assert!(!out.stdout.contains("wrong") && !out.stderr.contains("wrong"));

    // Nobody there: 69.
    let url = format!("http://{}/api/", unused_server());
    run(check(&log, &[&fake.server()]).args(["--orc-api-url", &url])).assert_code(69);
}

#[test]
fn the_api_password_in_the_url_is_never_shown() {
    use support::fake_orchestrator::{FakeOrchestrator, OrchestratorState};
    let fake = FakeVtctld::start(Behaviour::default());
    let orchestrator = FakeOrchestrator::start(OrchestratorState::default());
    let url = orchestrator
        .url
        .replacen("http://", "http://admin:s3cr3t-PW@", 1);
    let dir = temp_dir();
    let out = run(check(&log_in(&dir), &[&fake.server()]).args(["--orc-api-url", &url]));
    assert!(
        !out.stdout.contains("s3cr3t") && !out.stderr.contains("s3cr3t"),
        "{out:?}"
    );
    let shown = orchestrator.url.replacen("http://", "http://…@", 1);
    assert!(
        out.stdout.contains(&format!("orchestrator {shown}")),
        "{out:?}"
    );
    // Nor in the configuration error of a URL that is not one we can use.
    for bad in ["ftp://alice:s3cr3t@orc/api/", "http://alice:s3cr3t@/api/"] {
        let out = run(check(&log_in(&dir), &[&fake.server()]).args(["--orc-api-url", bad]));
        out.assert_code(78);
        assert!(
            !out.stdout.contains("s3cr3t") && !out.stderr.contains("s3cr3t"),
            "{out:?}"
        );
        assert!(
            out.stdout.contains("--orc-api-url") || out.stderr.contains("--orc-api-url"),
            "{out:?}"
        );
    }
}
