//! `check`: preflight. Settings, every vtctld (connection, TLS, auth, which APIs answer, round
//! trip), optionally one tablet against the safety rules, and the recovery log, writing nothing.
//! A table for people, one JSON object for scripts; the status of the first failing class.

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use tonic::Code;

use crate::alias::TabletAlias;
use crate::cli::CheckArgs;
use crate::cli::OutputFormat;
use crate::connection::ConnectionSettings;
use crate::exit::{ExitStatus, FailureKind};
use crate::orchestrator_api::{self, ApiError, OrchestratorApi};
use crate::output;
use crate::proto::topodata::Tablet;
use crate::proto::vtctldata::GetTabletsRequest;
use crate::recorder::{self, LogSettings};
use crate::recovery_log::RecoveryLog;
use crate::settings::Problems;
use crate::tablet::{self, Promotable};
use crate::vtctld::Client;
use crate::vtctld::client::{CallError, millis};

/// The order in which a failing class decides the exit status.
const PRECEDENCE: [FailureKind; 6] = [
    FailureKind::Unreachable,
    FailureKind::NotAccepted,
    FailureKind::Config,
    FailureKind::RecordMissing,
    FailureKind::InvalidInput,
    FailureKind::VtctldRefused,
];

/// One line of the report.
#[derive(Debug, Serialize)]
struct Check {
    check: String,
    ok: bool,
    detail: String,
    #[serde(skip)]
    kind: Option<FailureKind>,
}

impl Check {
    fn pass(check: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            check: check.into(),
            ok: true,
            detail: detail.into(),
            kind: None,
        }
    }

    fn fail(check: impl Into<String>, kind: FailureKind, detail: impl Into<String>) -> Self {
        Self {
            check: check.into(),
            ok: false,
            detail: detail.into(),
            kind: Some(kind),
        }
    }
}

pub fn run(args: CheckArgs, output: &OsStr) -> ExitStatus {
    let mut problems = Problems::default();
    let format = recorder::output_format(output, &mut problems);
    let log = LogSettings::from_args(&args.log, &mut problems);
    let promotable = Promotable::from_settings(&args.safety.allow_types, &mut problems);
    let api = OrchestratorApi::from_args(&args.orchestrator, &mut problems);
    let alias = args.tablet.as_deref().map(|raw| {
        raw.to_str()
            .unwrap_or("")
            .parse::<TabletAlias>()
            .map_err(|e| format!("--tablet {:?}: {e}", raw.to_string_lossy()))
    });
    let mut checks = Vec::new();
    let settings = ConnectionSettings::from_args(&args.connection)
        .and_then(|s| s.require_servers().map(|()| s));
    let settings = match (settings, problems.into_message()) {
        (Ok(settings), None) => {
            checks.push(Check::pass("settings", "valid"));
            Some(settings)
        }
        (settings, others) => {
            let message: Vec<String> = others
                .into_iter()
                .chain(settings.as_ref().err().map(|e| format!("{e:#}")))
                .collect();
            checks.push(Check::fail(
                "settings",
                FailureKind::Config,
                message.join("; "),
            ));
            settings.ok()
        }
    };
    let mut tablets = None;
    if let Some(settings) = &settings {
        let (server_checks, listed) =
            check_servers(settings, alias.as_ref(), promotable, api.is_some());
        checks.extend(server_checks);
        tablets = listed;
    }
    if let Some(api) = &api {
        checks.extend(check_orchestrator(api, tablets.as_deref()));
    }
    if let Some(Err(why)) = &alias {
        checks.push(Check::fail(
            "tablet",
            FailureKind::InvalidInput,
            why.clone(),
        ));
    }
    let path = log.path.display().to_string();
    checks.push(match RecoveryLog::check_lock(&log.path) {
        Ok(()) => Check::pass(format!("log {path}"), "can be appended to and locked"),
        Err(e) => Check::fail(
            format!("log {path}"),
            FailureKind::RecordMissing,
            format!("{e:#}"),
        ),
    });
    report(&checks, format)
}

