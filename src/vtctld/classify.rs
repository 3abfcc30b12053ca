//! What a failed attempt means: retry, leave the server out, fall back to the legacy API, or
//! stop. Read from the error alone (gRPC code first, Vitess's well-known messages second); it
//! never counts attempts or rounds, which is the retry loop's business.

use tonic::Code;

use super::call_error::CallError;
use super::client::ApiKind;
use crate::exit::FailureKind;

/// What a failed attempt calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A passing fault: the next server, and after a full round a back-off.
    Retry,
    /// This server refuses us (TLS certificate, credentials): leave it out from now on.
    RefusedUs,
    /// This server lacks the typed API: use the legacy one with it from now on.
    LacksTypedApi,
    /// This server is no vtctld (an HTTP 404 from a proxy in its place): leave it out.
    NotVtctld,
    /// This server's legacy API has no such command (an old vtctl without `ListAllTablets`):
    /// leave it out of listings; another server may have it.
    LacksCommand,
    /// This server failed the same handshake in two rounds (see [`Mismatch`]): a configuration
    /// fault, left out. Decided by the retry loop, which counts the rounds, never by `classify`.
    Misconfigured,
    /// Nothing a retry can fix.
    Stop(FailureKind),
}

/// Messages of errors vtctld returns as plain Go errors (gRPC code UNKNOWN) that no retry can fix.
const HOPELESS_MESSAGES: &[&str] = &[
    "node doesn't exist",
    // A strict GetTablets that cannot read a cell's topology: "partial result" when listing a
    // shard (tests/interop pins it), "GetTabletsByCell(zone) failed" when listing every cell
    // (read in Vitess's source). Retrying within the failover will not bring the cell back.
    "partial result",
    "GetTabletsByCell(",
    "no such tablet",
    "invalid tablet alias",
    "must not be nil",
    // vtctl's answers to a command line it cannot run (an old vtctld without a listing
    // command, or one that wants other arguments): plain Go errors, never fixed by a retry.
    "unknown command",
    "argument is required",
];

/// Whether vtctl's answer says it has no such command (an old vtctld without the legacy
/// listings), as opposed to not serving the legacy API at all.
pub fn cannot_run_command(message: &str) -> bool {
    message.contains("unknown command") || message.contains("argument is required")
}

/// Whether an UNIMPLEMENTED answer says the service or method does not exist, as grpc-go (which
/// every Vitess is built on) answers for a service it does not serve.
fn names_a_missing_service(message: &str) -> bool {
    message.contains("unknown service") || message.contains("unknown method")
}

