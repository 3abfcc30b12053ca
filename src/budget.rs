//! The run's time budget: one deadline, and every instant derived from it, without arithmetic
//! that can overflow.
//!
//! vtctld calls end by the deadline; a call that ignores its own timeout is abandoned half a
//! margin later; the final record may wait for the log's lock until almost the end of the
//! margin, and the process ends then. The first record waits at most a second, so a busy log
//! never holds up the reparent.

use std::time::{Duration, Instant};

/// How long past the deadline the run may take to abandon a stuck call and write its record.
pub const DEADLINE_MARGIN: Duration = Duration::from_millis(500);
/// What the end of the margin keeps for exiting after the last lock wait.
const EXIT_TIME: Duration = Duration::from_millis(50);
/// The longest the first record waits for the log's lock: it must not hold up the reparent.
const FIRST_RECORD_WAIT: Duration = Duration::from_secs(1);

/// `instant + duration`, never a panic: should that overflow (it cannot with the 1 h cap on
/// every duration), a day later, or at worst `instant` itself.
pub fn after(instant: Instant, duration: Duration) -> Instant {
    instant
        .checked_add(duration)
        .or_else(|| instant.checked_add(Duration::from_secs(86_400)))
        .unwrap_or(instant)
}

#[derive(Debug, Clone, Copy)]
pub struct Budget {
    started: Instant,
    deadline: Duration,
}

impl Budget {
    pub fn new(started: Instant, deadline: Duration) -> Self {
        Self { started, deadline }
    }

    pub fn started(self) -> Instant {
        self.started
    }

    /// When vtctld calls must have ended.
    pub fn deadline(self) -> Instant {
        after(self.started, self.deadline)
    }

    /// When a call still running is abandoned.
    pub fn guard(self) -> Instant {
        after(self.deadline(), DEADLINE_MARGIN / 2)
    }

    /// The last moment a record may wait for the log's lock; the process exits right after,
    /// within the deadline and its margin.
    pub fn ends(self) -> Instant {
        after(self.deadline(), DEADLINE_MARGIN - EXIT_TIME)
    }

    /// How long the first record may wait for the log's lock: a quarter of the deadline, at
    /// most a second. The final record, which waits longer, carries everything anyway.
    pub fn first_record_until(self) -> Instant {
        after(self.started, (self.deadline / 4).min(FIRST_RECORD_WAIT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_ordered_and_never_overflow() {
        let now = Instant::now();
        let budget = Budget::new(now, Duration::from_secs(60));
        assert_eq!(budget.first_record_until(), now + Duration::from_secs(1));
        assert_eq!(budget.deadline(), now + Duration::from_secs(60));
        assert_eq!(budget.guard(), now + Duration::from_millis(60_250));
        assert_eq!(budget.ends(), now + Duration::from_millis(60_450));
        let short = Budget::new(now, Duration::from_millis(400));
        assert_eq!(short.first_record_until(), now + Duration::from_millis(100));
        let huge = Budget::new(now, Duration::MAX);
        assert_eq!(huge.deadline(), now + Duration::from_secs(86_400));
    }
}
