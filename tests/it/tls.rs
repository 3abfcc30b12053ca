//! TLS and mutual TLS against the fake vtctld, with certificates generated for the test.

use std::time::Duration;

use crate::support::fake_vtctld::{Behaviour, FakeVtctld};
use crate::support::hook::{log_in, records, reparent, run, temp_dir};
use crate::support::scenario::failover;
use crate::support::tls::TestPki;

const TYPED: &str = "/vtctlservice.Vtctld/TabletExternallyReparented";

fn tls_reparent(
    log: &std::path::Path,
    fake: &FakeVtctld,
    extra: &[&str],
) -> crate::support::hook::Run {
    failover()
        .by_flags()
        .failed("db1.example.com", 3306)
        .successor_alias("zone1-101")
        .server(format!("localhost:{}", fake.addr.port()))
        .log(log)
        .args(extra)
        .run_within(Duration::from_secs(30))
}

#[test]
fn tls_with_the_right_ca() {
    let pki = TestPki::new();
    let fake = FakeVtctld::start_tls(Behaviour::default(), pki.server(false));
    let dir = temp_dir();
    let log = log_in(&dir);
    let ca = pki.path("ca.pem");
    tls_reparent(&log, &fake, &["--tls-ca", ca.to_str().unwrap()]).assert_code(0);
    assert_eq!(fake.received_for(TYPED).len(), 1);
    assert_eq!(records(&log).last().unwrap()["outcome"], "ok");
}

#[test]
fn tls_server_name_and_vitess_flag_spellings() {
    let pki = TestPki::new();
    let fake = FakeVtctld::start_tls(Behaviour::default(), pki.server(false));
    let dir = temp_dir();
    let log = log_in(&dir);
    let mut command = reparent(&log);
    command.args([
        "--server",
        &fake.server(),
        "--failed-host",
        "db1.example.com",
        "--failed-port",
        "3306",
        "--successor-alias",
        "zone1-101",
        "--vtctld_grpc_ca",
        pki.path("ca.pem").to_str().unwrap(),
        "--vtctld-grpc-server-name",
        "localhost",
    ]);
    run(&mut command).assert_code(0);
    assert_eq!(fake.received_for(TYPED).len(), 1);
}

#[test]
fn mutual_tls_requires_and_sends_the_client_certificate() {
    let pki = TestPki::new();
    let fake = FakeVtctld::start_tls(Behaviour::default(), pki.server(true));
    let dir = temp_dir();
    let log = log_in(&dir);
    let ca = pki.path("ca.pem");
    let cert = pki.path("client.pem");
    let key = pki.path("client.key");
    tls_reparent(
        &log,
        &fake,
        &[
            "--tls-ca",
            ca.to_str().unwrap(),
            "--vtctld_grpc_cert",
            cert.to_str().unwrap(),
            "--vtctld_grpc_key",
            key.to_str().unwrap(),
        ],
    )
    .assert_code(0);
    assert_eq!(fake.received_for(TYPED).len(), 1);
}

#[test]
fn mutual_tls_without_a_client_certificate_stops_after_two_rounds_with_77() {
    let pki = TestPki::new();
    let fake = FakeVtctld::start_tls(Behaviour::default(), pki.server(true));
    let dir = temp_dir();
    let log = log_in(&dir);
    let ca = pki.path("ca.pem");
    // The server refuses the handshake after ours (TLS 1.3): no request arrives. A deadline far
    // beyond two rounds: the attempts say it stopped early.
    let out = tls_reparent(
        &log,
        &fake,
        &["--tls-ca", ca.to_str().unwrap(), "--deadline", "30s"],
    );
    out.assert_code(77);
    let expected = format!(
        "localhost:{} refused the TLS handshake (received fatal alert: CertificateRequired): it \
         requires a client certificate it accepts (--tls-cert/--tls-key, \
         --vtctld-grpc-cert/--vtctld-grpc-key): the same handshake failed in 2 rounds",
        fake.addr.port()
    );
    assert!(out.stderr.contains(&expected), "{out:?}");
    assert_eq!(records(&log).last().unwrap()["attempts"], 2, "{out:?}");
    assert!(fake.received().is_empty());
}

