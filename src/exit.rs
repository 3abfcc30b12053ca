//! Why a run ended and the exit status that says so: the one place kinds become numbers.

use std::fmt;

use serde::Serialize;

/// What happened to a failover, as the record's `outcome` field says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Written before any network call.
    Received,
    /// vtctld confirmed the new primary.
    Ok,
    /// Not a master failure: nothing to do.
    Skipped,
    /// Something outside our input went wrong: vtctld, the deadline, no successor.
    Failed,
    /// The input, a setting or the successor was refused before anything was sent.
    Rejected,
    /// A signal stopped the run.
    Interrupted,
    /// A bug: the process panicked.
    InternalError,
    /// `record`: an Orchestrator hook's event, written down.
    Recorded,
    /// `reparent`: the shard's primary changed since the run began to another tablet (a newer
    /// primary term): nothing sent, so the newer failover is never undone.
    Superseded,
    /// `reparent`: a run before this one already settled this recovery successfully: nothing sent.
    Duplicate,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Ok => "ok",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
            Self::Rejected => "rejected",
            Self::Interrupted => "interrupted",
            Self::InternalError => "internal-error",
            Self::Recorded => "recorded",
            Self::Superseded => "superseded",
            Self::Duplicate => "duplicate",
        }
    }
}

/// How a run ended, as Orchestrator's log and a calling script see it (sysexits-style numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Done: reparented, already primary, skipped for safety, superseded by a newer failover,
    /// a duplicate of a settled recovery, or a valid dry run.
    Done,
    /// The command line is malformed (clap's usage errors).
    Usage,
    /// An input value is invalid, no successor was promoted, or the successor was refused.
    InvalidInput,
    /// No vtctld could be reached.
    Unavailable,
    /// vtctld answered and refused the request.
    Refused,
    /// The run is done but a recovery record could not be written (or, in a dry run, could not
    /// be); or `orchestrator-config` could not write its output (EX_IOERR).
    RecordMissing,
    /// The deadline passed while vtctld kept failing, or while another run held the shard's turn.
    DeadlinePassed,
    /// No vtctld accepted our credentials or certificate.
    PermissionDenied,
    /// A configuration error: a bad setting, an unreadable TLS or credentials file.
    Config,
    /// Stopped by a signal ([`crate::signals::ENDING`]); the status is 128 + the signal number.
    Interrupted(i32),
    /// A bug (a panic), or the runtime could not start; an `internal-error` record is written.
    Internal,
    /// `history --check`: a shard's last settled failover did not end well.
    CheckFailed,
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
            Self::Internal => 134,
            Self::CheckFailed => 1,
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

/// Why a run did not succeed. Modules say what went wrong; only [`FailureKind::status`] says
/// which exit status that is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The command line could not be parsed.
    Usage,
    /// An Orchestrator value is malformed.
    InvalidInput,
    /// Orchestrator promoted no successor.
    NoSuccessor,
    /// The successor is not the failed shard's own promotable tablet, or cannot be proven to be.
    SuccessorRefused,
    /// A setting is invalid or a file it names is unreadable.
    Config,
    /// No vtctld answered.
    Unreachable,
    /// vtctld answered with an error that retrying cannot fix.
    VtctldRefused,
    /// Orchestrator's API answered with an error (HTTP, `Code: ERROR`, or not its JSON).
    OrchestratorRefused,
    /// vtctld kept failing until the deadline, or another run held the shard's turn until then.
    DeadlinePassed,
    /// Every vtctld refused our TLS certificate or credentials.
    NotAccepted,
    /// A record could not be written although the run itself succeeded.
    RecordMissing,
    /// The command's output (a generated configuration, on stdout or into a file) could not be
    /// written whole.
    OutputFailed,
    /// A signal stopped the run.
    Interrupted(i32),
    /// The async runtime could not start, or another failure of this process itself.
    Internal,
}

