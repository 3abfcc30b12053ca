//! Why one attempt failed (`CallError`): tonic's and rustls's errors read into a connection
//! failure, a handshake mismatch, a refused TLS handshake, a timeout or vtctld's own status,
//! and each printed as the record and the messages say it. It never connects or retries.

use std::time::Duration;

use tonic::{Code, Status};

use super::diagnose::Mismatch;
use crate::connection::ServerAddr;

/// Why one attempt failed.
#[derive(Debug)]
pub enum CallError {
    /// The server was never reached (refused, unresolvable, connect timeout, broken connection).
    Connect(String),
    /// The connection failed the way a plain text/TLS mismatch or a missing client certificate
    /// makes it fail; the text is what the transport said.
    Handshake(Mismatch, String),
    /// The TLS handshake or certificate was refused: wrong CA, name or client certificate.
    Tls(String),
    /// The attempt's time ran out.
    Timeout(Duration),
    Status(Status),
    /// The server answered something that is not what the call returns (a legacy listing with
    /// a line that is no tablet).
    Unreadable(String),
}

impl CallError {
    /// The attempt's status as the record shows it.
    pub fn label(&self) -> String {
        match self {
            Self::Connect(_) => "CONNECT_ERROR".into(),
            Self::Handshake(Mismatch::ClientCertificateRefused, _) | Self::Tls(_) => {
                "TLS_ERROR".into()
            }
            Self::Handshake(..) => "CONNECT_ERROR".into(),
            Self::Timeout(_) => "TIMEOUT".into(),
            Self::Status(status) => code_name(status.code()).into(),
            Self::Unreadable(_) => "UNREADABLE_ANSWER".into(),
        }
    }

    pub fn describe(&self, server: &ServerAddr) -> String {
        match self {
            Self::Connect(e) => format!("cannot connect to {server}: {e}"),
            Self::Handshake(Mismatch::ServerSpeaksTls, e) => format!(
                "{server} speaks TLS (it answered with {e}) but no --tls-ca/--vtctld-grpc-ca \
                 was given"
            ),
            Self::Handshake(Mismatch::ServerSpeaksPlainText, e) => {
                format!("{server} answered in plain text but TLS is configured ({e})")
            }
            Self::Handshake(Mismatch::ClientCertificateRefused, e) => format!(
                "{server} refused the TLS handshake ({e}): it requires a client certificate it \
                 accepts (--tls-cert/--tls-key, --vtctld-grpc-cert/--vtctld-grpc-key)"
            ),
            Self::Tls(e) => format!("TLS with {server} failed: {e}"),
            Self::Timeout(t) => format!("{server} did not answer within {} ms", millis(*t)),
            Self::Status(s) => {
                format!("{server} answered {}: {}", code_name(s.code()), s.message())
            }
            Self::Unreadable(e) => format!("{server} answered something unreadable: {e}"),
        }
    }

    /// tonic enforces the `grpc-timeout` it sends and reports its own expiry as CANCELLED
    /// ("Timeout expired"); that is this attempt timing out, not vtctld cancelling anything.
    pub fn local_timeout_as_timeout(self, budget: Duration) -> Self {
        match self {
            Self::Status(status)
                if status.code() == Code::Cancelled
                    && status.message() == tonic::TimeoutExpired(()).to_string() =>
            {
                Self::Timeout(budget)
            }
            Self::Timeout(_) => Self::Timeout(budget),
            other => other,
        }
    }
}

