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

use std::cell::RefCell;
use std::io::{BufReader, Read};
use std::marker::PhantomData;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::cli::OrchestratorApiArgs;
use crate::exit::FailureKind;
use crate::settings::{Problems, Setting};

const URL: Setting = Setting::new("--orc-api-url", "ORC_VITESS_HOOK_ORC_API_URL");
const TIMEOUT: Setting = Setting::new("--orc-timeout", "ORC_VITESS_HOOK_ORC_TIMEOUT");

/// Listings of a large fleet are large (Orchestrator writes some 5 kB per instance); a bound
/// keeps a wrong URL from feeding us without end. Listings are read as a stream, so the bound
/// is on bytes read, not on memory.
const MAX_LISTING: u64 = 256 * 1024 * 1024;
/// Every other call answers about one instance or cluster, and is bounded much tighter, since
/// `discover` makes many of them at once.
const MAX_ANSWER: u64 = 1024 * 1024;
/// The longest JSON string an answer may hold (host names, cluster names; GTID sets, the
/// longest Orchestrator sends, stay far below it).
const MAX_STRING: usize = 1024 * 1024;

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

impl ApiError {
    /// Which failing class the error is: Orchestrator out of reach, refusing our credentials,
    /// or answering with an error.
    pub fn kind(&self) -> FailureKind {
        match self {
            Self::Unreachable(_) => FailureKind::Unreachable,
            Self::Http(401 | 403, _) => FailureKind::NotAccepted,
            _ => FailureKind::OrchestratorRefused,
        }
    }
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

    /// `GET <api>/<parts…>?<query>` answered with Orchestrator's envelope: its `Details` read
    /// as `T` (`None` when absent or null), or its `ERROR` as a failure.
    pub fn call<T: DeserializeOwned>(
        &self,
        parts: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Option<T>, ApiError> {
        self.read(parts, query, MAX_ANSWER, Envelope(PhantomData))
    }

    /// `GET <api>/<parts…>` answered with a JSON list (`all-instances`, `clusters-info`): the
    /// elements `keep` accepts, read one at a time from the stream, so that only those are
    /// held; the fields `T` leaves out are skipped unread.
    pub fn list<T: DeserializeOwned>(
        &self,
        parts: &[&str],
        keep: impl FnMut(&T) -> bool,
    ) -> Result<Vec<T>, ApiError> {
        let keep = RefCell::new(keep);
        self.read(
            parts,
            &[],
            MAX_LISTING,
            Listing {
                keep: &keep,
                element: PhantomData,
            },
        )
    }

    /// One call: its answer, at most `limit` bytes, read by `seed` as it streams in.
    fn read<S, O>(
        &self,
        parts: &[&str],
        query: &[(&str, &str)],
        limit: u64,
        seed: S,
    ) -> Result<O, ApiError>
    where
        S: for<'de> DeserializeSeed<'de, Value = Result<O, String>>,
    {
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
            let body = response
                .body_mut()
                .with_config()
                .limit(MAX_ANSWER)
                .read_to_string()
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(limit) => ApiError::Malformed(format!(
                        "an HTTP {status} answer larger than {limit} bytes"
                    )),
                    e => ApiError::Unreachable(e.to_string()),
                })?;
            // Orchestrator answers its `"Code": "ERROR"` with HTTP 500: say its message.
            let refused = Envelope::<IgnoredAny>(PhantomData)
                .deserialize(&mut serde_json::Deserializer::from_str(&body));
            if let Ok(Err(message)) = refused {
                return Err(ApiError::Refused(message));
            }
            let short: String = body.chars().take(200).collect();
            return Err(ApiError::Http(status, short));
        }
        if let Some(length) = response.body().content_length()
            && length > limit
        {
            return Err(ApiError::Malformed(format!(
                "an answer of {length} bytes, more than the {limit} bytes allowed; nothing read"
            )));
        }
        let mut guarded = Guarded::new(response.body_mut().as_reader(), limit);
        let parsed = {
            let mut de = serde_json::Deserializer::from_reader(BufReader::new(&mut guarded));
            seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v))
        };
        match (parsed, guarded.stopped) {
            (_, Some(why)) => Err(ApiError::Malformed(why)),
            (Err(e), None) if e.is_io() => Err(ApiError::Unreachable(e.to_string())),
            (Err(e), None) => Err(ApiError::Malformed(e.to_string())),
            (Ok(Ok(value)), None) => Ok(value),
            (Ok(Err(message)), None) => Err(ApiError::Refused(message)),
        }
    }
}

