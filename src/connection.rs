//! How to reach vtctld, validated: addresses, API, timeouts, TLS material and static auth.
//! Shared by every command that talks to vtctld.
//!
//! Files are read and checked here, before any connection, so an unreadable or malformed TLS or
//! credentials file is a configuration error (exit 78) naming the file.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::cli::ConnectionArgs;
use crate::endpoint::HostPort;
use crate::settings::{Problems, Setting};

/// Which vtctld API `--api` calls for the reparent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Typed Vtctld API first; the legacy Vtctl API where a server has no such service.
    Auto,
    /// Typed /vtctlservice.Vtctld/TabletExternallyReparented (vtctldclient, current Vitess).
    Vtctld,
    /// Legacy streaming /vtctlservice.Vtctl/ExecuteVtctlCommand (vtctlclient, old Vitess).
    Vtctl,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Vtctld => "vtctld",
            Self::Vtctl => "vtctl",
        }
    }
}

const SERVER: Setting = Setting::new("--server", "ORC_VITESS_HOOK_SERVER");
const API: Setting = Setting::new("--api", "ORC_VITESS_HOOK_API");
const DEADLINE: Setting = Setting::new("--deadline", "ORC_VITESS_HOOK_DEADLINE");
const ATTEMPT_TIMEOUT: Setting =
    Setting::new("--attempt-timeout", "ORC_VITESS_HOOK_ATTEMPT_TIMEOUT");
const CONNECT_TIMEOUT: Setting =
    Setting::new("--connect-timeout", "ORC_VITESS_HOOK_CONNECT_TIMEOUT");
const TLS_SERVER_NAME: Setting =
    Setting::new("--tls-server-name", "ORC_VITESS_HOOK_TLS_SERVER_NAME");

/// The shortest and longest bounds accepted: an hour-long deadline already blocks Orchestrator's
/// recovery for an hour, so anything longer is a mistake, and zero would never try at all.
const SHORTEST: Duration = Duration::from_millis(10);
const LONGEST_RUN: Duration = Duration::from_secs(3600);
const LONGEST_CONNECT: Duration = Duration::from_secs(600);

/// A vtctld gRPC address, `host:port` (IPv6 as `[addr]:port`), shown as it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAddr(HostPort);

impl ServerAddr {
    pub fn parse(text: &str) -> Result<Self> {
        let expected = "expected HOST:PORT like vtctld:15999";
        if text.contains("://") {
            bail!("server {text:?}: {expected}, without a scheme");
        }
        let (host, port) = text
            .rsplit_once(':')
            .ok_or_else(|| anyhow!("server {text:?}: {expected}"))?;
        let host = match host.strip_prefix('[') {
            Some(inner) => inner
                .strip_suffix(']')
                .ok_or_else(|| anyhow!("server {text:?}: unclosed '[' in {expected}"))?,
            None if host.contains(':') => {
                bail!("server {text:?}: {expected}; write an IPv6 address as [addr]:port")
            }
            None => host,
        };
        let bracketed = text.starts_with('[');
        let valid_host = if bracketed {
            host.parse::<Ipv6Addr>().is_ok()
        } else {
            host.parse::<Ipv4Addr>().is_ok() || is_host_name(host)
        };
        if !valid_host {
            bail!(
                "server {text:?}: {expected}; the host must be a name, an IPv4 address or an \
                 [IPv6] address"
            );
        }
        let port = port
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0 && port.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| anyhow!("server {text:?}: {expected}; the port must be 1-65535"))?;
        Ok(Self(HostPort {
            host: host.to_owned(),
            port,
        }))
    }

    pub fn host(&self) -> &str {
        &self.0.host
    }

    pub fn port(&self) -> u16 {
        self.0.port
    }

    /// The URI tonic connects to.
    pub fn uri(&self, tls: bool) -> String {
        format!("{}://{self}", if tls { "https" } else { "http" })
    }
}

