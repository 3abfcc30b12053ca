//! SIGHUP, SIGINT and SIGTERM, caught for the whole life of the process, so that a signal at any
//! moment (while the event is read, while a record waits for the log's lock, while vtctld is
//! called) ends the run with an `interrupted` record and 128 + the signal number.
//!
//! The handler only stores the signal's number: the one thing a handler may safely do. The run
//! looks at it where it waits: the lock loop, the vtctld calls, and before the final record.

use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

static CAUGHT: AtomicI32 = AtomicI32::new(0);

extern "C" fn remember(signal: libc::c_int) {
    CAUGHT.store(signal, Ordering::SeqCst);
}

/// Installs the handlers. Interrupted system calls are restarted (`SA_RESTART`), so a signal
/// never turns a write into a short one.
#[allow(unsafe_code)]
pub fn install() {
    for signal in [libc::SIGHUP, libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `action` is fully initialised (zeroed, then the handler, an empty mask and the
        // flags set); `remember` is an `extern "C" fn(c_int)` that only does an atomic store,
        // which is async-signal-safe; a null old-action pointer is allowed.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = remember as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// The signal caught so far, if any: its number and name.
pub fn caught() -> Option<(i32, &'static str)> {
    match CAUGHT.load(Ordering::SeqCst) {
        0 => None,
        libc::SIGHUP => Some((libc::SIGHUP, "SIGHUP")),
        libc::SIGINT => Some((libc::SIGINT, "SIGINT")),
        other => Some((other, "SIGTERM")),
    }
}

/// Resolves when a signal has been caught; checks every 5 ms.
pub async fn wait() -> (i32, &'static str) {
    loop {
        if let Some(caught) = caught() {
            return caught;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
