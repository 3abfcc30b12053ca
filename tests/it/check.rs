//! `check`: preflight against the fake vtctld (and, in tests/it/interop.rs, the real one).

use std::path::Path;
use std::process::Command;

use crate::support::fake_vtctld::{Behaviour, FakeVtctld};
use crate::support::hook::{Run, hook, log_in, run, temp_dir, unused_server};
use crate::support::scenario::failover;
use serde_json::Value;

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
    assert_eq!(lines.len(), 5, "{out:?}");
    assert!(lines.iter().all(|l| l.starts_with("ok ")), "{out:?}");
    assert!(
        lines[1].contains("typed Vtctld API") && lines[1].contains("legacy Vtctl API"),
        "{out:?}"
    );
    assert!(
        lines[2].contains("6 tablets listed (GetTablets, strict: every cell read)"),
        "{out:?}"
    );
    assert!(
        lines[3].contains("commerce/0 REPLICA, mysql db2.example.com:3306, may become primary"),
        "{out:?}"
    );
    assert!(!log.exists(), "nothing written");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "the log's probe file is gone"
    );
    // The listing reparent makes, strict; no reparent.
    let listings: Vec<bool> = fake
        .received_for("/vtctlservice.Vtctld/GetTablets")
        .iter()
        .map(|r| r.strict)
        .collect();
    assert_eq!(listings, [true]);
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
        out.stdout.contains("is RDONLY, not a REPLICA")
            && out.stdout.contains("--allow-type RDONLY"),
        "{out:?}"
    );
    run(check(&log, &[&fake.server()]).args(["--tablet", "zone1-102", "--allow-type", "RDONLY"]))
        .assert_code(0);
    let out = run(check(&log, &[&fake.server()]).args(["--tablet", "zone1-999"]));
    out.assert_code(65);
    assert!(
        out.stdout
            .contains("zone1-0000000999 is not in vtctld's tablet list"),
        "{out:?}"
    );
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
    use crate::support::fake_orchestrator::{FakeOrchestrator, OrchestratorState};
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
    use crate::support::fake_orchestrator::{FakeOrchestrator, OrchestratorState};
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

/// TLS as the fake serves it and the hook is configured for it.
#[derive(Clone, Copy)]
enum TlsFault {
    /// The fake's certificate is from a CA the hook is not given.
    WrongCa,
    /// The fake speaks TLS; the hook is given no TLS setting.
    PlainTextClient,
    /// The fake wants a client certificate; the hook has the CA but no certificate.
    NoClientCertificate,
}

