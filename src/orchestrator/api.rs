//! One Orchestrator API client: `GET <api>/<part>/<part>…`, with the path parts escaped and
//! joined onto the API root's path, its answer streamed and capped. Orchestrator answers
//! `{"Code": "OK"|"ERROR", "Message": …, "Details": …}` with HTTP 200 or 500 (an `ERROR` is a
//! failure), or plain JSON for listings such as `all-instances`.

use std::cell::RefCell;
use std::fmt;
use std::io::{BufReader, Read};
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny};

use super::answer::{Envelope, Guarded, Listing, Plain};
use crate::exit::FailureKind;

/// Listings of a large fleet are large (Orchestrator writes some 5 kB per instance); a bound
/// keeps a wrong URL from feeding us without end. Listings are read as a stream, so the bound
/// is on bytes read, not on memory.
const MAX_LISTING: u64 = 256 * 1024 * 1024;
/// Every other call answers about one instance or cluster, and is bounded much tighter, since
/// `discover` makes many of them at once.
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
    timeout: Duration,
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
    /// A client of the API at `url`: every call bounded by `timeout`, TLS trusting `ca` (the
    /// system's roots when `None`), `authorization` sent with every call.
    pub fn new(
        url: &str,
        timeout: Duration,
        ca: Option<Vec<ureq::tls::Certificate<'static>>>,
        authorization: Option<String>,
    ) -> Self {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(certs) = ca {
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
        let mut root = url.to_owned();
        if !root.ends_with('/') {
            root.push('/');
        }
        Self {
            root,
            agent,
            authorization,
            timeout,
        }
    }

    /// How long one call may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
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

    /// `GET <api>/<parts…>` answered with one plain JSON value (`master/<cluster>`), or
    /// Orchestrator's `ERROR`.
    pub fn get<T: DeserializeOwned>(&self, parts: &[&str]) -> Result<T, ApiError> {
        self.read(parts, &[], MAX_ANSWER, Plain(PhantomData))
    }

    /// Whether this node leads (`leader-check`: HTTP 200 on the raft leader or the active
    /// node of a shared backend, 404 `"Not leader"` elsewhere; any other answer is an error).
    /// Only the leader runs recoveries.
    pub fn is_leader(&self) -> Result<bool, ApiError> {
        match self.get::<String>(&["leader-check"]) {
            Ok(answer) if answer == "OK" => Ok(true),
            Ok(other) => Err(ApiError::Malformed(format!(
                "leader-check answered {other:?} with HTTP 200, not \"OK\""
            ))),
            // Only Orchestrator's own answer: a 404 of a wrong URL or a proxy is no standby.
            Err(ApiError::Http(404, body)) if body.trim() == "\"Not leader\"" => Ok(false),
            Err(e) => Err(e),
        }
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
        let url = self.url(parts, query);
        let mut request = self.agent.get(&url);
        if let Some(authorization) = &self.authorization {
            request = request.header("Authorization", authorization);
        }
        let mut response = request
            .call()
            .map_err(|e| ApiError::Unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(failed(status, &mut response));
        }
        if let Some(length) = response.body().content_length()
            && length > limit
        {
            return Err(ApiError::Malformed(format!(
                "an answer of {length} bytes, more than the {limit} bytes allowed; nothing read"
            )));
        }
        decode(response.body_mut().as_reader(), limit, seed)
    }

    /// `<api>/<parts…>?<query>`, every part escaped. "." and ".." are escaped too: a proxy that
    /// normalises paths would otherwise remove them.
    fn url(&self, parts: &[&str], query: &[(&str, &str)]) -> String {
        let mut url = self.root.clone();
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
        url
    }
}

/// An HTTP 200 answer's body, at most `limit` bytes, read by `seed` as it streams in.
fn decode<S, O>(body: impl Read, limit: u64, seed: S) -> Result<O, ApiError>
where
    S: for<'de> DeserializeSeed<'de, Value = Result<O, String>>,
{
    let mut guarded = Guarded::new(body, limit);
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

/// An HTTP 200 answer's body read as [`OrchestratorApi::call`] reads it (for the fuzz targets).
pub(crate) fn decode_call<T: DeserializeOwned>(body: impl Read) -> Result<Option<T>, ApiError> {
    decode(body, MAX_ANSWER, Envelope(PhantomData))
}

/// An HTTP 200 answer's body read as [`OrchestratorApi::list`] reads it (for the fuzz targets).
pub(crate) fn decode_list<T: DeserializeOwned>(
    body: impl Read,
    keep: impl FnMut(&T) -> bool,
) -> Result<Vec<T>, ApiError> {
    let keep = RefCell::new(keep);
    let seed = Listing {
        keep: &keep,
        element: PhantomData,
    };
    decode(body, MAX_LISTING, seed)
}

/// An HTTP 200 answer's body read as [`OrchestratorApi::get`] reads it (for the fuzz targets).
pub(crate) fn decode_get<T: DeserializeOwned>(body: impl Read) -> Result<T, ApiError> {
    decode(body, MAX_ANSWER, Plain(PhantomData))
}

/// Why an answer other than HTTP 200 failed: a redirect (never followed), Orchestrator's
/// `ERROR` (sent with HTTP 500) with its message, or the status and the start of the body.
fn failed(status: u16, response: &mut ureq::http::Response<ureq::Body>) -> ApiError {
    if (300..400).contains(&status) {
        let to = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("elsewhere")
            .to_owned();
        return ApiError::Http(status, format!("redirected to {to}; give that URL"));
    }
    let body = match response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_string()
    {
        Ok(body) => body,
        Err(ureq::Error::BodyExceedsLimit(limit)) => {
            return ApiError::Malformed(format!(
                "an HTTP {status} answer larger than {limit} bytes"
            ));
        }
        Err(e) => return ApiError::Unreachable(e.to_string()),
    };
    refused_or_http(status, &body)
}

/// An error answer's body (at most [`MAX_ANSWER`] bytes): Orchestrator's `ERROR` with its
/// message, or the status and the start of the body.
pub(crate) fn refused_or_http(status: u16, body: &str) -> ApiError {
    // Orchestrator answers its `"Code": "ERROR"` with HTTP 500: say its message.
    let refused = Envelope::<IgnoredAny>(PhantomData)
        .deserialize(&mut serde_json::Deserializer::from_str(body));
    if let Ok(Err(message)) = refused {
        return ApiError::Refused(message);
    }
    ApiError::Http(status, body.chars().take(200).collect())
}

/// `url` with everything before its last `@` (after the scheme) left out, for messages: a
/// password never shows, whatever it holds and however malformed the URL is.
pub(crate) fn without_password(url: &str) -> String {
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

    /// Pinned from the orchestrator fuzz target: what an answer holds beyond the fields kept is
    /// skipped unread, so bytes that are not UTF-8 or a number no float holds there fail
    /// nothing; in a field kept, they do.
    #[test]
    fn fields_not_kept_are_skipped_unread() {
        let body = b"{\"Code\": \"OK\", \"Mgge\": 889.8E88888, \"M\": \"db9:\xb6\"}";
        assert!(matches!(decode_call::<IgnoredAny>(&body[..]), Ok(None)));
        let listing = b"[{\"ClusterName\": \"db9:\xb6\"}]";
        let read = decode_list::<crate::orchestrator::Cluster>(&listing[..], |_| true);
        assert!(matches!(read, Err(ApiError::Malformed(_))), "{read:?}");
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