/// Every server in turn, one harmless call per API, then the tablet through the first server
/// that serves the typed API.
fn check_servers(
    settings: &ConnectionSettings,
    alias: Option<&Result<TabletAlias, String>>,
    promotable: Promotable,
    list_tablets: bool,
) -> (Vec<Check>, Option<Vec<Tablet>>) {
    let client = match Client::new(settings, false) {
        Ok(client) => client,
        Err(e) => {
            let failed = Check::fail("settings", FailureKind::Config, format!("{e:#}"));
            return (vec![failed], None);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let message = format!("cannot start the async runtime: {e}");
            return (
                vec![Check::fail("runtime", FailureKind::Internal, message)],
                None,
            );
        }
    };
    // Every call gets the attempt timeout, never beyond what is left of the deadline, which
    // bounds the whole check.
    let deadline = Instant::now() + settings.deadline;
    let budget = move || {
        settings
            .attempt_timeout
            .min(deadline.saturating_duration_since(Instant::now()))
            .max(Duration::from_millis(1))
    };
    let checks = runtime.block_on(async move {
        let mut client = client;
        let mut checks = Vec::new();
        let mut typed_server = None;
        for index in 0..client.server_count() {
            let name = format!("server {}", client.server(index));
            let started = Instant::now();
            let limit = budget();
            let typed = client
                .get_cell_info_names(index, limit)
                .await
                .map_err(|e| e.local_timeout_as_timeout(limit));
            let typed_ms = millis(started.elapsed());
            let started = Instant::now();
            // A server that did not answer the first call is not asked again.
            let unresponsive = matches!(
                typed,
                Err(CallError::Timeout(_) | CallError::Connect(_) | CallError::Tls(_))
            );
            let limit = budget();
            let legacy = if unresponsive {
                Err(CallError::Timeout(limit))
            } else {
                client.legacy_cell_info_names(index, limit).await
            };
            let legacy_ms = millis(started.elapsed());
            let mut served = Vec::new();
            if let Ok(cells) = &typed {
                served.push(format!(
                    "typed Vtctld API in {typed_ms} ms (cells: {})",
                    cells.join(",")
                ));
                typed_server.get_or_insert(index);
            }
            if legacy.is_ok() {
                served.push(format!("legacy Vtctl API in {legacy_ms} ms"));
            }
            checks.push(if served.is_empty() {
                // Both failed: the typed API's error says why (unreachable, refused us, …).
                let error = typed.err().map_or(CallError::Timeout(limit), |e| e);
                Check::fail(name, kind_of(&error), error.describe(client.server(index)))
            } else {
                Check::pass(name, served.join("; "))
            });
        }
        let mut tablets = None;
        if let (true, Some(index)) = (list_tablets, typed_server) {
            tablets = client
                .get_tablets(index, GetTabletsRequest::default(), budget())
                .await
                .ok();
        }
        if let Some(Ok(alias)) = alias {
            checks.push(match typed_server {
                None => Check::fail(
                    format!("tablet {alias}"),
                    FailureKind::InvalidInput,
                    "no server serves the typed API, which reads tablets",
                ),
                Some(index) => match client.get_tablet(index, alias, budget()).await {
                    Ok(found) => tablet_check(alias, &found, promotable),
                    Err(e) => Check::fail(
                        format!("tablet {alias}"),
                        FailureKind::InvalidInput,
                        e.describe(client.server(index)),
                    ),
                },
            });
        }
        (checks, tablets)
    });
    runtime.shutdown_timeout(Duration::from_millis(10));
    checks
}