/// Classifies a failed attempt: by gRPC code first, by Vitess's well-known messages second.
pub fn classify(error: &CallError, api: ApiKind) -> Verdict {
    let status = match error {
        CallError::Connect(_) | CallError::Handshake(..) | CallError::Timeout(_) => {
            return Verdict::Retry;
        }
        CallError::Tls(_) => return Verdict::RefusedUs,
        CallError::Unreadable(_) => return Verdict::Stop(FailureKind::VtctldRefused),
        CallError::Status(status) => status,
    };
    match status.code() {
        Code::Unavailable
        | Code::DeadlineExceeded
        | Code::ResourceExhausted
        | Code::Aborted
        | Code::Internal
        | Code::Cancelled => Verdict::Retry,
        Code::Unknown => {
            let message = status.message();
            if api == ApiKind::Vtctl && cannot_run_command(message) {
                Verdict::LacksCommand
            } else if HOPELESS_MESSAGES.iter().any(|m| message.contains(m)) {
                Verdict::Stop(FailureKind::VtctldRefused)
            } else {
                Verdict::Retry
            }
        }
        Code::Unauthenticated | Code::PermissionDenied => Verdict::RefusedUs,
        // A vtctld older than the typed API says "unknown service" (grpc-go); anything else
        // coded UNIMPLEMENTED (an HTTP 404 from a proxy in front of vtctld) is no such proof:
        // whatever answers there is no vtctld, and the next server may be.
        Code::Unimplemented if names_a_missing_service(status.message()) => {
            if api == ApiKind::Vtctld {
                Verdict::LacksTypedApi
            } else {
                Verdict::Stop(FailureKind::VtctldRefused)
            }
        }
        Code::Unimplemented => Verdict::NotVtctld,
        Code::Ok
        | Code::InvalidArgument
        | Code::NotFound
        | Code::AlreadyExists
        | Code::FailedPrecondition
        | Code::OutOfRange
        | Code::DataLoss => Verdict::Stop(FailureKind::VtctldRefused),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tonic::Status;

    use super::*;
    use crate::vtctld::diagnose::Mismatch;

    #[test]
    fn classification_by_code_then_message() {
        use Verdict::*;
        let status = |code, message: &str| CallError::Status(Status::new(code, message));
        let table = [
            (
                status(Code::Unavailable, "connection refused"),
                ApiKind::Vtctld,
                Retry,
            ),
            (status(Code::DeadlineExceeded, ""), ApiKind::Vtctld, Retry),
            (status(Code::Internal, ""), ApiKind::Vtctld, Retry),
            (
                status(
                    Code::Unknown,
                    "tablet manager: rpc error: connection refused",
                ),
                ApiKind::Vtctld,
                Retry,
            ),
            (
                status(
                    Code::Unknown,
                    "node doesn't exist: tablets/zone1-0000000999/Tablet",
                ),
                ApiKind::Vtctld,
                Stop(FailureKind::VtctldRefused),
            ),
            (
                status(Code::NotFound, "node doesn't exist"),
                ApiKind::Vtctld,
                Stop(FailureKind::VtctldRefused),
            ),
            (
                status(Code::InvalidArgument, "x"),
                ApiKind::Vtctld,
                Stop(FailureKind::VtctldRefused),
            ),
            (
                status(Code::FailedPrecondition, "x"),
                ApiKind::Vtctld,
                Stop(FailureKind::VtctldRefused),
            ),
            (
                status(Code::Unauthenticated, ""),
                ApiKind::Vtctld,
                RefusedUs,
            ),
            (
                status(Code::PermissionDenied, ""),
                ApiKind::Vtctl,
                RefusedUs,
            ),
        ];
        for (error, api, verdict) in table {
            assert_eq!(classify(&error, api), verdict, "{error:?}");
        }
    }

    #[test]
    fn classification_of_unimplemented_and_partial_results() {
        use Verdict::*;
        let status = |code, message: &str| CallError::Status(Status::new(code, message));
        let table = [
            (
                status(Code::Unimplemented, "unknown service vtctlservice.Vtctld"),
                ApiKind::Vtctld,
                LacksTypedApi,
            ),
            (status(Code::Unimplemented, ""), ApiKind::Vtctld, NotVtctld),
            (
                status(
                    Code::Unimplemented,
                    "grpc-status header missing, mapped from HTTP status code 404",
                ),
                ApiKind::Vtctld,
                NotVtctld,
            ),
            (
                status(
                    Code::Unknown,
                    "partial result: cell zone2 could not be read",
                ),
                ApiKind::Vtctld,
                Stop(FailureKind::VtctldRefused),
            ),
            (
                status(Code::Unimplemented, "unknown service vtctlservice.Vtctl"),
                ApiKind::Vtctl,
                Stop(FailureKind::VtctldRefused),
            ),
        ];
        for (error, api, verdict) in table {
            assert_eq!(classify(&error, api), verdict, "{error:?}");
        }
    }

    #[test]
    fn classification_of_failures_without_an_answer() {
        use Verdict::*;
        let table = [
            (CallError::Connect("refused".into()), ApiKind::Vtctld, Retry),
            // Counted by the loop: only two rounds of it leave the server out.
            (
                CallError::Handshake(Mismatch::ServerSpeaksTls, "a TLS alert record".into()),
                ApiKind::Vtctld,
                Retry,
            ),
            (
                CallError::Timeout(Duration::from_secs(1)),
                ApiKind::Vtctld,
                Retry,
            ),
            (
                CallError::Tls("bad certificate".into()),
                ApiKind::Vtctld,
                RefusedUs,
            ),
        ];
        for (error, api, verdict) in table {
            assert_eq!(classify(&error, api), verdict, "{error:?}");
        }
    }

    mod properties {
        use std::time::Duration;

        use proptest::prelude::*;
        use tonic::{Code, Status};

        use super::super::*;

        /// Codes a retry may fix: what the retry loop is for.
        const RETRYABLE: &[Code] = &[
            Code::Unavailable,
            Code::DeadlineExceeded,
            Code::ResourceExhausted,
            Code::Aborted,
            Code::Internal,
            Code::Cancelled,
            Code::Unknown,
        ];

        /// Mostly Vitess's own words, so that the messages that decide are often met.
        fn messages() -> impl Strategy<Value = String> {
            let words = prop::sample::select(vec![
                "node doesn't exist",
                "partial result",
                "GetTabletsByCell(zone2) failed",
                "unknown command: ListAllTablets",
                "argument is required",
                "unknown service vtctlservice.Vtctld",
                "unknown method GetTablets",
                "connection refused",
                "",
            ]);
            (prop::collection::vec(words, 0..3), ".{0,12}")
                .prop_map(|(words, noise)| format!("{}{noise}", words.join(": ")))
        }

        fn apis() -> impl Strategy<Value = ApiKind> {
            prop::sample::select(vec![ApiKind::Vtctld, ApiKind::Vtctl])
        }

        fn verdict(code: i32, message: &str, api: ApiKind) -> Verdict {
            classify(
                &CallError::Status(Status::new(Code::from_i32(code), message)),
                api,
            )
        }

        proptest! {
            /// Only a code a retry may fix is retried; only credentials are held against a
            /// server for good; only the API named falls back; the retry loop alone decides
            /// Misconfigured.
            #[test]
            fn the_classifier_retries_only_what_a_retry_may_fix(
                code in -3..20i32,
                message in messages(),
                api in apis(),
            ) {
                let known = Code::from_i32(code);
                match verdict(code, &message, api) {
                    Verdict::Retry => prop_assert!(RETRYABLE.contains(&known)),
                    Verdict::RefusedUs => prop_assert!(matches!(
                        known,
                        Code::Unauthenticated | Code::PermissionDenied
                    )),
                    Verdict::LacksTypedApi => {
                        prop_assert!(api == ApiKind::Vtctld && known == Code::Unimplemented)
                    }
                    Verdict::LacksCommand => {
                        prop_assert!(api == ApiKind::Vtctl && known == Code::Unknown)
                    }
                    Verdict::NotVtctld => prop_assert_eq!(known, Code::Unimplemented),
                    Verdict::Misconfigured => prop_assert!(false, "classify chose Misconfigured"),
                    Verdict::Stop(kind) => prop_assert_eq!(kind, FailureKind::VtctldRefused),
                }
            }

            /// The message decides only for UNKNOWN and UNIMPLEMENTED; every other code means
            /// the same whatever vtctld wrote with it, with either API.
            #[test]
            fn the_message_decides_only_for_unknown_and_unimplemented(
                code in 0..17i32,
                one in messages(),
                other in messages(),
                api in apis(),
            ) {
                let known = Code::from_i32(code);
                prop_assume!(!matches!(known, Code::Unknown | Code::Unimplemented));
                prop_assert_eq!(verdict(code, &one, api), verdict(code, &other, api));
                let other_api = if api == ApiKind::Vtctld { ApiKind::Vtctl } else { ApiKind::Vtctld };
                prop_assert_eq!(verdict(code, &one, api), verdict(code, &one, other_api));
            }

            /// Failures before any answer are passing faults, or the server's refusal of us.
            #[test]
            fn failures_before_an_answer_are_retried(text in ".{0,40}", ms in 0..10_000u64, api in apis()) {
                prop_assert_eq!(classify(&CallError::Connect(text.clone()), api), Verdict::Retry);
                let timeout = CallError::Timeout(Duration::from_millis(ms));
                prop_assert_eq!(classify(&timeout, api), Verdict::Retry);
                prop_assert_eq!(classify(&CallError::Tls(text), api), Verdict::RefusedUs);
            }
        }
    }
}