/// An answer's reader that refuses more than `limit` bytes in all and any JSON string longer
/// than [`MAX_STRING`]: the parser buffers the strings it keeps, so one huge string would cost
/// its size in memory whatever the fields kept.
struct Guarded<R> {
    inner: R,
    left: u64,
    limit: u64,
    in_string: bool,
    escaped: bool,
    string_length: usize,
    /// Why reading stopped, for the message (the parser only sees an I/O error).
    stopped: Option<String>,
}

impl<R> Guarded<R> {
    fn new(inner: R, limit: u64) -> Self {
        Self {
            inner,
            left: limit,
            limit,
            in_string: false,
            escaped: false,
            string_length: 0,
            stopped: None,
        }
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stopped.is_some() {
            return Err(std::io::Error::other("answer refused"));
        }
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            self.stopped = Some(format!(
                "an answer larger than {} bytes, the most allowed",
                self.limit
            ));
            return Err(std::io::Error::other("answer too large"));
        }
        self.left -= n as u64;
        for &byte in &buf[..n] {
            if !self.in_string {
                if byte == b'"' {
                    self.in_string = true;
                    self.string_length = 0;
                }
                continue;
            }
            self.string_length += 1;
            match (self.escaped, byte) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.in_string = false,
                (false, _) => {}
            }
            if self.string_length > MAX_STRING {
                self.stopped = Some(format!(
                    "a string longer than {MAX_STRING} bytes in the answer"
                ));
                return Err(std::io::Error::other("string too long"));
            }
        }
        Ok(n)
    }
}

/// An envelope `{"Code", "Message", "Details"}`: `Details` as `T`, or the `ERROR` message.
struct Envelope<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Envelope<T> {
    type Value = Result<Option<T>, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Envelope<T> {
    type Value = Result<Option<T>, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"an object {"Code", "Message", "Details"}"#)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        read_envelope(map, |map| map.next_value::<Option<T>>())
    }
}

/// Reads an envelope's fields; `details` reads `Details` unless `Code` already said `ERROR`.
fn read_envelope<'de, A: MapAccess<'de>, T>(
    mut map: A,
    mut details: impl FnMut(&mut A) -> Result<Option<T>, A::Error>,
) -> Result<Result<Option<T>, String>, A::Error> {
    let (mut code, mut message, mut kept) = (None::<String>, None::<String>, None);
    while let Some(key) = map.next_key::<String>()? {
        match key.as_str() {
            "Code" => code = map.next_value()?,
            "Message" => message = map.next_value()?,
            "Details" if code.as_deref() != Some("ERROR") => kept = details(&mut map)?,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    match code.as_deref() {
        Some("OK") => Ok(Ok(kept)),
        Some(_) => Ok(Err(message.unwrap_or_else(|| "(no message)".to_owned()))),
        None => Err(serde::de::Error::custom(
            "an object without Orchestrator's \"Code\"",
        )),
    }
}

/// A JSON list whose elements are read one at a time, keeping those `keep` accepts; or an
/// envelope with Orchestrator's `ERROR`.
struct Listing<'k, T, F> {
    keep: &'k RefCell<F>,
    element: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>, F: FnMut(&T) -> bool> DeserializeSeed<'de> for Listing<'_, T, F> {
    type Value = Result<Vec<T>, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(&T) -> bool> Visitor<'de> for Listing<'_, T, F> {
    type Value = Result<Vec<T>, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut kept = Vec::new();
        let mut keep = self.keep.borrow_mut();
        while let Some(element) = seq.next_element::<T>()? {
            if keep(&element) {
                kept.push(element);
            }
        }
        Ok(Ok(kept))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        match read_envelope(map, |map| {
            map.next_value::<IgnoredAny>().map(|_| None::<()>)
        })? {
            Err(message) => Ok(Err(message)),
            Ok(_) => Err(serde::de::Error::custom(
                "an object where a list was expected",
            )),
        }
    }
}

/// `Key` of Orchestrator's instance.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InstanceKey {
    #[serde(rename = "Hostname")]
    pub hostname: String,
    #[serde(rename = "Port")]
    pub port: i64,
}

impl InstanceKey {
    /// `(host, port)`, when the port is one.
    pub fn endpoint(&self) -> Option<(String, u16)> {
        let port = u16::try_from(self.port).ok().filter(|p| *p != 0)?;
        (!self.hostname.is_empty()).then(|| (self.hostname.clone(), port))
    }
}

/// Go's `sql.NullInt64` as `encoding/json` writes it.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct NullInt64 {
    #[serde(rename = "Int64")]
    pub int64: i64,
    #[serde(rename = "Valid")]
    pub valid: bool,
}

