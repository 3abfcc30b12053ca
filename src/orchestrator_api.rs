//! Orchestrator's HTTP API: the settings to reach it (URL, timeout, basic auth, TLS CA) and one
//! call, `GET <api>/<part>/<part>…`, with the path parts escaped and joined onto the API root's
//! path. Orchestrator answers `{"Code": "OK"|"ERROR", "Message": …, "Details": …}` with HTTP
//! 200 in both cases (an `ERROR` is a failure), or plain JSON for listings such as
//! `all-instances`.

use std::ffi::OsStr;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::cli::OrchestratorApiArgs;
use crate::settings::{Problems, Setting};

const URL: Setting = Setting::new("--orc-api-url", "ORC_VITESS_HOOK_ORC_API_URL");
const TIMEOUT: Setting = Setting::new("--orc-timeout", "ORC_VITESS_HOOK_ORC_TIMEOUT");

/// Listings of a large fleet are large; a bound keeps a wrong URL from feeding us without end.
const MAX_LISTING: u64 = 256 * 1024 * 1024;
/// The calls that answer listings; every other call answers about one instance or cluster, and
/// is bounded much tighter, since `discover` makes many of them at once.
const LISTINGS: &[&str] = &["all-instances", "clusters-info", "clusters", "cluster"];
const MAX_ANSWER: u64 = 1024 * 1024;

/// What stays unescaped in a path part: RFC 3986's unreserved characters, and ':' (a cluster
/// name is `host:port`; a path segment may hold it).
const PATH_PART: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':');

/// A client of one Orchestrator's API.
pub struct OrchestratorApi {
    root: String,
    agent: ureq::Agent,
    /// `Basic …`, never printed.
    authorization: Option<String>,
}

impl fmt::Debug for OrchestratorApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrchestratorApi")
            .field("root", &self.root)
            .field("basic_auth", &self.authorization.is_some())
            .finish_non_exhaustive()
    }
}

/// Why a call failed.
#[derive(Debug)]
pub enum ApiError {
    /// No answer: refused, unresolvable, timed out, TLS.
    Unreachable(String),
    /// An HTTP error status (401/403 among them).
    Http(u16, String),
    /// `"Code": "ERROR"` (Orchestrator sends it with HTTP 500; some versions with 200).
    Refused(String),
    /// Not the JSON Orchestrator answers.
    Malformed(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable(e) => write!(f, "no answer: {e}"),
            Self::Http(status, body) => write!(f, "HTTP {status}: {body}"),
            Self::Refused(message) => write!(f, "Orchestrator answered ERROR: {message}"),
            Self::Malformed(e) => write!(f, "not Orchestrator's JSON: {e}"),
        }
    }
}

