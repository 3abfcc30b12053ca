//! `--metrics-listen`: `/metrics` and `/healthz` over HTTP/1.1, served by hyper (already in the
//! tree through tonic) on a thread of its own, so a slow scrape never delays a pass and a long
//! pass never delays a scrape.

use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use prometheus_client::encoding::{prometheus_text, text};

use super::daemon::DaemonMetrics;

/// OpenMetrics' content type, for a scraper that asks for it.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A client that has not sent its request's headers by then is dropped.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections served at once; more are closed at once, so a flood of idle connections can
/// neither take the file descriptors the passes need nor keep a scraper out for long.
const MAX_CONNECTIONS: usize = 32;

/// Binds `address` now (so a port in use fails the start, not a later scrape) and serves
/// `metrics` on a background thread for the rest of the process. Returns the bound address.
pub fn serve(address: SocketAddr, metrics: Arc<DaemonMetrics>) -> Result<SocketAddr> {
    let listener = TcpListener::bind(address)
        .with_context(|| format!("--metrics-listen {address}: cannot listen"))?;
    let bound = listener
        .local_addr()
        .context("--metrics-listen: no local address")?;
    listener
        .set_nonblocking(true)
        .context("--metrics-listen: cannot make the socket non-blocking")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .context("--metrics-listen: cannot start the server's runtime")?;
    std::thread::Builder::new()
        .name("metrics".into())
        .spawn(move || runtime.block_on(accept(listener, metrics)))
        .context("--metrics-listen: cannot start the server's thread")?;
    Ok(bound)
}

async fn accept(listener: TcpListener, metrics: Arc<DaemonMetrics>) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => {
            crate::output::err(&format!("error: --metrics-listen: {e}"));
            return;
        }
    };
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: wait a little rather than spin.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let service = service_fn(move |request| {
                let metrics = metrics.clone();
                async move { Ok::<_, Infallible>(answer(&request, &metrics)) }
            });
            // A client that breaks off is its own business.
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The answer to one request.
fn answer(request: &Request<Incoming>, metrics: &DaemonMetrics) -> Response<Full<Bytes>> {
    // Several Accept lines are one list of media ranges (RFC 9110, 5.3).
    let accept: Vec<&str> = request
        .headers()
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    respond(
        request.method(),
        request.uri().path(),
        &accept.join(","),
        metrics,
    )
}

/// The answer to `method path`, by what the client accepts.
fn respond(
    method: &Method,
    path: &str,
    accept: &str,
    metrics: &DaemonMetrics,
) -> Response<Full<Bytes>> {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n".into());
    }
    match path {
        "/metrics" => exposition(accept, metrics),
        "/healthz" => {
            let (healthy, text) = metrics.health();
            if healthy {
                plain(StatusCode::OK, format!("ok: {text}\n"))
            } else {
                plain(StatusCode::SERVICE_UNAVAILABLE, format!("stale: {text}\n"))
            }
        }
        _ => plain(
            StatusCode::NOT_FOUND,
            format!("{path}: not found; try /metrics or /healthz\n"),
        ),
    }
}

/// Whether `accept` asks for OpenMetrics: a media range naming it without `q=0` (media types
/// and the `q` weight's name in any case, as HTTP has them).
pub(crate) fn wants_openmetrics(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let named = parts
            .next()
            .is_some_and(|media| media.eq_ignore_ascii_case("application/openmetrics-text"));
        let refused = parts.any(|param| {
            param.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("q") && v.trim().parse::<f64>() == Ok(0.0)
            })
        });
        named && !refused
    })
}

/// The registry in OpenMetrics when the scraper asks for it, else in Prometheus's text format.
fn exposition(accept: &str, metrics: &DaemonMetrics) -> Response<Full<Bytes>> {
    let openmetrics = wants_openmetrics(accept);
    let mut body = String::new();
    let encoded = if openmetrics {
        text::encode(&mut body, metrics.registry())
    } else {
        prometheus_text::encode(&mut body, metrics.registry())
    };
    if encoded.is_err() {
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the metrics could not be encoded\n".into(),
        );
    }
    let content_type = if openmetrics {
        OPENMETRICS
    } else {
        prometheus_text::CONTENT_TYPE
    };
    with_type(StatusCode::OK, body, content_type)
}

fn plain(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    with_type(status, body, "text/plain; charset=utf-8")
}

fn with_type(
    status: StatusCode,
    body: String,
    content_type: &'static str,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::wants_openmetrics;

    #[test]
    fn openmetrics_only_when_asked_for() {
        // Prometheus's own Accept header.
        assert!(wants_openmetrics(
            "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1"
        ));
        assert!(wants_openmetrics("APPLICATION/OpenMetrics-Text"));
        assert!(!wants_openmetrics(
            "application/openmetrics-text;q=0, text/plain"
        ));
        assert!(!wants_openmetrics("APPLICATION/OPENMETRICS-TEXT; Q=0.000"));
        assert!(!wants_openmetrics("text/plain"));
        assert!(!wants_openmetrics(""));
    }
}