/// One fault of the fake vtctld (or of the settings), as `check` and `reparent` both meet it.
struct Fault {
    name: &'static str,
    behaviour: Behaviour,
    /// How the fake and the hook disagree about TLS, if they do.
    tls: Option<TlsFault>,
    /// Static auth the fake requires, and the hook sends with a wrong password.
    wrong_password: bool,
    /// For both commands.
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    /// The log file, instead of one in a temp directory.
    log: Option<&'static str>,
    /// `(failed MySQL host, successor MySQL host, successor alias)` of the failover, and the
    /// alias `check --tablet` is asked about.
    failover: (&'static str, &'static str, &'static str),
    /// Whether `reparent` sends the reparent: each row is one fault, not all of them failures.
    sent: bool,
    /// Why `check` fails where `reparent` is sent anyway, when it does.
    disagrees: Option<&'static str>,
}

impl Default for Fault {
    fn default() -> Self {
        Self {
            name: "",
            behaviour: Behaviour::default(),
            tls: None,
            wrong_password: false,
            args: &[],
            env: &[],
            log: None,
            failover: ("db1.example.com", "db2.example.com", "zone1-101"),
            sent: true,
            disagrees: None,
        }
    }
}

/// commerce/0 after a reparent to zone1-101: zone1-100 is still a PRIMARY record, of the older
/// term (GetTablets reports it UNKNOWN; the legacy listing prints it PRIMARY with its term).
fn after_reparent(behaviour: Behaviour) -> Behaviour {
    let mut behaviour = behaviour;
    behaviour.tablets[1].r#type = orc_vitess_hook::proto::topodata::TabletType::Primary as i32;
    behaviour.primary_terms.insert(("zone1".into(), 101), 1);
    behaviour
}

#[test]
fn check_passes_exactly_when_reparent_would_send() {
    use std::os::unix::fs::PermissionsExt;
    use tonic::Code;
    let pki = crate::support::tls::TestPki::new();
    let dir = temp_dir();
    let creds = dir.path().join("creds.json");
    std::fs::write(&creds, r#"{"Username": "orc", "Password": "wrong"}"#).unwrap();
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).unwrap();
    let legacy_only = Behaviour {
        typed: false,
        ..Behaviour::default()
    };
    let stale = ("db2.example.com", "db1.example.com", "zone1-100");
    let faults = [
        Fault {
            name: "healthy",
            ..Fault::default()
        },
        Fault {
            name: "listing PERMISSION_DENIED",
            sent: false,
            behaviour: Behaviour {
                tablets_script: [Code::PermissionDenied].into(),
                ..Behaviour::default()
            },
            ..Fault::default()
        },
        Fault {
            name: "listing UNAVAILABLE once",
            behaviour: Behaviour {
                tablets_script: [Code::Unavailable].into(),
                ..Behaviour::default()
            },
            ..Fault::default()
        },
        Fault {
            name: "listing UNAVAILABLE until the deadline",
            sent: false,
            behaviour: Behaviour {
                tablets_script: std::iter::repeat_n(Code::Unavailable, 10_000).collect(),
                ..Behaviour::default()
            },
            args: &["--deadline", "1s"],
            ..Fault::default()
        },
        Fault {
            name: "legacy only",
            behaviour: legacy_only.clone(),
            ..Fault::default()
        },
        Fault {
            name: "legacy only, without listings",
            sent: false,
            behaviour: Behaviour {
                legacy_listing: false,
                ..legacy_only.clone()
            },
            ..Fault::default()
        },
        Fault {
            name: "a cell vtctld cannot read",
            sent: false,
            behaviour: Behaviour {
                unreadable_cells: vec!["zone2".into()],
                ..Behaviour::default()
            },
            ..Fault::default()
        },
        Fault {
            name: "typed only",
            behaviour: Behaviour {
                legacy: false,
                ..Behaviour::default()
            },
            ..Fault::default()
        },
        Fault {
            name: "wrong password",
            sent: false,
            behaviour: Behaviour {
                auth: Some(("orc".into(), "right".into())),
                ..Behaviour::default()
            },
            wrong_password: true,
            ..Fault::default()
        },
        Fault {
            name: "TLS from another CA",
            sent: false,
            tls: Some(TlsFault::WrongCa),
            ..Fault::default()
        },
        Fault {
            name: "TLS server, plain-text client",
            sent: false,
            tls: Some(TlsFault::PlainTextClient),
            ..Fault::default()
        },
        Fault {
            name: "mutual TLS without a client certificate",
            sent: false,
            tls: Some(TlsFault::NoClientCertificate),
            ..Fault::default()
        },
        Fault {
            name: "the stale old primary, UNKNOWN in GetTablets",
            sent: false,
            behaviour: after_reparent(Behaviour::default()),
            failover: stale,
            ..Fault::default()
        },
        Fault {
            name: "the stale old primary, an older PRIMARY in the legacy listing",
            sent: false,
            behaviour: after_reparent(legacy_only.clone()),
            failover: stale,
            ..Fault::default()
        },
        Fault {
            name: "log under /proc",
            log: Some("/proc/orc-vitess-hook-check.log"),
            disagrees: Some("a log that cannot be written never stops a failover (exit 74 after)"),
            ..Fault::default()
        },
        Fault {
            name: "dry run in the environment",
            env: &[("ORC_VITESS_HOOK_DRY_RUN", "1")],
            disagrees: Some("reparent ignores the variable with a warning and runs for real"),
            ..Fault::default()
        },
    ];
    for fault in faults {
        let start = || match fault.tls {
            None => FakeVtctld::start(fault.behaviour.clone()),
            Some(TlsFault::NoClientCertificate) => {
                FakeVtctld::start_tls(fault.behaviour.clone(), pki.server(true))
            }
            Some(_) => FakeVtctld::start_tls(fault.behaviour.clone(), pki.server(false)),
        };
        let log = fault.log.map_or_else(|| log_in(&dir), Into::into);
        let common = |command: &mut Command, fake: &FakeVtctld| {
            command.args(["--server", &fake.server()]).args(fault.args);
            command.envs(fault.env.iter().copied());
            match fault.tls {
                Some(TlsFault::WrongCa) => {
                    command.arg("--tls-ca").arg(pki.path("other-ca.pem"));
                }
                Some(TlsFault::NoClientCertificate) => {
                    command.arg("--tls-ca").arg(pki.path("ca.pem"));
                }
                Some(TlsFault::PlainTextClient) | None => {}
            }
            if fault.wrong_password {
                command.arg("--auth-static-creds").arg(&creds);
            }
        };
        let (failed, successor, alias) = fault.failover;

        let checked = start();
        let mut command = hook();
        command
            .args(["check", "--tablet", alias, "--log-file"])
            .arg(&log);
        common(&mut command, &checked);
        let check = run(&mut command);
        assert!(
            checked.reparented().is_empty(),
            "{}: check sends nothing",
            fault.name
        );

        let reparented = start();
        let mut command = failover()
            .by_flags()
            .failed(failed, 3306)
            .successor(successor, 3306)
            .successor_alias(alias)
            .log(&log)
            .command();
        common(&mut command, &reparented);
        let reparent = run(&mut command);
        let sent = !reparented.reparented().is_empty();
        assert_eq!(sent, fault.sent, "{}: {reparent:#?}", fault.name);

        match fault.disagrees {
            None => assert_eq!(
                check.code == 0,
                sent,
                "{}: check and reparent disagree\ncheck: {check:#?}\nreparent: {reparent:#?}",
                fault.name
            ),
            Some(why) => assert!(
                check.code != 0 && sent,
                "{}: expected check to fail and reparent to send ({why})\ncheck: {check:#?}\n\
                 reparent: {reparent:#?}",
                fault.name
            ),
        }
    }
}

#[test]
fn dry_run_in_the_environment_fails_naming_it() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let out = run(check(&log_in(&dir), &[&fake.server()]).env("ORC_VITESS_HOOK_DRY_RUN", "yes"));
    out.assert_code(78);
    assert!(
        out.stdout.contains(
            "ORC_VITESS_HOOK_DRY_RUN=\"yes\" in the environment: reparent ignores it and runs \
             for real (a dry run comes from --dry-run only), expected unset"
        ),
        "{out:?}"
    );
}

