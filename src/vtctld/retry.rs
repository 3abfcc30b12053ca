//! The retry policy: what a failed attempt means (retry, next server, fall back to the legacy
//! API, or stop), and one loop that rotates through the servers within the run's deadline.
//!
//! Rotation: an untried server is tried at once; back-off (exponential, full jitter) only comes
//! after a full round of failures. A server that refuses our TLS certificate or credentials is
//! left out for the rest of the run; only when every server has refused us is it exit 77.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use tokio::time::Instant;
use tonic::Code;

use super::client::{ApiKind, CallError, Client, millis};
use super::diagnose::Mismatch;
use crate::connection::Api;
use crate::exit::{Failure, FailureKind};
use crate::output::plural;
use crate::record::AttemptRecord;

/// First and largest back-off between rounds (full jitter: a random wait up to the cap).
/// The back-off starts at 50 ms and doubles to 400 ms: a vtctld that comes back is noticed within
/// 0.4 s plus one attempt, and a storm of hooks (one per shard of a dead cell) spreads its retries
/// over the window instead of striking together.
const BACKOFF_BASE: Duration = Duration::from_millis(50);
const BACKOFF_MAX: Duration = Duration::from_millis(400);

/// The calls the tool makes, by name; the request itself lives in the caller's closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rpc {
    /// The typed GetTablets only.
    GetTablets,
    /// A tablet listing: the typed GetTablets, or the legacy API's ListAllTablets where a
    /// server has no typed API or `--api vtctl` asks for the legacy one.
    ListTablets,
    TabletExternallyReparented,
}

impl Rpc {
    pub fn name(self) -> &'static str {
        match self {
            Self::GetTablets | Self::ListTablets => "GetTablets",
            Self::TabletExternallyReparented => crate::record::REPARENT_RPC,
        }
    }

    /// The name an attempt through `api` is recorded under.
    pub fn name_for(self, api: ApiKind) -> &'static str {
        match (self, api) {
            (Self::ListTablets, ApiKind::Vtctl) => "ListTablets",
            _ => self.name(),
        }
    }

    fn has_legacy_form(self) -> bool {
        matches!(self, Self::ListTablets | Self::TabletExternallyReparented)
    }
}

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

/// An attempt under way, so a signal can still record it.
#[derive(Debug, Clone)]
struct InFlight {
    /// The RPC's name as the attempt is recorded.
    name: &'static str,
    server: String,
    api: ApiKind,
    started: Instant,
}

#[derive(Debug, Clone, Copy, Default)]
struct ServerState {
    /// Answered UNIMPLEMENTED on the typed API.
    lacks_typed_api: bool,
    /// Refused our certificate or credentials.
    refused_us: bool,
    /// Answered like something that is no vtctld (an HTTP 404).
    not_vtctld: bool,
    /// Failed the same handshake in two rounds.
    misconfigured: Option<Mismatch>,
    /// Its legacy API cannot list tablets.
    lacks_listing: bool,
}

/// A server that keeps failing to connect: in how many rounds in a row, and which handshake
/// cannot succeed (with what it said) once an error said so.
#[derive(Debug, Clone)]
struct FailingHandshake {
    mismatch: Option<Mismatch>,
    rounds: u32,
    message: String,
}

/// Rounds of the same failed handshake that make it a configuration fault rather than a
/// passing one.
const HANDSHAKE_ROUNDS: u32 = 2;

/// One run's conversation with vtctld: the client, the deadline and every attempt made.
#[derive(Debug)]
pub struct Session {
    pub client: Client,
    api: Api,
    attempt_timeout: Duration,
    deadline: Instant,
    states: Vec<ServerState>,
    /// Per server, the handshake it has been failing, if any.
    handshakes: Vec<Option<FailingHandshake>>,
    next_server: usize,
    attempts: Vec<AttemptRecord>,
    in_flight: Option<InFlight>,
    /// Whether a server ever answered or took a call (and let it time out): tells "unreachable"
    /// (69) from "kept failing" (75).
    reached: bool,
}

impl Session {
    pub fn new(client: Client, api: Api, attempt_timeout: Duration, deadline: Instant) -> Self {
        let states = vec![ServerState::default(); client.server_count()];
        let handshakes = vec![None; states.len()];
        Self {
            client,
            api,
            attempt_timeout,
            deadline,
            states,
            handshakes,
            next_server: 0,
            attempts: Vec::new(),
            in_flight: None,
            reached: false,
        }
    }

