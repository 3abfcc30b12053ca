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

/// What `discover`'s or `reconcile`'s validated settings hold, for the `daemons` target to hold
/// against the bounds `--help` gives. A field the command has not is `None`.
#[derive(Debug)]
pub struct DaemonSettings {
    pub servers: usize,
    pub deadline: std::time::Duration,
    pub interval: Option<std::time::Duration>,
    pub listen: Option<std::net::SocketAddr>,
    pub keyspace: Option<String>,
    pub shard: Option<String>,
    pub cells: Vec<String>,
    /// Whether there is an Orchestrator API to call.
    pub orchestrator: bool,
    /// `discover --forget-missing`.
    pub forget_missing: bool,
    pub dry_run: bool,
    /// `discover`'s tablet types and their promotion rules.
    pub rules: Vec<(i32, &'static str)>,
    pub concurrency: Option<usize>,
    pub forget_after: Option<std::time::Duration>,
    /// `--forget-max-shrink` as a fraction.
    pub forget_max_shrink: Option<f64>,
    /// `reconcile`'s `--settle`.
    pub settle: Option<std::time::Duration>,
}

/// `discover`'s settings, validated as `discover` validates them before its first pass.
pub fn validate_discover(
    args: &crate::cli::DiscoverArgs,
    output: &std::ffi::OsStr,
) -> Result<DaemonSettings, Failure> {
    let discover = crate::commands::discover::validate(args, output)?;
    let filter = &discover.filter;
    let named = |name: &str| (!name.is_empty()).then(|| name.to_owned());
    Ok(DaemonSettings {
        servers: discover.settings.servers.len(),
        deadline: discover.settings.deadline,
        interval: discover.interval,
        listen: discover.listen,
        keyspace: named(&filter.keyspace),
        shard: named(&filter.shard),
        cells: filter.cells.clone(),
        orchestrator: discover.api.is_some(),
        forget_missing: discover.forget_missing,
        dry_run: discover.dry_run,
        rules: discover.rules.into_iter().collect(),
        concurrency: Some(discover.concurrency),
        forget_after: Some(discover.forget.after),
        forget_max_shrink: Some(discover.forget.max_shrink),
        settle: None,
    })
}

/// `reconcile`'s settings, validated as `reconcile` validates them before its first pass.
pub fn validate_reconcile(
    args: &crate::cli::ReconcileArgs,
    output: &std::ffi::OsStr,
) -> Result<DaemonSettings, Failure> {
    let reconcile = crate::commands::reconcile::validate(args, output)?;
    Ok(DaemonSettings {
        servers: reconcile.settings.servers.len(),
        deadline: reconcile.settings.deadline,
        interval: reconcile.interval,
        listen: reconcile.listen,
        keyspace: reconcile.keyspace,
        shard: reconcile.shard,
        cells: Vec::new(),
        orchestrator: true,
        forget_missing: false,
        dry_run: reconcile.dry_run,
        rules: Vec::new(),
        concurrency: None,
        forget_after: None,
        forget_max_shrink: None,
        settle: Some(reconcile.settle),
    })
}

/// Whether a scraper's `Accept` header gets OpenMetrics from the daemons' `/metrics`.
pub fn wants_openmetrics(accept: &str) -> bool {
    crate::metrics::serve::wants_openmetrics(accept)
}