#[test]
fn a_wrong_ca_is_refused_at_once_with_77() {
    let pki = TestPki::new();
    let fake = FakeVtctld::start_tls(Behaviour::default(), pki.server(false));
    let dir = temp_dir();
    let log = log_in(&dir);
    let other = pki.path("other-ca.pem");
    let out = tls_reparent(&log, &fake, &["--tls-ca", other.to_str().unwrap()]);
    out.assert_code(77);
    assert!(
        out.stderr
            .contains("no vtctld accepted our TLS certificate"),
        "{out:?}"
    );
    assert!(out.stderr.contains("certificate"), "{out:?}");
    assert!(fake.received().is_empty());
    let last = records(&log).last().cloned().unwrap();
    assert_eq!(last["attempts"], 1, "a certificate problem is not retried");
}

#[test]
fn plain_text_client_against_a_tls_server_stops_after_two_rounds_with_69() {
    let pki = TestPki::new();
    let fake = FakeVtctld::start_tls(Behaviour::default(), pki.server(false));
    let dir = temp_dir();
    let log = log_in(&dir);
    let out = tls_reparent(&log, &fake, &["--deadline", "30s"]);
    // A mismatch, not a refusal of our credentials: 69, after two rounds, not the deadline.
    out.assert_code(69);
    // Which answer it names depends on which attempt saw it first: hyper's words or the probe's.
    let server = format!(
        "localhost:{} speaks TLS (it answered with ",
        fake.addr.port()
    );
    assert!(out.stderr.contains(&server), "{out:?}");
    assert!(
        out.stderr.contains(
            ") but no --tls-ca/--vtctld-grpc-ca was given: the same handshake failed in 2 rounds"
        ),
        "{out:?}"
    );
    assert_eq!(records(&log).last().unwrap()["attempts"], 2, "{out:?}");
    assert!(fake.received().is_empty());
}

#[test]
fn tls_client_against_a_plain_text_server_stops_after_two_rounds_with_69() {
    let pki = TestPki::new();
    let fake = FakeVtctld::start(Behaviour::default());
    let dir = temp_dir();
    let log = log_in(&dir);
    let ca = pki.path("ca.pem");
    let out = tls_reparent(
        &log,
        &fake,
        &["--tls-ca", ca.to_str().unwrap(), "--deadline", "30s"],
    );
    out.assert_code(69);
    let expected = format!(
        "localhost:{} answered in plain text but TLS is configured (received corrupt message of \
         type InvalidContentType): the same handshake failed in 2 rounds",
        fake.addr.port()
    );
    assert!(out.stderr.contains(&expected), "{out:?}");
    assert_eq!(records(&log).last().unwrap()["attempts"], 2, "{out:?}");
    assert!(fake.received().is_empty());
}

#[test]
fn unreadable_or_malformed_tls_files_exit_78_naming_the_file() {
    let pki = TestPki::new();
    let fake = FakeVtctld::start_tls(Behaviour::default(), pki.server(false));
    let dir = temp_dir();
    let log = log_in(&dir);
    let missing = pki.path("missing.pem");
    let out = tls_reparent(&log, &fake, &["--tls-ca", missing.to_str().unwrap()]);
    out.assert_code(78);
    assert!(out.stderr.contains("missing.pem"), "{out:?}");

    let garbage = pki.write("garbage.pem", "not a certificate\n");
    let out = tls_reparent(&log, &fake, &["--tls-ca", garbage.to_str().unwrap()]);
    out.assert_code(78);
    assert!(out.stderr.contains("garbage.pem"), "{out:?}");

    let ca = pki.path("ca.pem");
    let out = tls_reparent(
        &log,
        &fake,
        &[
            "--tls-ca",
            ca.to_str().unwrap(),
            "--tls-cert",
            pki.path("client.pem").to_str().unwrap(),
            "--tls-key",
            garbage.to_str().unwrap(),
        ],
    );
    out.assert_code(78);
    assert!(
        out.stderr.contains("TLS key file") && out.stderr.contains("garbage.pem"),
        "{out:?}"
    );
    assert!(fake.received().is_empty());
}