    /// Every attempt so far, and the one still in flight (abandoned or interrupted) with
    /// `in_flight_status`.
    pub fn attempts(&self, in_flight_status: &str) -> Vec<AttemptRecord> {
        let mut all = self.attempts.clone();
        if let Some(flight) = &self.in_flight {
            all.push(AttemptRecord {
                rpc: flight.name,
                server: flight.server.clone(),
                api: flight.api.as_str(),
                status: in_flight_status.into(),
                ms: millis(flight.started.elapsed()),
            });
        }
        all
    }

    /// How many calls `rpc` took, as every message counts them: `3 attempts (+1 look-up call)`.
    pub fn attempts_text(&self, rpc: Rpc) -> String {
        let look_ups = match rpc {
            Rpc::TabletExternallyReparented => self.count_attempts(Rpc::ListTablets),
            Rpc::GetTablets | Rpc::ListTablets => 0,
        };
        attempts_text(self.count_attempts(rpc), look_ups)
    }

    pub fn count_attempts(&self, rpc: Rpc) -> usize {
        let legacy = rpc.name_for(ApiKind::Vtctl);
        self.attempts
            .iter()
            .filter(|a| a.rpc == rpc.name() || a.rpc == legacy)
            .count()
    }

    /// Whether `rpc` would go through the legacy API on every server still usable, and some
    /// server is: the answer of such a listing cannot be strict. With none usable (every server
    /// refused us or is no vtctld) nothing says the legacy API is all there is.
    pub fn only_legacy(&self, rpc: Rpc) -> bool {
        let mut usable = (0..self.states.len())
            .filter(|i| self.usable(*i, rpc))
            .peekable();
        usable.peek().is_some() && usable.all(|i| self.api_for(i, rpc) == ApiKind::Vtctl)
    }

    /// Whether every server answered that it has no typed API (a Vitess from before it); one
    /// that refused us might have it, so it does not count as lacking.
    pub fn typed_api_missing(&self) -> bool {
        self.states.iter().all(|s| s.lacks_typed_api)
    }

    fn api_for(&self, index: usize, rpc: Rpc) -> ApiKind {
        match self.api {
            Api::Vtctl if rpc.has_legacy_form() => ApiKind::Vtctl,
            Api::Auto if rpc.has_legacy_form() && self.states[index].lacks_typed_api => {
                ApiKind::Vtctl
            }
            _ => ApiKind::Vtctld,
        }
    }

    /// Whether server `index` can take `rpc` at all.
    fn usable(&self, index: usize, rpc: Rpc) -> bool {
        let state = self.states[index];
        let typed_only = !rpc.has_legacy_form() || self.api == Api::Vtctld;
        let lacks_what_it_needs = (typed_only && state.lacks_typed_api)
            || (rpc == Rpc::ListTablets
                && state.lacks_listing
                && self.api_for(index, rpc) == ApiKind::Vtctl);
        !state.refused_us
            && !state.not_vtctld
            && state.misconfigured.is_none()
            && !lacks_what_it_needs
    }

    /// Counts the rounds in a row in which server `index` failed to connect, and whether one of
    /// them said which handshake cannot succeed (a refused connection often shows only as
    /// broken: which error a call sees depends on when the connection died); anything else
    /// ends the count. True when a server that said so has failed [`HANDSHAKE_ROUNDS`] rounds
    /// in a row (each attempt on a server is one round's).
    fn handshake_failed_again(&mut self, index: usize, error: &CallError, message: &str) -> bool {
        let slot = &mut self.handshakes[index];
        let said = match error {
            CallError::Handshake(mismatch, _) => Some(*mismatch),
            CallError::Connect(_) => None,
            _ => {
                *slot = None;
                return false;
            }
        };
        // Connect again from scratch: a new handshake shows again how it fails.
        self.client.disconnect(index);
        let failing = slot.get_or_insert_with(|| FailingHandshake {
            mismatch: None,
            rounds: 0,
            message: String::new(),
        });
        failing.rounds += 1;
        if let (None, Some(mismatch)) = (failing.mismatch, said) {
            failing.mismatch = Some(mismatch);
            message.clone_into(&mut failing.message);
        }
        match failing.mismatch {
            Some(mismatch) if failing.rounds >= HANDSHAKE_ROUNDS => {
                self.states[index].misconfigured = Some(mismatch);
                true
            }
            _ => false,
        }
    }