/// What the tool reads of Orchestrator's instance (`discover`, `all-instances`); every other
/// field is skipped unread. Orchestrator's `go/inst/instance.go` names them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Instance {
    #[serde(rename = "Key")]
    pub key: Option<InstanceKey>,
    #[serde(rename = "ClusterName")]
    pub cluster_name: Option<String>,
    /// Orchestrator's last check of the instance reached it (`last_checked <= last_seen`).
    #[serde(rename = "IsLastCheckValid")]
    pub is_last_check_valid: Option<bool>,
    /// Seconds since Orchestrator last reached it; not valid when it never did.
    #[serde(rename = "SecondsSinceLastSeen")]
    pub seconds_since_last_seen: Option<NullInt64>,
}

/// One cluster of `clusters-info`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Cluster {
    #[serde(rename = "ClusterName")]
    pub cluster_name: String,
    #[serde(rename = "ClusterAlias")]
    pub cluster_alias: String,
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
    use super::*;

    /// Reads `body` as `list` reads an answer.
    fn listed(body: &[u8], limit: u64) -> (Result<Vec<Instance>, String>, Option<String>) {
        let mut guarded = Guarded::new(body, limit);
        let keep = RefCell::new(|_: &Instance| true);
        let parsed = {
            let mut de = serde_json::Deserializer::from_reader(BufReader::new(&mut guarded));
            Listing {
                keep: &keep,
                element: PhantomData,
            }
            .deserialize(&mut de)
            .map_err(|e| e.to_string())
            .and_then(|v| v)
        };
        (parsed, guarded.stopped)
    }

    #[test]
    fn listings_keep_the_fields_used_and_refuse_what_is_too_big() {
        let body = br#"[{"Key":{"Hostname":"db1","Port":3306},"ClusterName":"db1:3306","Problems":["a \" b"],"IsLastCheckValid":false,"SecondsSinceLastSeen":{"Int64":700,"Valid":true}}]"#;
        let (parsed, stopped) = listed(body, 1 << 20);
        assert_eq!(stopped, None);
        let instances = parsed.unwrap();
        assert_eq!(
            instances[0].key.as_ref().and_then(InstanceKey::endpoint),
            Some(("db1".to_owned(), 3306))
        );
        assert_eq!(instances[0].is_last_check_valid, Some(false));
        assert_eq!(
            instances[0].seconds_since_last_seen.map(|s| s.int64),
            Some(700)
        );

        let (parsed, stopped) = listed(body, 20);
        assert!(parsed.is_err());
        assert_eq!(
            stopped.as_deref(),
            Some("an answer larger than 20 bytes, the most allowed")
        );

        let long = format!(r#"[{{"ClusterName":"{}"}}]"#, "x".repeat(MAX_STRING + 1));
        let (parsed, stopped) = listed(long.as_bytes(), 1 << 30);
        assert!(parsed.is_err());
        assert_eq!(
            stopped.as_deref(),
            Some("a string longer than 1048576 bytes in the answer")
        );

        let refused = br#"{"Code":"ERROR","Message":"no backend","Details":null}"#;
        assert_eq!(listed(refused, 1 << 20).0.unwrap_err(), "no backend");
    }

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
