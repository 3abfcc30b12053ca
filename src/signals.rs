//! Every signal whose default action ends the process and that someone else sends ([`ENDING`]:
//! SIGHUP, SIGINT, SIGTERM, SIGUSR1, …), caught for the whole life of the process, so that a
//! signal at any moment (while the event is read, while a record waits for the log's lock, while
//! vtctld is called) ends the run with an `interrupted` record and 128 + the signal number.
//!
//! The handler only stores the signal, counts it and writes a byte to a pipe: async-signal-safe
//! operations only. The run looks at them where it waits: the lock loop, the final record, and
//! the vtctld calls, which sleep on the pipe instead of polling (a storm of a thousand hooks
//! polling every few milliseconds would spend the machine's CPU on waking up).
//! After the first signal the default action is back (`SA_RESETHAND`), so a second one always
//! ends the process at once.

use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::time::Duration;

/// The signals caught, with their names: every one whose default action ends the process, but
/// - SIGPIPE, which Rust's runtime sets to ignored before `main`: a closed stdout or stderr is
///   then a write error, which [`crate::output`] ignores (it must not change a hook's status);
/// - SIGXFSZ, ignored by [`install`]: a file-size limit then fails the record's write (EFBIG),
///   which is rolled back and reported like a full disk;
/// - SIGQUIT, left to its default: an operator sends it for a core dump of a stuck process;
/// - the signals of the process's own faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS,
///   SIGABRT, which `panic = "abort"` raises after the panic hook wrote its record): nothing
///   can safely go on after them;
/// - the real-time signals (SIGRTMIN to SIGRTMAX), which carry no meaning for this tool and have
///   no fixed names.
pub const ENDING: &[(libc::c_int, &str)] = &[
    (libc::SIGHUP, "SIGHUP"),
    (libc::SIGINT, "SIGINT"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGUSR1, "SIGUSR1"),
    (libc::SIGUSR2, "SIGUSR2"),
    (libc::SIGALRM, "SIGALRM"),
    (libc::SIGVTALRM, "SIGVTALRM"),
    (libc::SIGPROF, "SIGPROF"),
    // RLIMIT_CPU's soft limit; the hard limit's SIGKILL follows if the run goes on.
    (libc::SIGXCPU, "SIGXCPU"),
    (libc::SIGIO, "SIGIO"),
    (libc::SIGPWR, "SIGPWR"),
    (libc::SIGSTKFLT, "SIGSTKFLT"),
];

static LAST: AtomicI32 = AtomicI32::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);
/// The pipe the handler writes to (read end, write end); -1 until `install`.
static WAKE_READ: AtomicI32 = AtomicI32::new(-1);
static WAKE_WRITE: AtomicI32 = AtomicI32::new(-1);

#[allow(unsafe_code)]
extern "C" fn remember(signal: libc::c_int) {
    LAST.store(signal, Ordering::SeqCst);
    COUNT.fetch_add(1, Ordering::SeqCst);
    let fd = WAKE_WRITE.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; the byte lives on this stack frame; errno is
        // saved and restored so the interrupted code never sees this write's. The pipe is
        // non-blocking, so a full pipe (many signals) cannot block the handler.
        unsafe {
            let errno = libc::__errno_location();
            let saved = *errno;
            let byte = 1u8;
            libc::write(fd, (&raw const byte).cast(), 1);
            *errno = saved;
        }
    }
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
    let mut fds = [-1; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes. Close-on-exec, so no child
    // inherits them; non-blocking, for the handler and for tokio. Without a pipe, `wait` polls.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } == 0 {
        WAKE_READ.store(fds[0], Ordering::SeqCst);
        WAKE_WRITE.store(fds[1], Ordering::SeqCst);
    }
    for &(signal, _) in ENDING {
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
    let last = LAST.load(Ordering::SeqCst);
    ENDING.iter().copied().find(|&(signal, _)| signal == last)
}

/// The pipe's read end, for tokio to watch (never closed: it lives as long as the process).
struct WakePipe(i32);

impl std::os::fd::AsRawFd for WakePipe {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.0
    }
}

/// Resolves when a signal has been caught: woken by the handler's byte on the pipe, or, where
/// the pipe cannot be watched (not installed, or already watched by another wait), checking
/// every 5 ms.
pub async fn wait() -> (i32, &'static str) {
    let fd = WAKE_READ.load(Ordering::SeqCst);
    let watched = (fd >= 0)
        .then(|| {
            // SAFETY: `fd` is the pipe's read end, opened by `install` and never closed, so it
            // stays open and the same file for the whole life of the process, hence of this
            // registration. Called only inside the runtime's context (every `wait` is awaited
            // on it).
            #[allow(unsafe_code)]
            unsafe {
                tokio::io::unix::AsyncFd::register_with_interest(
                    WakePipe(fd),
                    tokio::io::Interest::READABLE,
                )
            }
            .ok()
        })
        .flatten();
    loop {
        if let Some(caught) = caught() {
            return caught;
        }
        match &watched {
            // The byte is left in the pipe: once a signal came, every wait ends at once.
            Some(pipe) => match pipe.readable().await {
                Ok(mut ready) => ready.clear_ready(),
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
            None => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}