/// gRPC status codes as Vitess and grpc-go print them.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// A duration in whole milliseconds, as records and messages give it.
pub fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Tells a refused TLS handshake from a plain connection failure. A server that does not speak
/// TLS at all (plain text vtctld) answers bytes that are no TLS record: that is a connection
/// problem, not a refusal of our certificate.
pub(super) fn connect_error(error: &tonic::transport::Error) -> CallError {
    match tls_failure(error) {
        Some(TlsFailure::NotTls(e)) => CallError::Handshake(Mismatch::ServerSpeaksPlainText, e),
        Some(TlsFailure::Refused(e)) => CallError::Tls(e),
        None => {
            let innermost =
                std::iter::successors(Some(error as &(dyn std::error::Error + 'static)), |e| {
                    e.source()
                })
                .last()
                .map_or_else(|| error.to_string(), ToString::to_string);
            CallError::Connect(innermost)
        }
    }
}

/// A status caused by a TLS failure is a TLS failure too; one tonic made from a transport error
/// (the connection broke, HTTP/2 could not be spoken) is a connection failure, or a handshake
/// mismatch where the transport's words say which (see [`mismatch`]). Only a status vtctld
/// itself sent stays a status.
pub(super) fn status_error(status: Status, plain_text: bool) -> CallError {
    use std::error::Error;
    if let Some((found, words)) = status.source().and_then(|c| mismatch(c, plain_text)) {
        return CallError::Handshake(found, words);
    }
    match tls_failure(&status) {
        Some(TlsFailure::Refused(e)) => CallError::Tls(e),
        Some(TlsFailure::NotTls(e)) => CallError::Handshake(Mismatch::ServerSpeaksPlainText, e),
        None => match status.source() {
            // tonic's own expiry of the attempt's timeout: `local_timeout_as_timeout` takes it.
            Some(cause)
                if std::iter::successors(Some(cause), |e| (*e).source())
                    .any(|e| e.is::<tonic::TimeoutExpired>()) =>
            {
                CallError::Timeout(Duration::ZERO)
            }
            Some(cause) => CallError::Connect(format!(
                "{}: {} ({cause})",
                code_name(status.code()),
                status.message()
            )),
            None => CallError::Status(status),
        },
    }
}

/// What hyper and tokio-rustls report, as text, when a handshake cannot succeed as configured:
/// a plain-text client reads a TLS server's alert record (rustls sends one; Go's TLS closes the
/// connection without a word) as an HTTP/2 frame header whose length is beyond any frame's
/// ("frame with invalid size"); a TLS 1.3 client learns that its
/// certificate was wanted or refused only from the alert that ends the connection after the
/// handshake ("received fatal alert: CertificateRequired"), which tokio-rustls passes on as
/// text. tests/it/tls.rs pins both against a real TLS server.
fn mismatch(
    cause: &(dyn std::error::Error + 'static),
    plain_text: bool,
) -> Option<(Mismatch, String)> {
    std::iter::successors(Some(cause), |e| e.source()).find_map(|e| {
        let words = e.to_string();
        if plain_text && words.contains("frame with invalid size") {
            Some((
                Mismatch::ServerSpeaksTls,
                format!("no HTTP/2 frame ({words})"),
            ))
        } else if !plain_text && words.starts_with("received fatal alert") {
            Some((Mismatch::ClientCertificateRefused, words))
        } else {
            None
        }
    })
}

enum TlsFailure {
    NotTls(String),
    Refused(String),
}

/// The rustls error somewhere in `error`'s source chain (io::Error hides it behind `get_ref`).
fn tls_failure(error: &(dyn std::error::Error + 'static)) -> Option<TlsFailure> {
    std::iter::successors(Some(error), |e| e.source()).find_map(|current| {
        current
            .downcast_ref::<rustls::Error>()
            .or_else(|| {
                current
                    .downcast_ref::<std::io::Error>()
                    .and_then(|io| io.get_ref())
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            })
            .map(|e| match e {
                rustls::Error::InvalidMessage(_) => TlsFailure::NotTls(e.to_string()),
                _ => TlsFailure::Refused(e.to_string()),
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_timeouts_are_timeouts() {
        let local = CallError::Status(Status::cancelled(tonic::TimeoutExpired(()).to_string()));
        assert!(matches!(
            local.local_timeout_as_timeout(Duration::from_secs(1)),
            CallError::Timeout(_)
        ));
        let remote = CallError::Status(Status::cancelled("context canceled"));
        assert_eq!(
            remote
                .local_timeout_as_timeout(Duration::from_secs(1))
                .label(),
            "CANCELLED"
        );
    }
}
