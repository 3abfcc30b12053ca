//! `--interval`: a pass, then a pause of the interval varied by ±25 % (so that several
//! processes started together drift apart), until a signal. Shared by `discover` and
//! `reconcile`.

use std::time::{Duration, Instant};

use crate::exit::ExitStatus;
use crate::signals;

/// Runs `pass` until a signal; the status is the signal's.
pub(super) fn repeat(interval: Duration, mut pass: impl FnMut()) -> ExitStatus {
    loop {
        pass();
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
