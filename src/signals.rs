//! SIGHUP, SIGINT and SIGTERM, caught for the whole life of the process, so that a signal at any
//! moment (while the event is read, while a record waits for the log's lock, while vtctld is
//! called) ends the run with an `interrupted` record and 128 + the signal number.
//!
//! The handler only stores the signal and counts it: the one kind of thing a handler may safely
//! do. The run looks at them where it waits: the lock loop, the vtctld calls, the final record.
//! After the first signal the default action is back (`SA_RESETHAND`), so a second one always
//! ends the process at once.

use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::time::Duration;

static LAST: AtomicI32 = AtomicI32::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

extern "C" fn remember(signal: libc::c_int) {
    LAST.store(signal, Ordering::SeqCst);
    COUNT.fetch_add(1, Ordering::SeqCst);
}

/// Installs the handlers. `SA_RESTART` lets interrupted blocking calls (a write, a read) go on
/// instead of failing with EINTR; the run notices the signal where it waits.
#[allow(unsafe_code)]
pub fn install() {
    // SAFETY: setting a signal to SIG_IGN has no preconditions. Without it, a file-size limit
    // (`ulimit -f`) would kill the hook on its record's write; ignored, the write fails with
    // EFBIG and is rolled back and reported like a full disk.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    for signal in [libc::SIGHUP, libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `action` is zeroed, then given the handler, an empty mask and the flags;
        // `remember` is an `extern "C" fn(c_int)` (no SA_SIGINFO) doing only atomic operations,
        // which are async-signal-safe; a null old-action pointer is allowed. A failure leaves
        // the default action, which still ends the process.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = remember as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART | libc::SA_RESETHAND;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// How many signals have been caught so far: a wait compares it with its value at the start to
/// see whether a signal came during the wait.
pub fn count() -> usize {
    COUNT.load(Ordering::SeqCst)
}

/// The last signal caught, if any: its number and name.
pub fn caught() -> Option<(i32, &'static str)> {
    match LAST.load(Ordering::SeqCst) {
        libc::SIGHUP => Some((libc::SIGHUP, "SIGHUP")),
        libc::SIGINT => Some((libc::SIGINT, "SIGINT")),
        libc::SIGTERM => Some((libc::SIGTERM, "SIGTERM")),
        _ => None,
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