impl FailureKind {
    /// The kind's name in metrics' `kind` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Usage => "usage",
            Self::InvalidInput => "invalid-input",
            Self::NoSuccessor => "no-successor",
            Self::SuccessorRefused => "successor-refused",
            Self::Config => "config",
            Self::Unreachable => "unreachable",
            Self::VtctldRefused => "vtctld-refused",
            Self::OrchestratorRefused => "orchestrator-refused",
            Self::DeadlinePassed => "deadline-passed",
            Self::NotAccepted => "not-accepted",
            Self::RecordMissing => "record-missing",
            Self::OutputFailed => "output-failed",
            Self::Interrupted(_) => "interrupted",
            Self::Internal => "internal",
        }
    }

    /// The record's outcome for this failure: `rejected` when nothing was sent because the
    /// input, a setting or the successor was refused; `failed` when something else went wrong.
    pub fn outcome(self) -> Outcome {
        match self {
            Self::Usage | Self::InvalidInput | Self::Config | Self::SuccessorRefused => {
                Outcome::Rejected
            }
            Self::Interrupted(_) => Outcome::Interrupted,
            Self::Internal => Outcome::InternalError,
            Self::NoSuccessor
            | Self::Unreachable
            | Self::VtctldRefused
            | Self::OrchestratorRefused
            | Self::DeadlinePassed
            | Self::NotAccepted
            | Self::RecordMissing
            | Self::OutputFailed => Outcome::Failed,
        }
    }

    pub fn status(self) -> ExitStatus {
        match self {
            Self::Usage => ExitStatus::Usage,
            Self::InvalidInput | Self::NoSuccessor | Self::SuccessorRefused => {
                ExitStatus::InvalidInput
            }
            Self::Config => ExitStatus::Config,
            Self::Unreachable => ExitStatus::Unavailable,
            Self::Internal => ExitStatus::Internal,
            Self::VtctldRefused | Self::OrchestratorRefused => ExitStatus::Refused,
            Self::DeadlinePassed => ExitStatus::DeadlinePassed,
            Self::NotAccepted => ExitStatus::PermissionDenied,
            Self::RecordMissing | Self::OutputFailed => ExitStatus::RecordMissing,
            Self::Interrupted(signal) => ExitStatus::Interrupted(signal),
        }
    }
}

/// Which failing class decides the one status of a run that folds several results (`check`'s
/// checks, a `discover` pass): a signal first, then what keeps the tool from working at all
/// (unreachable, not accepted, misconfigured, no log), then what it was told (a bad tablet or
/// input, a refusal). Anything else: the first failure.
const PRECEDENCE: [FailureKind; 7] = [
    FailureKind::Unreachable,
    FailureKind::NotAccepted,
    FailureKind::Config,
    FailureKind::RecordMissing,
    FailureKind::InvalidInput,
    FailureKind::VtctldRefused,
    FailureKind::OrchestratorRefused,
];

/// The one exit status of several results, in order: `Done` when none failed.
pub fn fold(kinds: &[FailureKind]) -> ExitStatus {
    if let Some(signal) = kinds
        .iter()
        .find(|k| matches!(k, FailureKind::Interrupted(_)))
    {
        return signal.status();
    }
    PRECEDENCE
        .iter()
        .find(|kind| kinds.contains(kind))
        .or_else(|| kinds.first())
        .map_or(ExitStatus::Done, |kind| kind.status())
}

/// A failure and the one line that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The table ending every `--help`; README and the man pages carry the same text. A macro so that
/// `cli` can put each subcommand's examples before it with `concat!`.
#[macro_export]
macro_rules! exit_status_help {
    () => {
        "\
Exit status (the run's final record carries it; 64's record is best effort):
  0   done: reparented, already primary, skipped for safety, superseded by a newer
      failover or a duplicate of a recovery already settled (nothing sent), or a valid dry run
  1   history --check: a shard's last failover did not end well
  64  usage error on the command line (a best-effort `rejected` record is written)
  65  invalid input, no successor promoted, or the successor refused as not the failed
      shard's own promotable tablet (nothing is sent to vtctld)
  69  no vtctld could be reached (or it speaks TLS and we do not, or the other way round:
      stopped after two attempts); check, discover, reconcile: or no Orchestrator
  70  vtctld refused the request; check, discover, reconcile: or Orchestrator did
  74  done, but a recovery record could not be written (orchestrator-config: its output
      could not be written)
  75  the deadline passed while vtctld kept failing, or while another run for the shard
      held its turn (nothing is sent)
  77  no vtctld accepted our TLS certificate or credentials (or it wants a client
      certificate it accepts: stopped after two attempts)
  78  configuration error: a bad setting (flag or ORC_VITESS_HOOK_* variable), an unreadable
      TLS or credentials file, a bad server address
  128+N  interrupted by signal N during the run, e.g. 129 SIGHUP, 130 SIGINT, 143 SIGTERM,
      138 SIGUSR1, 140 SIGUSR2, 142 SIGALRM (an `interrupted` record is written)
  134  internal error: a bug, or the process could not start its runtime (an
      `internal-error` record is written)"
    };
}