#[test]
fn a_log_under_proc_is_probed_for_real() {
    let fake = FakeVtctld::start(Behaviour::default());
    let log = Path::new("/proc/orc-vitess-hook-check.log");
    let out = run(&mut check(log, &[&fake.server()]));
    out.assert_code(74);
    assert!(
        out.stdout
            .contains("FAIL  log /proc/orc-vitess-hook-check.log  cannot create recovery log"),
        "{out:?}"
    );
}

#[test]
fn a_tls_mismatch_is_named() {
    let pki = crate::support::tls::TestPki::new();
    let dir = temp_dir();
    let log = log_in(&dir);
    let fake = FakeVtctld::start_tls(Behaviour::default(), pki.server(true));
    let out = run(check(&log, &[&fake.server()])
        .arg("--tls-ca")
        .arg(pki.path("ca.pem")));
    out.assert_code(77);
    assert!(
        out.stdout
            .contains("refused the TLS handshake (received fatal alert: CertificateRequired)"),
        "{out:?}"
    );
    let out = run(&mut check(&log, &[&fake.server()]));
    out.assert_code(69);
    assert!(
        out.stdout.contains("speaks TLS (it answered with ")
            && out
                .stdout
                .contains("but no --tls-ca/--vtctld-grpc-ca was given"),
        "{out:?}"
    );
}

#[test]
fn the_metrics_textfile_is_checked_as_the_runs_would_use_it() {
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let textfile = dir.path().join("hooks.prom");
    let checked = |textfile: &Path| {
        run(check(&log, &[&fake.server()])
            .arg("--metrics-textfile")
            .arg(textfile))
    };
    let out = checked(&textfile);
    out.assert_code(0);
    let line = |out: &Run| {
        lines(out)
            .into_iter()
            .find(|l| l.contains("metrics textfile"))
            .unwrap_or_else(|| panic!("no textfile check: {out:?}"))
    };
    let said = line(&out);
    assert!(
        said.starts_with("ok ") && said.ends_with("hooks.prom  can be created (a probe file was)"),
        "{out:?}"
    );
    assert!(!textfile.exists());
    // After a run, the file is ours and says how many runs it counted.
    failover()
        .record("PreFailover")
        .log(&log)
        .arg("--metrics-textfile")
        .arg(&textfile)
        .run()
        .assert_code(0);
    let out = checked(&textfile);
    out.assert_code(0);
    assert!(
        line(&out).ends_with("can be updated (1 run counted so far)"),
        "{out:?}"
    );
    // Someone else's file at that path: the runs would leave it alone, so check fails (78).
    let foreign = dir.path().join("node.prom");
    std::fs::write(&foreign, "node_load1 0.5\n").unwrap();
    let out = checked(&foreign);
    out.assert_code(78);
    assert!(
        line(&out).starts_with("FAIL") && line(&out).contains("not a file orc-vitess-hook wrote"),
        "{out:?}"
    );
}
