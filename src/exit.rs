//! The exit-status table: what each status means, in one place for the code, `--help` and docs.

use std::fmt;

/// How a run ended, as Orchestrator's log and a calling script see it (sysexits-style numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Done: reparented, skipped for safety, or a valid dry run.
    Done,
    /// The command line is malformed (clap's usage errors too).
    Usage,
    /// An input value is invalid, or Orchestrator promoted no successor.
    InvalidInput,
    /// No vtctld could be reached.
    Unavailable,
    /// vtctld answered and refused the request.
    Refused,
    /// The reparent is done (or skipped) but the recovery record could not be written.
    RecordMissing,
    /// The deadline passed while vtctld kept failing.
    DeadlinePassed,
    /// vtctld refused the credentials or the permission.
    PermissionDenied,
    /// A configuration error: unreadable TLS or credentials file, bad server address.
    Config,
    /// Stopped by a signal; the status is 128 + the signal number.
    Interrupted(i32),
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            Self::Done => 0,
            Self::Usage => 64,
            Self::InvalidInput => 65,
            Self::Unavailable => 69,
            Self::Refused => 70,
            Self::RecordMissing => 74,
            Self::DeadlinePassed => 75,
            Self::PermissionDenied => 77,
            Self::Config => 78,
            // Signal numbers are small; clamp so a bogus value cannot wrap around to 0.
            Self::Interrupted(signal) => u8::try_from(128 + signal.clamp(1, 127)).unwrap_or(255),
        }
    }

    pub fn is_success(self) -> bool {
        self == Self::Done
    }
}

impl fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// The table shown by `--help`; README and the man page carry the same text.
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0   done: reparented, skipped for safety (not a master failure), or a valid dry run
  64  usage error on the command line
  65  invalid input, or no successor was promoted (the event is still recorded)
  69  no vtctld could be reached
  70  vtctld refused the request
  74  reparent done but the recovery record could not be written
  75  the deadline passed while vtctld kept failing
  77  vtctld refused the credentials or the permission
  78  configuration error: unreadable TLS or credentials file, bad server address
  130/143  interrupted by SIGINT/SIGTERM (an `interrupted` record is written)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_documented_table() {
        let all = [
            ExitStatus::Done,
            ExitStatus::Usage,
            ExitStatus::InvalidInput,
            ExitStatus::Unavailable,
            ExitStatus::Refused,
            ExitStatus::RecordMissing,
            ExitStatus::DeadlinePassed,
            ExitStatus::PermissionDenied,
            ExitStatus::Config,
        ];
        for status in all {
            let line = format!("\n  {:<3} ", status.code());
            assert!(
                EXIT_STATUS_HELP.contains(&line),
                "{status:?} not documented"
            );
        }
        assert_eq!(ExitStatus::Interrupted(15).code(), 143);
        assert_eq!(ExitStatus::Interrupted(2).code(), 130);
    }
}
