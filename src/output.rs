//! What the run prints: one line per message, and never a failure of its own.
//!
//! A closed stdout or stderr (EPIPE, a full disk behind a redirect) must not change a hook's
//! outcome or exit status, so every message written here ignores its error, and every line is
//! escaped so vtctld's text or an event value cannot break it into several. A document is
//! different: it is the command's product, and a failure to write it is the command's failure.

use std::io::{self, Write};

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

/// `text` as one line for stdout/stderr: every control character and U+2028/U+2029 written as
/// an escape (`\n`, `\r`, `\t`, else `\u00XX`, `\u2028`, `\u2029`), everything else unchanged
/// and unquoted.
pub fn one_line(text: &str) -> String {
    if !text.chars().any(breaks_lines) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if breaks_lines(c) => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Characters a record or an output line never carries raw: the C0 controls, DEL, the C1
/// controls (NEL is U+0085) and the Unicode line and paragraph separators.
pub fn breaks_lines(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `c` as one `\uXXXX` escape.
pub fn push_unicode_escape(out: &mut String, c: char) {
    // Only BMP characters reach here, so one \uXXXX unit is the whole escape.
    out.push_str(&format!("\\u{:04x}", u32::from(c)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_controls_and_separators_only() {
        let cases = [
            ("plain text", "plain text"),
            ("a\nb\r\n\tc", r"a\nb\r\n\tc"),
            ("\0\u{1}\u{1b}\u{1f}", r"\u0000\u0001\u001b\u001f"),
            ("del\u{7f}", r"del\u007f"),
            ("\u{80}\u{85}\u{9f}", r"\u0080\u0085\u009f"),
            ("\u{2028}\u{2029}", r"\u2028\u2029"),
            (r#"quotes " and \ stay"#, r#"quotes " and \ stay"#),
            ("käse 🙂 \u{a0}", "käse 🙂 \u{a0}"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(one_line(text), expected, "{text:?}");
        }
    }
}
