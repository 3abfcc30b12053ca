//! The tool's own settings, validated: vtctld addresses, timeouts, TLS material and static auth.
//!
//! Files are read and checked here, before any connection, so an unreadable or malformed TLS or
//! credentials file is a configuration error (exit 78) naming the file.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::cli::{Api, VtctldArgs};

/// A vtctld gRPC address, `host:port` (IPv6 as `[addr]:port`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAddr {
    host: String,
    port: u16,
}

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
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c == '/') {
            bail!("server {text:?}: {expected}; the host is empty or malformed");
        }
        let port = port
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0 && port.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| anyhow!("server {text:?}: {expected}; the port must be 1-65535"))?;
        Ok(Self {
            host: host.to_owned(),
            port,
        })
    }

    /// The URI tonic connects to.
    pub fn uri(&self, tls: bool) -> String {
        format!("{}://{self}", if tls { "https" } else { "http" })
    }
}

impl fmt::Display for ServerAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
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

#[derive(Debug, Clone)]
pub struct Settings {
    pub servers: Vec<ServerAddr>,
    pub api: Api,
    pub deadline: Duration,
    pub attempt_timeout: Duration,
    pub connect_timeout: Duration,
    pub verify_alias: bool,
    pub tls: Option<TlsSettings>,
    pub auth: Option<StaticAuth>,
}

impl Settings {
    /// Validates the vtctld flags and reads the TLS and credentials files they name.
    pub fn from_args(args: &VtctldArgs) -> Result<Self> {
        let servers = args
            .servers
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(ServerAddr::parse)
            .collect::<Result<Vec<_>>>()?;
        let tls_wanted = args.tls_ca.is_some()
            || args.tls_cert.is_some()
            || args.tls_key.is_some()
            || args.tls_server_name.is_some();
        let tls = if tls_wanted {
            Some(TlsSettings {
                ca_pem: args.tls_ca.as_deref().map(read_ca).transpose()?,
                identity_pem: match (&args.tls_cert, &args.tls_key) {
                    (Some(cert), Some(key)) => Some((read_cert(cert)?, read_key(key)?)),
                    (None, None) => None,
                    _ => bail!("--tls-cert and --tls-key must be given together"),
                },
                server_name: args.tls_server_name.clone(),
            })
        } else {
            None
        };
        let auth = args
            .auth_static_creds
            .as_deref()
            .map(read_static_auth)
            .transpose()?;
        Ok(Self {
            servers,
            api: args.api,
            deadline: args.deadline,
            attempt_timeout: args.attempt_timeout,
            connect_timeout: args.connect_timeout,
            verify_alias: args.verify_alias,
            tls,
            auth,
        })
    }
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

fn read_ca(path: &Path) -> Result<Vec<u8>> {
    let pem = read(path, "TLS CA file")?;
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
    let pem = read(path, "TLS certificate file")?;
    CertificateDer::from_pem_slice(&pem).map_err(|e| {
        anyhow!(
            "TLS certificate file {}: expected a PEM certificate ({e})",
            path.display()
        )
    })?;
    Ok(pem)
}

fn read_key(path: &Path) -> Result<Vec<u8>> {
    let pem = read(path, "TLS key file")?;
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
    let what = "static auth credentials file";
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