impl fmt::Display for ServerAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A DNS name or a single label: letters, digits, '-', '_' and '.', no empty label.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// PEM material, checked to parse, for tonic's TLS config.
#[derive(Clone)]
pub struct TlsSettings {
    pub ca_pem: Option<Vec<u8>>,
    /// Client certificate and key PEM, for mutual TLS.
    pub identity_pem: Option<(Vec<u8>, Vec<u8>)>,
    pub server_name: Option<String>,
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("ca", &self.ca_pem.is_some())
            .field("mutual", &self.identity_pem.is_some())
            .field("server_name", &self.server_name)
            .finish()
    }
}

/// Vitess static authentication: sent as `username` / `password` metadata on every call.
#[derive(Clone)]
pub struct StaticAuth {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for StaticAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Everything needed to talk to vtctld.
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    /// Empty only when no command that talks to vtctld runs: see [`Self::require_servers`].
    pub servers: Vec<ServerAddr>,
    pub api: Api,
    /// Bound on the whole run.
    pub deadline: Duration,
    /// Bound on one call, never more than the deadline.
    pub attempt_timeout: Duration,
    /// Bound on one connection: name resolution, TCP and TLS.
    pub connect_timeout: Duration,
    pub tls: Option<TlsSettings>,
    pub auth: Option<StaticAuth>,
}

