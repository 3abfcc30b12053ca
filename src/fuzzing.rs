//! The fuzz targets' way in (`fuzz/`): the parsers of outside input that live behind a command
//! or a network call, reachable here without either. Not part of the tool's interface; each
//! function runs the same code the tool runs.

use std::io::Read;

use serde::de::DeserializeOwned;

use crate::cli::OrchestratorConfigArgs;
use crate::exit::Failure;
use crate::orchestrator::ApiError;
use crate::vtctld::ApiKind;
use crate::vtctld::call_error::CallError;
use crate::vtctld::classify::{Verdict, classify};

/// `orchestrator-config --merge`: the operator's file's text with our keys (from `args`)
/// merged in, as the printed document and the warnings; or why the text was refused.
pub fn merge_orchestrator_config(
    args: &OrchestratorConfigArgs,
    text: &str,
) -> Result<(String, Vec<String>), Failure> {
    crate::commands::orchestrator_config::merge_text(args, text)
}

/// Orchestrator's HTTP 200 answer to an enveloped call (`discover`, `forget`, …).
pub fn orchestrator_call<T: DeserializeOwned>(body: impl Read) -> Result<Option<T>, ApiError> {
    crate::orchestrator::api::decode_call(body)
}

/// Orchestrator's HTTP 200 answer to a listing (`all-instances`, `clusters-info`,
/// `audit-recovery`), every element kept.
pub fn orchestrator_list<T: DeserializeOwned>(body: impl Read) -> Result<Vec<T>, ApiError> {
    crate::orchestrator::api::decode_list(body, |_: &T| true)
}

/// Orchestrator's HTTP 200 answer of one plain value (`leader-check`, `master/<cluster>`).
pub fn orchestrator_get<T: DeserializeOwned>(body: impl Read) -> Result<T, ApiError> {
    crate::orchestrator::api::decode_get(body)
}

/// Orchestrator's answer with an HTTP status other than 200 (its body at most 1 MiB).
pub fn orchestrator_error(status: u16, body: &str) -> ApiError {
    crate::orchestrator::api::refused_or_http(status, body)
}

/// What vtctld's status (a gRPC code number, as on the wire, and its message) means to the
/// retry loop.
pub fn classify_status(code: i32, message: &str, api: ApiKind) -> Verdict {
    let status = tonic::Status::new(tonic::Code::from_i32(code), message);
    classify(&CallError::Status(status), api)
}

/// A recovery log's bytes read as `history` reads a file: every whole line into `history`
/// (a torn last line too); the answer is the bytes read up to the last whole line.
pub fn read_log(log: &[u8], history: &mut crate::history::History) -> std::io::Result<u64> {
    crate::commands::history::read_lines(log, history)
}
