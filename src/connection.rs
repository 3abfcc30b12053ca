//! How to reach vtctld, as validated types: addresses, API, timeouts, TLS material and static
//! auth. Shared by every command that talks to vtctld; `config::connection` builds them from the
//! settings.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use anyhow::{Result, anyhow, bail};

use crate::endpoint::HostPort;

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
            Some(inner) => inner.strip_suffix(']').ok_or_else(|| {
                let missing = if text.ends_with(']') {
                    "the port is missing after ']'"
                } else {
                    "an IPv6 address as [addr]:port"
                };
                anyhow!("server {text:?}: {expected} ({missing})")
            })?,
            None if host.contains(':') => {
                bail!("server {text:?}: {expected} (an IPv6 address as [addr]:port)")
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
                "server {text:?}: {expected} (the host a name, an IPv4 address or an \
                 [IPv6] address)"
            );
        }
        let port = port
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0 && port.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| anyhow!("server {text:?}: {expected} (the port 1-65535)"))?;
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
    /// A command that talks to vtctld needs at least one server.
    pub fn require_servers(&self) -> Result<()> {
        if self.servers.is_empty() {
            bail!("no vtctld server given: set --server HOST:PORT or ORC_VITESS_HOOK_SERVER");
        }
        Ok(())
    }
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
            "[::1]",
            "vtctld:15999?x",
        ] {
            let err = ServerAddr::parse(bad).expect_err(bad).to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
            if bad.starts_with("[::1]") {
                assert!(err.contains("the port is missing"), "{err}");
            }
            assert!(err.contains("HOST:PORT"), "{err}");
            // One problem among a run's others, which "; " separates (the daemons fuzz target).
            assert!(!err.contains("; "), "{err}");
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
