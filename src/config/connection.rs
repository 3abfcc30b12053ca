//! vtctld connection settings (`ConnectionArgs`: flags or `ORC_VITESS_HOOK_*` variables) →
//! [`ConnectionSettings`].
//!
//! Files are read and checked here, before any connection, so an unreadable or malformed TLS or
//! credentials file is a configuration error (exit 78) naming the file.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::read_small_file;
use crate::cli::{ConnectionArgs, setting};
use crate::connection::{Api, ConnectionSettings, ServerAddr, StaticAuth, TlsSettings};
use crate::settings::Problems;

/// The shortest and longest bounds accepted: an hour-long deadline already blocks Orchestrator's
/// recovery for an hour, so anything longer is a mistake, and zero would never try at all.
const SHORTEST: Duration = Duration::from_millis(10);
const LONGEST_RUN: Duration = Duration::from_secs(3600);
const LONGEST_CONNECT: Duration = Duration::from_secs(600);

impl ConnectionSettings {
    /// Validates every connection setting and reads the TLS and credentials files they name;
    /// the error lists every problem found.
    pub fn from_args(args: &ConnectionArgs) -> Result<Self> {
        let mut problems = Problems::default();
        let servers = servers(&args.servers, &mut problems);
        let api = problems.choice(
            setting::API,
            &args.api,
            &[
                ("auto", Api::Auto),
                ("vtctld", Api::Vtctld),
                ("vtctl", Api::Vtctl),
            ],
        );
        let deadline = problems.duration(setting::DEADLINE, &args.deadline, SHORTEST, LONGEST_RUN);
        let attempt_timeout = problems.duration(
            setting::ATTEMPT_TIMEOUT,
            &args.attempt_timeout,
            SHORTEST,
            LONGEST_RUN,
        );
        let connect_timeout = problems.duration(
            setting::CONNECT_TIMEOUT,
            &args.connect_timeout,
            SHORTEST,
            LONGEST_CONNECT,
        );
        let server_name = args.tls_server_name.as_deref().and_then(|raw| {
            let name = problems.text(setting::TLS_SERVER_NAME, raw)?;
            let valid = rustls::pki_types::ServerName::try_from(name).is_ok();
            if !valid {
                problems.push(
                    setting::TLS_SERVER_NAME,
                    raw,
                    "expected a DNS name or an IP address",
                );
            }
            valid.then(|| name.to_owned())
        });
        let tls = reported(tls_settings(args, server_name), &mut problems).flatten();
        let auth = reported(
            args.auth_static_creds
                .as_deref()
                .map(read_static_auth)
                .transpose(),
            &mut problems,
        )
        .flatten();
        if let Some(message) = problems.into_message() {
            bail!("{message}");
        }
        match (api, deadline, attempt_timeout, connect_timeout) {
            (Some(api), Some(deadline), Some(attempt_timeout), Some(connect_timeout)) => Ok(Self {
                servers,
                api,
                deadline,
                attempt_timeout: attempt_timeout.min(deadline),
                connect_timeout,
                tls,
                auth,
            }),
            // Each None pushed a problem, and any problem returned above.
            _ => bail!("invalid connection settings"),
        }
    }
}

/// Every `--server` address; blank ones (an empty variable) are left out.
fn servers(raw: &[std::ffi::OsString], problems: &mut Problems) -> Vec<ServerAddr> {
    let mut servers = Vec::new();
    for raw in raw {
        let Some(text) = problems.text(setting::SERVER, raw) else {
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match ServerAddr::parse(text) {
            Ok(addr) => servers.push(addr),
            Err(e) => problems.push_message(format!("{}: {e:#}", setting::SERVER)),
        }
    }
    servers
}

/// The value, or `None` with the error (and its causes) among the problems.
fn reported<T>(result: Result<T>, problems: &mut Problems) -> Option<T> {
    result
        .map_err(|e| problems.push_message(format!("{e:#}")))
        .ok()
}

/// The deadline alone, when valid: for a run that cannot read the rest of its settings.
pub fn deadline_of(args: &ConnectionArgs) -> Option<Duration> {
    Problems::default().duration(setting::DEADLINE, &args.deadline, SHORTEST, LONGEST_RUN)
}

fn tls_settings(args: &ConnectionArgs, server_name: Option<String>) -> Result<Option<TlsSettings>> {
    let wanted = args.tls_ca.is_some()
        || args.tls_cert.is_some()
        || args.tls_key.is_some()
        || server_name.is_some();
    if !wanted {
        return Ok(None);
    }
    Ok(Some(TlsSettings {
        ca_pem: args.tls_ca.as_deref().map(read_ca).transpose()?,
        identity_pem: match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => Some((read_cert(cert)?, read_key(key)?)),
            (None, None) => None,
            (Some(_), None) => bail!("--tls-cert needs --tls-key (ORC_VITESS_HOOK_TLS_KEY) too"),
            (None, Some(_)) => bail!("--tls-key needs --tls-cert (ORC_VITESS_HOOK_TLS_CERT) too"),
        },
        server_name,
    }))
}

