//! Waiting for an exclusive `flock` on a file, until an instant and no longer, and never past a
//! signal: the one wait shared by the recovery log and the shard locks.

use std::fs::{File, TryLockError};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

/// Locks `file` exclusively, trying until `until`. `what` names the file in messages ("recovery
/// log /var/log/…"). A signal caught during the wait ends it; one caught before does not (the
/// `interrupted` record still waits its turn). The pause between tries starts at 1 ms and grows
/// to 10 ms, so a queue of hundreds of hooks drains quickly.
pub fn lock_within(file: &File, what: &str, until: Instant) -> Result<()> {
    let start = Instant::now();
    let signals_before = crate::signals::count();
    let mut pause = Duration::from_millis(1);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) => {
                let now = Instant::now();
                let waited = now.duration_since(start).as_millis();
                if crate::signals::count() != signals_before
                    && let Some((_, name)) = crate::signals::caught()
                {
                    bail!(
                        "cannot lock {what}: another process held its lock; gave up after \
                         {waited} ms, interrupted by {name}"
                    );
                }
                if now >= until {
                    bail!(
                        "cannot lock {what}: another process held its lock; gave up after \
                         {waited} ms"
                    );
                }
                std::thread::sleep(pause.min(until - now));
                pause = (pause * 2).min(Duration::from_millis(10));
            }
            Err(TryLockError::Error(e)) => {
                return Err(anyhow::Error::new(e).context(format!("cannot lock {what}")));
            }
        }
    }
}
