//! What the run prints: one line per message, and never a failure of its own.
//!
//! A closed stdout or stderr (EPIPE, a full disk behind a redirect) must not change a hook's
//! outcome or exit status, so every message written here ignores its error, and every line is
//! escaped so vtctld's text or an event value cannot break it into several. A document is
//! different: it is the command's product, and a failure to write it is the command's failure.

use std::io::{self, Write};

use crate::recovery_log::one_line;

/// One line on stdout.
pub fn out(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{}", one_line(line));
}

/// One line on stderr.
pub fn err(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", one_line(line));
}

/// A document (generated configuration) on stdout as it is, several lines, and a newline;
/// flushed, so that a failed or short write (a full disk, a closed pipe) is an error here rather
/// than lost when the process ends.
pub fn document(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.write_all(b"\n")?;
    stdout.flush()
}

/// Output formats of `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
}

/// `"s"` unless there is exactly one: `format!("{n} attempt{}", plural(n))`.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