impl ConnectionSettings {
    /// Validates every connection setting and reads the TLS and credentials files they name;
    /// the error lists every problem found.
    pub fn from_args(args: &ConnectionArgs) -> Result<Self> {
        let mut problems = Problems::default();
        let mut servers = Vec::new();
        for raw in &args.servers {
            let Some(text) = problems.text(SERVER, raw) else {
                continue;
            };
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            match ServerAddr::parse(text) {
                Ok(addr) => servers.push(addr),
                Err(e) => problems.push_message(format!("{e:#}")),
            }
        }
        let api = problems.choice(
            API,
            &args.api,
            &[
                ("auto", Api::Auto),
                ("vtctld", Api::Vtctld),
                ("vtctl", Api::Vtctl),
            ],
        );
        let deadline = problems.duration(DEADLINE, &args.deadline, SHORTEST, LONGEST_RUN);
        let attempt_timeout = problems.duration(
            ATTEMPT_TIMEOUT,
            &args.attempt_timeout,
            SHORTEST,
            LONGEST_RUN,
        );
        let connect_timeout = problems.duration(
            CONNECT_TIMEOUT,
            &args.connect_timeout,
            SHORTEST,
            LONGEST_CONNECT,
        );
        let server_name = args.tls_server_name.as_deref().and_then(|raw| {
            let name = problems.text(TLS_SERVER_NAME, raw)?;
            let valid = rustls::pki_types::ServerName::try_from(name).is_ok();
            if !valid {
                problems.push(TLS_SERVER_NAME, raw, "expected a DNS name or an IP address");
            }
            valid.then(|| name.to_owned())
        });
        let tls = match tls_settings(args, server_name) {
            Ok(tls) => tls,
            Err(e) => {
                problems.push_message(format!("{e:#}"));
                None
            }
        };
        let auth = match args
            .auth_static_creds
            .as_deref()
            .map(read_static_auth)
            .transpose()
        {
            Ok(auth) => auth,
            Err(e) => {
                problems.push_message(format!("{e:#}"));
                None
            }
        };
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

/// The deadline alone, when valid: for a run that cannot read the rest of its settings.
pub fn deadline_of(args: &ConnectionArgs) -> Option<Duration> {
    Problems::default().duration(DEADLINE, &args.deadline, SHORTEST, LONGEST_RUN)
}

impl ConnectionSettings {
    /// A command that talks to vtctld needs at least one server.
    pub fn require_servers(&self) -> Result<()> {
        if self.servers.is_empty() {
            bail!("no vtctld server given: set --server HOST:PORT or ORC_VITESS_HOOK_SERVER");
        }
        Ok(())
    }
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

/// TLS material and credentials are small; anything larger is not what it should be.
const MAX_SETTINGS_FILE: u64 = 1024 * 1024;

/// Reads a small regular file. A FIFO, a device or a directory is refused before any read, so a
/// wrong path can neither block the hook nor feed it without end.
fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    if path.as_os_str().is_empty() {
        bail!("{what}: the path is empty; expected a file");
    }
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if !meta.is_file() {
        bail!("{what} {}: not a regular file", path.display());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_SETTINGS_FILE + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if bytes.len() as u64 > MAX_SETTINGS_FILE {
        bail!("{what} {}: larger than 1 MiB", path.display());
    }
    Ok(bytes)
}

fn read_ca(path: &Path) -> Result<Vec<u8>> {
    let pem = read(path, "TLS CA file (--tls-ca)")?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow!("TLS CA file {}: malformed PEM ({e})", path.display()))?;
    if certs.is_empty() {
        bail!(
            "TLS CA file {}: expected PEM certificates, found none",
            path.display()
        );
    }
    Ok(pem)
}

fn read_cert(path: &Path) -> Result<Vec<u8>> {
    let pem = read(path, "TLS certificate file (--tls-cert)")?;
    CertificateDer::from_pem_slice(&pem).map_err(|e| {
        anyhow!(
            "TLS certificate file {}: expected a PEM certificate ({e})",
            path.display()
        )
    })?;
    Ok(pem)
}

fn read_key(path: &Path) -> Result<Vec<u8>> {
    let pem = read(path, "TLS key file (--tls-key)")?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| {
        anyhow!(
            "TLS key file {}: expected a PEM private key ({e})",
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
        bail!("{what}: the path is empty; expected a file");
    }
    let mode = std::fs::metadata(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o006 != 0 {
        bail!(
            "{what} {}: mode {:04o} lets other users read or change it; chmod 600 it",
            path.display(),
            mode & 0o7777
        );
    }
    let bytes = read(path, what)?;
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
                     \"Password\"; {name:?} is missing",
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
    use super::*;

    #[test]
    fn server_addresses() {
        let good = [
            ("vtctld:15999", "vtctld:15999"),
            ("10.0.0.1:15999", "10.0.0.1:15999"),
            ("[::1]:15999", "[::1]:15999"),
            ("vtctld.example.com:1", "vtctld.example.com:1"),
            ("vtctld.example.com.:15999", "vtctld.example.com.:15999"),
            ("vt_ctld-1:15999", "vt_ctld-1:15999"),
            ("[2001:db8::1]:15999", "[2001:db8::1]:15999"),
        ];
        for (text, shown) in good {
            let addr = ServerAddr::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(addr.to_string(), shown);
        }
        assert_eq!(
            ServerAddr::parse("vtctld:15999").unwrap().uri(true),
            "https://vtctld:15999"
        );
        for bad in [
            "vtctld",
            "vtctld:",
            ":15999",
            "vtctld:0",
            "vtctld:65536",
            "vtctld:+1",
            "::1:15999",
            "http://vtctld:15999",
            "vt ctld:15999",
            "vtctld/x:15999",
            "vtctld:15999/path",
            "user@vtctld:15999",
            "vtctld..example:15999",
            "[vtctld]:15999",
            "[::1:15999",
            "vtctld:15999?x",
        ] {
            let err = ServerAddr::parse(bad).expect_err(bad).to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
            assert!(err.contains("HOST:PORT"), "{err}");
        }
    }

    #[test]
    fn static_auth_debug_hides_the_password() {
        let auth = StaticAuth {
            username: "orc".into(),
            password: "s3cret".into(),
        };
        let shown = format!("{auth:?}");
        assert!(
            shown.contains("orc") && !shown.contains("s3cret"),
            "{shown}"
        );
    }
}
