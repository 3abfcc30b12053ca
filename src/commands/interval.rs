//! `--interval`: a pass, then a pause of the interval varied by ±25 % (so that several
//! processes started together drift apart), until a signal. Shared by `discover` and
//! `reconcile`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::exit::{ExitStatus, Failure, FailureKind};
use crate::metrics::daemon::{Daemon, DaemonMetrics, PassResult};
use crate::{output, signals};

/// How a pass ended, for the metrics: its result and its failures' kinds.
pub(super) type Ended = (PassResult, Vec<FailureKind>);

/// The metrics of `daemon` passing every `interval`, served on `listen` when given (bound now,
/// so a port in use fails the start).
/// `step` is the longest one step of a pass may take (for `/healthz`). The error is the exit
/// status, its message printed.
pub(super) fn serve_metrics(
    daemon: Daemon,
    interval: Duration,
    step: Duration,
    listen: Option<SocketAddr>,
) -> Result<Arc<DaemonMetrics>, ExitStatus> {
    let metrics = Arc::new(DaemonMetrics::new(daemon, interval, step));
    if let Some(listen) = listen {
        let bound = crate::metrics::serve::serve(listen, metrics.clone()).map_err(|e| {
            let failure = Failure::new(FailureKind::Config, format!("configuration: {e:#}"));
            output::err(&format!("error: {}", failure.message));
            failure.kind.status()
        })?;
        output::err(&format!(
            "serving metrics on http://{bound}/metrics and liveness on http://{bound}/healthz"
        ));
    }
    Ok(metrics)
}

/// Runs `pass` until a signal, counting each in `metrics`; the status is the signal's.
pub(super) fn repeat(
    interval: Duration,
    metrics: &DaemonMetrics,
    mut pass: impl FnMut() -> Ended,
) -> ExitStatus {
    loop {
        let started = Instant::now();
        crate::metrics::daemon::progress();
        let (result, failures) = pass();
        metrics.pass(started.elapsed(), result, &failures);
        if let Some((number, _)) = signals::caught() {
            return ExitStatus::Interrupted(number);
        }
        let until = Instant::now() + jitter(interval);
        while Instant::now() < until {
            if let Some((number, _)) = signals::caught() {
                return ExitStatus::Interrupted(number);
            }
            std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
        }
    }
}

/// `interval` varied randomly by up to ±25 %.
fn jitter(interval: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u64(interval.as_nanos() as u64);
    let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    interval.mul_f64(0.75 + fraction * 0.5)
}

/// A failure's message with its counts and timings (words that are only a number, like "7" in
/// "7 attempts" or "14514" in "14514 ms") as `#`: the same failure from pass to pass. Numbers
/// inside words (host names, ports, addresses) stay, so different instances stay different.
pub(super) fn failure_key(message: &str) -> String {
    message
        .split(' ')
        .map(|word| {
            let bare = word.trim_matches(|c: char| "(),;:".contains(c));
            if !bare.is_empty() && bare.chars().all(|c| c.is_ascii_digit()) {
                word.replace(bare, "#")
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_quarter() {
        let base = Duration::from_secs(60);
        for _ in 0..200 {
            let d = jitter(base);
            assert!(
                d >= Duration::from_secs(45) && d <= Duration::from_secs(75),
                "{d:?}"
            );
        }
    }

    #[test]
    fn failure_keys_ignore_counts_not_instances() {
        assert_eq!(
            failure_key("vtctld: no vtctld answered (7 attempts within 14514 ms)"),
            failure_key("vtctld: no vtctld answered (6 attempts within 9000 ms)")
        );
        assert_ne!(
            failure_key("discover db1:3306: refused"),
            failure_key("discover db2:3306: refused")
        );
    }
}
