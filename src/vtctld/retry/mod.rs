//! The retry loop: one call rotated through the servers within the run's deadline, acting on
//! what each failed attempt means (`classify`'s verdict, and the handshake rounds it counts
//! itself). It never chooses a tablet.
//!
//! Rotation: an untried server is tried at once; back-off (exponential, full jitter) only comes
//! after a full round of failures. A server that refuses our TLS certificate or credentials is
//! left out for the rest of the run; only when every server has refused us is it exit 77.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use tokio::time::Instant;

pub use super::classify::cannot_run_command;
use super::classify::{Verdict, classify};
use super::client::{ApiKind, CallError, Client, millis};
use super::diagnose::Mismatch;
use crate::connection::Api;
use crate::exit::Failure;
use crate::output::plural;
use crate::record::AttemptRecord;

mod failure;

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

/// One call's rounds through the servers: which failed since the last back-off (one round is
/// over when every usable server is among them), and how many back-offs there were.
#[derive(Debug)]
struct Round {
    failed: Vec<bool>,
    backoffs: u32,
}

impl Round {
    fn new(servers: usize) -> Self {
        Self {
            failed: vec![false; servers],
            backoffs: 0,
        }
    }
}

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
        let mut round = Round::new(self.states.len());
        let mut last_error: Option<String> = None;
        loop {
            let Some(index) = self.next_usable(rpc) else {
                return Err(self.no_usable_server(rpc, last_error));
            };
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.deadline_failure(rpc, last_error));
            }
            let api = self.api_for(index, rpc);
            let budget = self.attempt_timeout.min(remaining);
            let error = match self.attempt_on(rpc, index, api, budget, &mut attempt).await {
                Ok(answer) => {
                    self.handshakes[index] = None;
                    return Ok(answer);
                }
                Err(error) => self.explain(index, error).await,
            };
            let message = error.describe(self.client.server(index));
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
                    self.leave_out(index, verdict);
                    self.next_server = index + 1;
                    round.failed[index] = true;
                    self.back_off_after_a_round(rpc, &mut round).await;
                }
            }
            last_error = Some(message);
        }
    }

    /// The first server, from the one after the last that failed on, that can take `rpc`.
    fn next_usable(&self, rpc: Rpc) -> Option<usize> {
        let count = self.states.len();
        (0..count)
            .map(|step| (self.next_server + step) % count)
            .find(|i| self.usable(*i, rpc))
    }

    /// One attempt on server `index` within `budget`: in flight while it runs (so a signal can
    /// record it), then recorded with its status, and counted as reaching the server or not.
    async fn attempt_on<T>(
        &mut self,
        rpc: Rpc,
        index: usize,
        api: ApiKind,
        budget: Duration,
        attempt: &mut impl AsyncFnMut(&mut Client, usize, ApiKind, Duration) -> Result<T, CallError>,
    ) -> Result<T, CallError> {
        let server = self.client.server(index).to_string();
        let started = Instant::now();
        self.in_flight = Some(InFlight {
            name: rpc.name_for(api),
            server: server.clone(),
            api,
            started,
        });
        let result = tokio::time::timeout(budget, attempt(&mut self.client, index, api, budget))
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
            server,
            api: api.as_str(),
            status: result
                .as_ref()
                .map_or_else(CallError::label, |_| "OK".into()),
            ms: millis(started.elapsed()),
        });
        result
    }

    /// An established connection that broke without saying why: the server is asked (see
    /// [`Mismatch`]); any other error stays as it is.
    async fn explain(&self, index: usize, error: CallError) -> CallError {
        match error {
            CallError::Connect(words) if self.client.is_connected(index) => {
                let left = self.deadline.saturating_duration_since(Instant::now());
                match self.client.diagnose(index, left).await {
                    Some((mismatch, said)) => CallError::Handshake(mismatch, said),
                    None => CallError::Connect(words),
                }
            }
            error => error,
        }
    }

    /// Leaves server `index` out from now on where `verdict` says it cannot serve us.
    fn leave_out(&mut self, index: usize, verdict: Verdict) {
        match verdict {
            Verdict::RefusedUs => self.states[index].refused_us = true,
            Verdict::NotVtctld => self.states[index].not_vtctld = true,
            Verdict::LacksCommand => self.states[index].lacks_listing = true,
            _ => {}
        }
    }

    /// Once every server still usable for `rpc` has failed since the last back-off, waits the
    /// next back-off (never past the deadline) and starts a new round.
    async fn back_off_after_a_round(&self, rpc: Rpc, round: &mut Round) {
        let count = self.states.len();
        let usable_left = (0..count).any(|i| self.usable(i, rpc));
        let round_over = (0..count).all(|i| round.failed[i] || !self.usable(i, rpc));
        if usable_left && round_over {
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            tokio::time::sleep(backoff(round.backoffs).min(remaining)).await;
            round.backoffs = round.backoffs.saturating_add(1);
            round.failed.fill(false);
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
}