impl OrchestratorApi {
    /// Validates the API settings; `None` when no URL is given.
    pub fn from_args(args: &OrchestratorApiArgs, problems: &mut Problems) -> Option<Self> {
        let raw = args.orc_api_url.as_deref()?;
        let url = problems.text(URL, raw)?.trim().to_owned();
        let host = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""))
            .map(|authority| authority.rsplit('@').next().unwrap_or(""));
        let valid_host = host.is_some_and(|h| {
            !h.is_empty()
                && !h.starts_with(':')
                && (!h.starts_with('[') || h.contains(']'))
                && !h.chars().any(char::is_whitespace)
        });
        if !valid_host {
            problems.push(
                URL,
                OsStr::new(&without_password(&url)),
                "expected an http:// or https:// URL with a host, like http://orchestrator:3000/api/",
            );
            return None;
        }
        let timeout = problems.duration(
            TIMEOUT,
            &args.orc_timeout,
            Duration::from_millis(10),
            Duration::from_secs(3600),
        )?;
        let built = Self::new(&url, timeout, args, problems);
        match built {
            Ok(api) => Some(api),
            Err(e) => {
                problems.push_message(format!("{e:#}"));
                None
            }
        }
    }

    fn new(
        url: &str,
        timeout: Duration,
        args: &OrchestratorApiArgs,
        problems: &mut Problems,
    ) -> Result<Self> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(ca) = &args.orc_api_tls_ca {
            let pem = read_small(ca, "Orchestrator API CA file (--orc-api-tls-ca)")?;
            let certs = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(cert)) => Some(Ok(cert)),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| anyhow!("Orchestrator API CA file {}: {e}", ca.display()))?;
            if certs.is_empty() {
                bail!(
                    "Orchestrator API CA file {}: no PEM certificate",
                    ca.display()
                );
            }
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)));
        }
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .timeout_global(Some(timeout))
                .http_status_as_error(false)
                // A redirect would drop the basic auth; Orchestrator's API does not redirect, so
                // one means a wrong URL, which is better said than followed.
                .max_redirects(0)
                .tls_config(tls.build())
                .build(),
        );
        let authorization = match &args.orc_api_user {
            None => None,
            Some(user) => {
                let user = problems
                    .text(
                        Setting::new("--orc-api-user", "ORC_VITESS_HOOK_ORC_API_USER"),
                        user,
                    )
                    .unwrap_or_default()
                    .to_owned();
                let password = password(args)?;
                let token =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                Some(format!("Basic {token}"))
            }
        };
        let mut root = url.to_owned();
        if !root.ends_with('/') {
            root.push('/');
        }
        Ok(Self {
            root,
            agent,
            authorization,
        })
    }

    /// The API root as it may be shown: any `user:password@` left out.
    pub fn root(&self) -> String {
        without_password(&self.root)
    }

    /// `GET <api>/<parts…>?<query>`: the answer's JSON, `Details` for a `Code` answer.
    pub fn get(&self, parts: &[&str], query: &[(&str, &str)]) -> Result<Value, ApiError> {
        let mut url = self.root.clone();
        // "." and ".." are escaped too: a proxy that normalises paths would otherwise remove them.
        let escaped: Vec<String> = parts
            .iter()
            .map(|p| match *p {
                "." => "%2E".to_owned(),
                ".." => "%2E%2E".to_owned(),
                p => utf8_percent_encode(p, PATH_PART).to_string(),
            })
            .collect();
        url.push_str(&escaped.join("/"));
        for (i, (key, value)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&utf8_percent_encode(key, PATH_PART).to_string());
            url.push('=');
            url.push_str(&utf8_percent_encode(value, PATH_PART).to_string());
        }
        let mut request = self.agent.get(&url);
        if let Some(authorization) = &self.authorization {
            request = request.header("Authorization", authorization);
        }
        let mut response = request
            .call()
            .map_err(|e| ApiError::Unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(if parts.first().is_some_and(|p| LISTINGS.contains(p)) {
                MAX_LISTING
            } else {
                MAX_ANSWER
            })
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(limit) => {
                    ApiError::Malformed(format!("an answer larger than {limit} bytes"))
                }
                e => ApiError::Unreachable(e.to_string()),
            })?;
        if (300..400).contains(&status) {
            let to = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("elsewhere")
                .to_owned();
            return Err(ApiError::Http(
                status,
                format!("redirected to {to}; give that URL"),
            ));
        }
        if status != 200 {
            // Orchestrator answers its `"Code": "ERROR"` with HTTP 500: say its message.
            if let Some(message) = serde_json::from_str::<Value>(&body)
                .ok()
                .filter(|a| a.get("Code").and_then(Value::as_str) == Some("ERROR"))
                .and_then(|a| a.get("Message").and_then(Value::as_str).map(str::to_owned))
            {
                return Err(ApiError::Refused(message));
            }
            let short: String = body.chars().take(200).collect();
            return Err(ApiError::Http(status, short));
        }
        let answer: Value =
            serde_json::from_str(&body).map_err(|e| ApiError::Malformed(e.to_string()))?;
        match answer.get("Code").and_then(Value::as_str) {
            Some("OK") => Ok(answer.get("Details").cloned().unwrap_or(Value::Null)),
            Some(_) => Err(ApiError::Refused(
                answer
                    .get("Message")
                    .and_then(Value::as_str)
                    .unwrap_or("(no message)")
                    .to_owned(),
            )),
            None => Ok(answer),
        }
    }
}

/// The basic-auth password: from the file, else the variable; never printed.
fn password(args: &OrchestratorApiArgs) -> Result<String> {
    if let Some(file) = &args.orc_api_password_file {
        let bytes = read_small(
            file,
            "Orchestrator API password file (--orc-api-password-file)",
        )?;
        let text = String::from_utf8(bytes).map_err(|_| {
            anyhow!(
                "Orchestrator API password file {}: not UTF-8",
                file.display()
            )
        })?;
        return Ok(text.trim_end_matches(['\n', '\r']).to_owned());
    }
    std::env::var("ORC_VITESS_HOOK_ORC_API_PASSWORD").map_err(|_| {
        anyhow!(
            "--orc-api-user needs a password: --orc-api-password-file or \
             ORC_VITESS_HOOK_ORC_API_PASSWORD"
        )
    })
}

fn read_small(path: &Path, what: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if !meta.is_file() || meta.len() > 1024 * 1024 {
        bail!("{what} {}: expected a small regular file", path.display());
    }
    std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

/// The `host:port` keys of the instances an `all-instances` answer lists; `None` when the
/// answer is not a list.
pub fn instance_keys(answer: &Value) -> Option<Vec<(String, u16)>> {
    answer.as_array().map(|instances| {
        instances
            .iter()
            .filter_map(|i| {
                let key = i.get("Key")?;
                let host = key.get("Hostname")?.as_str()?.to_owned();
                let port = u16::try_from(key.get("Port")?.as_u64()?).ok()?;
                Some((host, port))
            })
            .collect()
    })
}

/// `url` with everything before its last `@` (after the scheme) left out, for messages: a
/// password never shows, whatever it holds and however malformed the URL is.
fn without_password(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    match rest.rsplit_once('@') {
        Some((_, after)) => format!("{scheme}…@{after}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn no_password_survives_in_a_message() {
        for (url, shown) in [
            ("http://orc:3000/api/", "http://orc:3000/api/"),
            ("http://admin:pw@orc:3000/api/", "http://…@orc:3000/api/"),
            ("https://admin:p/w@x@orc/api/", "https://…@orc/api/"),
            ("admin:pw@orc:3000/api", "…@orc:3000/api"),
            ("ftp://a:pw@/api/", "ftp://…@/api/"),
        ] {
            assert_eq!(without_password(url), shown);
        }
    }
}