/// Orchestrator's API answers, and knows every tablet's MySQL (what `discover` registers).
fn check_orchestrator(api: &OrchestratorApi, tablets: Option<&[Tablet]>) -> Vec<Check> {
    let name = format!("orchestrator {}", api.root());
    let started = Instant::now();
    let instances = match api.list(&["all-instances"], |_: &orchestrator_api::Instance| true) {
        Ok(answer) => answer
            .iter()
            .filter_map(|i| {
                i.key
                    .as_ref()
                    .and_then(orchestrator_api::InstanceKey::endpoint)
            })
            .collect::<Vec<_>>(),
        Err(e) => {
            let kind = match &e {
                ApiError::Unreachable(_) => FailureKind::Unreachable,
                ApiError::Http(401 | 403, _) => FailureKind::NotAccepted,
                _ => FailureKind::VtctldRefused,
            };
            return vec![Check::fail(name, kind, e.to_string())];
        }
    };
    let mut checks = vec![Check::pass(
        name,
        format!(
            "answers in {} ms; knows {} instance{}",
            millis(started.elapsed()),
            instances.len(),
            crate::vtctld::retry::plural(instances.len())
        ),
    )];
    let Some(tablets) = tablets else {
        return checks;
    };
    let missing: Vec<String> = tablets
        .iter()
        .filter_map(|t| {
            let (host, port) = tablet::mysql_endpoint(t);
            let port = u16::try_from(port).ok().filter(|p| *p != 0)?;
            let known = instances
                .iter()
                .any(|(h, p)| *p == port && h.eq_ignore_ascii_case(host));
            (!known).then(|| format!("{host}:{port}"))
        })
        .collect();
    checks.push(if missing.is_empty() {
        Check::pass(
            "orchestrator knows the tablets",
            format!("all {} MySQL instances", tablets.len()),
        )
    } else {
        let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
        Check::fail(
            "orchestrator knows the tablets",
            FailureKind::InvalidInput,
            format!(
                "{} of {} tablets' MySQL unknown to Orchestrator ({}{}); `discover` registers them",
                missing.len(),
                tablets.len(),
                shown.join(", "),
                if missing.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            ),
        )
    });
    checks
}

/// Which class an error of a server's belongs to.
fn kind_of(error: &CallError) -> FailureKind {
    match error {
        CallError::Tls(_) => FailureKind::NotAccepted,
        CallError::Status(status)
            if matches!(
                status.code(),
                Code::Unauthenticated | Code::PermissionDenied
            ) =>
        {
            FailureKind::NotAccepted
        }
        CallError::Status(_) | CallError::Unreadable(_) => FailureKind::VtctldRefused,
        CallError::Connect(_) | CallError::Timeout(_) => FailureKind::Unreachable,
    }
}

fn tablet_check(alias: &TabletAlias, found: &Tablet, promotable: Promotable) -> Check {
    let (host, port) = tablet::mysql_endpoint(found);
    let kind = tablet::type_name(found.r#type);
    let described = format!(
        "{}/{} {kind}, mysql {host}:{port}",
        found.keyspace, found.shard
    );
    let name = format!("tablet {alias}");
    if promotable.allows(found.r#type) {
        Check::pass(name, format!("{described}, may become primary"))
    } else {
        Check::fail(
            name,
            FailureKind::InvalidInput,
            format!("{described}: a {kind} may not become primary (--allow-type {kind} allows it)"),
        )
    }
}

fn report(checks: &[Check], format: OutputFormat) -> ExitStatus {
    let status = PRECEDENCE
        .iter()
        .find(|kind| checks.iter().any(|c| c.kind == Some(**kind)))
        .or_else(|| checks.iter().find_map(|c| c.kind.as_ref()))
        .map_or(ExitStatus::Done, |kind| kind.status());
    match format {
        OutputFormat::Json => output::out(
            &json!({
                "ok": status.is_success(),
                "exit_status": status.code(),
                "checks": checks,
            })
            .to_string(),
        ),
        OutputFormat::Text => {
            let width = checks
                .iter()
                .map(|c| c.check.chars().count())
                .max()
                .unwrap_or(0);
            for check in checks {
                let verdict = if check.ok { "ok  " } else { "FAIL" };
                output::out(&format!(
                    "{verdict}  {:<width$}  {}",
                    check.check, check.detail
                ));
            }
        }
    }
    status
}
