//! Why a call failed for good, once the retry loop gives up: no server is left that can take it,
//! or the deadline passed. Reads what the loop learnt about the servers; never changes it.

use super::{FailingHandshake, HANDSHAKE_ROUNDS, Rpc, Session};
use crate::exit::{Failure, FailureKind};
use crate::vtctld::diagnose::Mismatch;

impl Session {
    /// Why `rpc` failed when no server is left that can take it.
    pub(super) fn no_usable_server(&self, rpc: Rpc, last_error: Option<String>) -> Failure {
        let last = last_error
            .map(|e| format!("; last: {e}"))
            .unwrap_or_default();
        let faults: Vec<&FailingHandshake> = self
            .handshakes
            .iter()
            .flatten()
            .filter(|f| f.mismatch.is_some() && f.rounds >= HANDSHAKE_ROUNDS)
            .collect();
        if !faults.is_empty() {
            // Every server is left out, some for a handshake that cannot succeed as configured:
            // 77 when each refused our certificate or credentials, 69 for a plain text/TLS
            // mismatch.
            let refused = self.states.iter().all(|s| {
                s.refused_us || s.misconfigured == Some(Mismatch::ClientCertificateRefused)
            });
            let kind = if refused {
                FailureKind::NotAccepted
            } else {
                FailureKind::Unreachable
            };
            let described: Vec<&str> = faults.iter().map(|f| f.message.as_str()).collect();
            return Failure::new(
                kind,
                format!(
                    "{}: the same handshake failed in {HANDSHAKE_ROUNDS} rounds, a \
                     configuration fault no retry fixes",
                    described.join("; ")
                ),
            );
        }
        if self.states.iter().all(|s| s.refused_us) {
            Failure::new(
                FailureKind::NotAccepted,
                format!("no vtctld accepted our TLS certificate or credentials{last}"),
            )
        } else if self.states.iter().any(|s| s.lacks_listing) {
            Failure::new(
                FailureKind::VtctldRefused,
                format!(
                    "no vtctld can list tablets: the legacy API answered unknown command{last}"
                ),
            )
        } else if self.states.iter().all(|s| s.refused_us || s.not_vtctld) {
            Failure::new(
                FailureKind::VtctldRefused,
                format!("no server answered as a vtctld{last}"),
            )
        } else {
            let wanted = if rpc.has_legacy_form() {
                " (--api vtctld allows no fallback to the legacy API)"
            } else {
                ""
            };
            Failure::new(
                FailureKind::VtctldRefused,
                format!(
                    "no vtctld serves the typed Vtctld API (they answered UNIMPLEMENTED), which \
                     {} needs{wanted}{last}",
                    rpc.name()
                ),
            )
        }
    }

    /// Why `rpc` failed when the deadline passed: the deadline when a server was reached,
    /// unreachable when none was.
    pub(super) fn deadline_failure(&self, rpc: Rpc, last_error: Option<String>) -> Failure {
        let last = last_error.unwrap_or_else(|| "no attempt could start".into());
        let attempts = self.attempts_text(rpc);
        if self.reached {
            Failure::new(
                FailureKind::DeadlinePassed,
                format!(
                    "deadline passed: {} did not succeed after {attempts}; last: {last}",
                    rpc.name(),
                ),
            )
        } else {
            let servers: Vec<String> = (0..self.client.server_count())
                .map(|i| self.client.server(i).to_string())
                .collect();
            Failure::new(
                FailureKind::Unreachable,
                format!(
                    "no vtctld reachable before the deadline ({}): {} did not succeed after \
                     {attempts}; last: {last}",
                    servers.join(", "),
                    rpc.name(),
                ),
            )
        }
    }
}