    /// Calls `rpc` through `attempt(client, server index, api, budget)`, rotating through the
    /// servers with back-off until it succeeds, fails for good, or the deadline passes.
    pub async fn call<T>(
        &mut self,
        rpc: Rpc,
        mut attempt: impl AsyncFnMut(&mut Client, usize, ApiKind, Duration) -> Result<T, CallError>,
    ) -> Result<T, Failure> {
        let count = self.states.len();
        let mut rounds: u32 = 0;
        // Servers that failed since the last back-off: one round is over when every usable
        // server is among them.
        let mut failed_this_round = vec![false; count];
        let mut last_error: Option<String> = None;
        loop {
            let Some(index) = (0..count)
                .map(|step| (self.next_server + step) % count)
                .find(|i| self.usable(*i, rpc))
            else {
                return Err(self.no_usable_server(rpc, last_error));
            };
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.deadline_failure(rpc, last_error));
            }
            let api = self.api_for(index, rpc);
            let budget = self.attempt_timeout.min(remaining);
            let server = self.client.server(index).clone();
            let started = Instant::now();
            self.in_flight = Some(InFlight {
                name: rpc.name_for(api),
                server: server.to_string(),
                api,
                started,
            });
            let result =
                tokio::time::timeout(budget, attempt(&mut self.client, index, api, budget))
                    .await
                    .unwrap_or(Err(CallError::Timeout(budget)))
                    .map_err(|e| e.local_timeout_as_timeout(budget));
            self.in_flight = None;
            self.reached |= match &result {
                Ok(_) | Err(CallError::Status(_)) => true,
                // A call that timed out reached the server only if a connection stands.
                Err(CallError::Timeout(_)) => self.client.is_connected(index),
                Err(CallError::Unreadable(_)) => true,
                Err(CallError::Connect(_) | CallError::Handshake(..) | CallError::Tls(_)) => false,
            };
            self.attempts.push(AttemptRecord {
                rpc: rpc.name_for(api),
                server: server.to_string(),
                api: api.as_str(),
                status: result
                    .as_ref()
                    .map_or_else(CallError::label, |_| "OK".into()),
                ms: millis(started.elapsed()),
            });
            let error = match result {
                Ok(answer) => {
                    self.handshakes[index] = None;
                    return Ok(answer);
                }
                // An established connection that broke without saying why: ask the server.
                Err(CallError::Connect(words)) if self.client.is_connected(index) => {
                    let left = self.deadline.saturating_duration_since(Instant::now());
                    match self.client.diagnose(index, left).await {
                        Some((mismatch, said)) => CallError::Handshake(mismatch, said),
                        None => CallError::Connect(words),
                    }
                }
                Err(error) => error,
            };
            let message = error.describe(&server);
            let verdict = if self.handshake_failed_again(index, &error, &message) {
                Verdict::Misconfigured
            } else {
                classify(&error, api)
            };
            match verdict {
                Verdict::Stop(kind) => return Err(Failure::new(kind, message)),
                Verdict::LacksTypedApi => self.states[index].lacks_typed_api = true,
                Verdict::RefusedUs
                | Verdict::NotVtctld
                | Verdict::LacksCommand
                | Verdict::Misconfigured
                | Verdict::Retry => {
                    match verdict {
                        Verdict::RefusedUs => self.states[index].refused_us = true,
                        Verdict::NotVtctld => self.states[index].not_vtctld = true,
                        Verdict::LacksCommand => self.states[index].lacks_listing = true,
                        _ => {}
                    }
                    self.next_server = index + 1;
                    failed_this_round[index] = true;
                    let usable_left = (0..count).any(|i| self.usable(i, rpc));
                    let round_over =
                        (0..count).all(|i| failed_this_round[i] || !self.usable(i, rpc));
                    if usable_left && round_over {
                        let remaining = self.deadline.saturating_duration_since(Instant::now());
                        tokio::time::sleep(backoff(rounds).min(remaining)).await;
                        rounds = rounds.saturating_add(1);
                        failed_this_round.fill(false);
                    }
                }
            }
            last_error = Some(message);
        }
    }

    fn no_usable_server(&self, rpc: Rpc, last_error: Option<String>) -> Failure {
        let last = last_error
            .map(|e| format!("; last: {e}"))
            .unwrap_or_default();
        let faults: Vec<&FailingHandshake> = self
            .handshakes
            .iter()
            .flatten()
            .filter(|f| f.mismatch.is_some() && f.rounds >= HANDSHAKE_ROUNDS)
            .collect();
        if !faults.is_empty() {
            // Every server is left out, some for a handshake that cannot succeed as configured:
            // 77 when each refused our certificate or credentials, 69 for a plain text/TLS
            // mismatch.
            let refused = self.states.iter().all(|s| {
                s.refused_us || s.misconfigured == Some(Mismatch::ClientCertificateRefused)
            });
            let kind = if refused {
                FailureKind::NotAccepted
            } else {
                FailureKind::Unreachable
            };
            let described: Vec<&str> = faults.iter().map(|f| f.message.as_str()).collect();
            return Failure::new(
                kind,
                format!(
                    "{}: the same handshake failed in {HANDSHAKE_ROUNDS} rounds, a \
                     configuration fault no retry fixes",
                    described.join("; ")
                ),
            );
        }
        if self.states.iter().all(|s| s.refused_us) {
            Failure::new(
                FailureKind::NotAccepted,
                format!("no vtctld accepted our TLS certificate or credentials{last}"),
            )
        } else if self.states.iter().any(|s| s.lacks_listing) {
            Failure::new(
                FailureKind::VtctldRefused,
                format!(
                    "no vtctld can list tablets: the legacy API answered unknown command{last}"
                ),
            )
        } else if self.states.iter().all(|s| s.refused_us || s.not_vtctld) {
            Failure::new(
                FailureKind::VtctldRefused,
                format!("no server answered as a vtctld{last}"),
            )
        } else {
            let wanted = if rpc.has_legacy_form() {
                " (--api vtctld allows no fallback to the legacy API)"
            } else {
                ""
            };
            Failure::new(
                FailureKind::VtctldRefused,
                format!(
                    "no vtctld serves the typed Vtctld API (they answered UNIMPLEMENTED), which \
                     {} needs{wanted}{last}",
                    rpc.name()
                ),
            )
        }
    }

    fn deadline_failure(&self, rpc: Rpc, last_error: Option<String>) -> Failure {
        let last = last_error.unwrap_or_else(|| "no attempt could start".into());
        let attempts = self.attempts_text(rpc);
        if self.reached {
            Failure::new(
                FailureKind::DeadlinePassed,
                format!(
                    "deadline passed: {} did not succeed after {attempts}; last: {last}",
                    rpc.name(),
                ),
            )
        } else {
            let servers: Vec<String> = (0..self.client.server_count())
                .map(|i| self.client.server(i).to_string())
                .collect();
            Failure::new(
                FailureKind::Unreachable,
                format!(
                    "no vtctld reachable before the deadline ({}): {} did not succeed after \
                     {attempts}; last: {last}",
                    servers.join(", "),
                    rpc.name(),
                ),
            )
        }
    }
}

