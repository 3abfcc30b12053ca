//! What the run prints: one line per message, and never a failure of its own.
//!
//! A closed stdout or stderr (EPIPE, a full disk behind a redirect) must not change a hook's
//! outcome or exit status, so every write here ignores its error, and every line is escaped so
//! vtctld's text or an event value cannot break it into several.

use std::io::Write;

use crate::recovery_log::one_line;

/// One line on stdout.
pub fn out(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{}", one_line(line));
}

/// One line on stderr.
pub fn err(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", one_line(line));
}

/// A document (generated configuration) on stdout as it is, several lines: not a message.
pub fn document(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}