/// The exit-status table, as [`exit_status_help!`] spells it.
pub const EXIT_STATUS_HELP: &str = exit_status_help!();

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
            ExitStatus::Internal,
            ExitStatus::CheckFailed,
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
        assert_eq!(ExitStatus::Interrupted(1).code(), 129);
        for (signal, name) in crate::signals::ENDING {
            let status = ExitStatus::Interrupted(*signal).code();
            assert_eq!(i32::from(status), 128 + signal, "{name}");
        }
        assert!(EXIT_STATUS_HELP.contains("128+N  interrupted by signal N"));
    }

    #[test]
    fn several_results_fold_into_the_first_failing_class() {
        use FailureKind::*;
        assert_eq!(fold(&[]), ExitStatus::Done);
        assert_eq!(fold(&[VtctldRefused, Unreachable]), ExitStatus::Unavailable);
        assert_eq!(
            fold(&[OrchestratorRefused, InvalidInput]),
            ExitStatus::InvalidInput
        );
        assert_eq!(fold(&[Config, NotAccepted]), ExitStatus::PermissionDenied);
        assert_eq!(
            fold(&[Unreachable, Interrupted(15)]),
            ExitStatus::Interrupted(15)
        );
        assert_eq!(
            fold(&[DeadlinePassed, SuccessorRefused]),
            ExitStatus::DeadlinePassed
        );
        // The order of the results does not matter for the classes in the list.
        assert_eq!(fold(&[InvalidInput, Config]), fold(&[Config, InvalidInput]));
    }

    #[test]
    fn every_failure_kind_is_a_failure_status() {
        let kinds = [
            FailureKind::Usage,
            FailureKind::InvalidInput,
            FailureKind::NoSuccessor,
            FailureKind::SuccessorRefused,
            FailureKind::Config,
            FailureKind::Unreachable,
            FailureKind::VtctldRefused,
            FailureKind::OrchestratorRefused,
            FailureKind::DeadlinePassed,
            FailureKind::NotAccepted,
            FailureKind::RecordMissing,
            FailureKind::OutputFailed,
            FailureKind::Interrupted(15),
            FailureKind::Internal,
        ];
        for kind in kinds {
            assert!(!kind.status().is_success(), "{kind:?}");
        }
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        fn kinds() -> impl Strategy<Value = FailureKind> {
            prop_oneof![
                12 => prop::sample::select(vec![
                    FailureKind::Usage,
                    FailureKind::InvalidInput,
                    FailureKind::NoSuccessor,
                    FailureKind::SuccessorRefused,
                    FailureKind::Config,
                    FailureKind::Unreachable,
                    FailureKind::VtctldRefused,
                    FailureKind::OrchestratorRefused,
                    FailureKind::DeadlinePassed,
                    FailureKind::NotAccepted,
                    FailureKind::RecordMissing,
                    FailureKind::OutputFailed,
                    FailureKind::Internal,
                ]),
                // Rarely, so that most sets hold none.
                1 => prop::sample::select(vec![2, 15]).prop_map(FailureKind::Interrupted),
            ]
        }

        proptest! {
            /// The folded status: the first signal's; else the status of the class highest in
            /// the precedence, wherever it stands; else the first failure's; `Done` for none.
            #[test]
            fn fold_is_the_precedence_whatever_the_order(
                results in prop::collection::vec(kinds(), 0..8),
                rotate in any::<usize>(),
            ) {
                let folded = fold(&results);
                let signal = results.iter().find(|k| matches!(k, FailureKind::Interrupted(_)));
                let highest = PRECEDENCE.iter().find(|k| results.contains(k));
                match (signal, highest, results.first()) {
                    (Some(signal), _, _) => prop_assert_eq!(folded, signal.status()),
                    (None, Some(highest), _) => {
                        prop_assert_eq!(folded, highest.status());
                        // Then the order does not matter.
                        let mut turned = results.clone();
                        let by = rotate % turned.len();
                        turned.rotate_left(by);
                        turned.reverse();
                        prop_assert_eq!(fold(&turned), folded);
                    }
                    (None, None, Some(first)) => prop_assert_eq!(folded, first.status()),
                    (None, None, None) => prop_assert_eq!(folded, ExitStatus::Done),
                }
                prop_assert_eq!(folded.is_success(), results.is_empty());
            }

            /// One result folds to its own status, and a failure added in front of any set
            /// never folds the set to success.
            #[test]
            fn fold_of_one_is_its_status(kind in kinds(), rest in prop::collection::vec(kinds(), 0..4)) {
                prop_assert_eq!(fold(&[kind]), kind.status());
                let mut more = vec![kind];
                more.extend(rest);
                prop_assert!(!fold(&more).is_success());
            }
        }
    }
}