/// Exponential back-off with equal jitter: a random wait in [cap/2, cap], cap = min(400 ms,
/// 50 ms × 2^rounds). Half the cap is always waited, so a round of failures never spins.
fn backoff(rounds: u32) -> Duration {
    let cap = BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(rounds))
        .min(BACKOFF_MAX);
    // RandomState is seeded randomly per process: enough randomness for jitter, no extra crate.
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u32(rounds);
    let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    cap / 2 + (cap / 2).mul_f64(fraction)
}

/// Attempts of one RPC, with the look-up calls (tablet listings) made before it apart:
/// `1 attempt`, `3 attempts (+1 look-up call)`.
pub fn attempts_text(attempts: usize, look_ups: usize) -> String {
    let look_ups = if look_ups > 0 {
        format!(" (+{look_ups} look-up call{})", plural(look_ups))
    } else {
        String::new()
    };
    format!("{attempts} attempt{}{look_ups}", plural(attempts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Status;

    #[test]
    fn attempts_are_counted_one_way() {
        assert_eq!(attempts_text(1, 0), "1 attempt");
        assert_eq!(attempts_text(3, 1), "3 attempts (+1 look-up call)");
        assert_eq!(attempts_text(0, 2), "0 attempts (+2 look-up calls)");
    }

    #[test]
    fn backoff_stays_within_its_cap() {
        for rounds in 0..40 {
            let cap = (BACKOFF_BASE * 2u32.saturating_pow(rounds.min(20))).min(BACKOFF_MAX);
            for _ in 0..20 {
                let wait = backoff(rounds);
                assert!(wait <= cap && wait >= cap / 2, "round {rounds}: {wait:?}");
            }
        }
        let spread: std::collections::HashSet<u128> =
            (0..20).map(|_| backoff(6).as_micros()).collect();
        assert!(spread.len() > 10, "jitter should vary: {spread:?}");
    }

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
}