fn read_ca(path: &Path) -> Result<Vec<u8>> {
    let pem = read_small_file(path, "TLS CA file (--tls-ca)")?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            anyhow!(
                "TLS CA file (--tls-ca) {}: malformed PEM ({e})",
                path.display()
            )
        })?;
    if certs.is_empty() {
        bail!(
            "TLS CA file (--tls-ca) {}: expected PEM certificates, found none",
            path.display()
        );
    }
    Ok(pem)
}

fn read_cert(path: &Path) -> Result<Vec<u8>> {
    let pem = read_small_file(path, "TLS certificate file (--tls-cert)")?;
    CertificateDer::from_pem_slice(&pem).map_err(|e| {
        anyhow!(
            "TLS certificate file (--tls-cert) {}: expected a PEM certificate ({e})",
            path.display()
        )
    })?;
    Ok(pem)
}

fn read_key(path: &Path) -> Result<Vec<u8>> {
    let pem = read_small_file(path, "TLS key file (--tls-key)")?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| {
        anyhow!(
            "TLS key file (--tls-key) {}: expected a PEM private key ({e})",
            path.display()
        )
    })?;
    Ok(pem)
}

/// Reads `{"Username": "...", "Password": "..."}`, refusing a file every user can read or write.
fn read_static_auth(path: &Path) -> Result<StaticAuth> {
    use std::os::unix::fs::PermissionsExt;
    let what = "static auth credentials file (--auth-static-creds)";
    if path.as_os_str().is_empty() {
        bail!("{what}: the path is empty, expected a file");
    }
    let metadata = std::fs::metadata(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if !metadata.is_file() {
        bail!("{what} {}: not a regular file", path.display());
    }
    let mode = metadata.permissions().mode();
    if mode & 0o006 != 0 {
        bail!(
            "{what} {}: mode {:04o} lets other users read or change it (chmod 600 it)",
            path.display(),
            mode & 0o7777
        );
    }
    let bytes = read_small_file(path, what)?;
    // The parse error names a line and column only, never the content.
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow!("{what} {}: not valid JSON ({e})", path.display()))?;
    let field = |name: &str| {
        json.get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                anyhow!(
                    "{what} {}: expected a JSON object with string fields \"Username\" and \
                     \"Password\", and {name:?} is missing",
                    path.display()
                )
            })
    };
    Ok(StaticAuth {
        username: field("Username")?,
        password: field("Password")?,
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    /// Every problem of a refusal names its flag, one per "; " (found by the daemons target).
    #[test]
    fn each_problem_names_its_setting() {
        let dir = tempfile::tempdir().expect("temp dir");
        let not_pem = dir.path().join("ca.pem");
        std::fs::write(&not_pem, "no certificate here\n").expect("write");
        let line = [
            "orc-vitess-hook".as_ref(),
            "reparent".as_ref(),
            "--server=vt:-".as_ref(),
            "--server=[::1:15999".as_ref(),
            "--deadline=soon".as_ref(),
            "--tls-ca".as_ref(),
            not_pem.as_os_str(),
        ];
        let Command::Reparent(args) = Cli::try_parse_from(line).expect("parses").command else {
            panic!("reparent");
        };
        let message = format!(
            "{:#}",
            ConnectionSettings::from_args(&args.connection).unwrap_err()
        );
        let problems: Vec<&str> = message.split("; ").collect();
        assert_eq!(problems.len(), 4, "{message}");
        for problem in problems {
            assert!(problem.contains("--"), "{problem:?} in {message}");
        }
    }

    #[test]
    fn static_credentials_must_be_a_regular_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = format!("{:#}", read_static_auth(dir.path()).unwrap_err());
        assert!(err.contains("(--auth-static-creds)"), "{err}");
        assert!(err.ends_with("not a regular file"), "{err}");
    }
}
