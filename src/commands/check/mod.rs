//! `check`: preflight. Settings, every vtctld (connection, TLS, auth, which APIs answer, round
//! trip), optionally one tablet against the safety rules, and the recovery log, writing nothing.
//! A table for people, one JSON object for scripts; the status of the first failing class.
//!
//! This file holds the run, Orchestrator's API, the log and the report; `servers` checks vtctld.

use std::ffi::OsStr;
use std::time::Instant;

use serde::Serialize;
use serde_json::json;

use crate::alias::TabletAlias;
use crate::cli::{CheckArgs, setting};
use crate::config::log::output_format;
use crate::connection::ConnectionSettings;
use crate::exit::{ExitStatus, FailureKind};
use crate::orchestrator::{self, OrchestratorApi};
use crate::output;
use crate::output::OutputFormat;
use crate::proto::topodata::Tablet;
use crate::record::log_file::RecoveryLog;
use crate::record::recorder::LogSettings;
use crate::settings::Problems;
use crate::tablet::{self, Promotable};
use crate::vtctld::client::millis;

mod servers;

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
    let format = output_format(output, &mut problems);
    let log = LogSettings::from_args(&args.log, &mut problems);
    let promotable = Promotable::from_settings(&args.safety.allow_types, &mut problems);
    let api = OrchestratorApi::from_args(&args.orchestrator, &mut problems);
    if let Some(value) = std::env::var_os(setting::DRY_RUN.variable) {
        problems.push_message(format!(
            "{}={:?} in the environment: reparent ignores it and runs for real \
             (a dry run comes from --dry-run only), expected unset",
            setting::DRY_RUN.variable,
            value.to_string_lossy()
        ));
    }
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
        let alias = alias.as_ref().and_then(|a| a.as_ref().ok());
        let (server_checks, listed) = servers::check_servers(settings, alias, promotable);
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
        Ok(()) if log.path.exists() => {
            Check::pass(format!("log {path}"), "can be appended to and locked")
        }
        Ok(()) => Check::pass(format!("log {path}"), "can be created (a probe file was)"),
        Err(e) => Check::fail(
            format!("log {path}"),
            FailureKind::RecordMissing,
            format!("{e:#}"),
        ),
    });
    if let Some(textfile) = &log.metrics_textfile {
        let name = format!("metrics textfile {}", textfile.display());
        checks.push(match crate::record::textfile::check(textfile) {
            Ok(said) => Check::pass(name, said),
            Err(e) => Check::fail(name, FailureKind::Config, format!("{e:#}")),
        });
    }
    report(&checks, format)
}

/// Orchestrator's API answers, and knows every tablet's MySQL (what `discover` registers).
fn check_orchestrator(api: &OrchestratorApi, tablets: Option<&[Tablet]>) -> Vec<Check> {
    let name = format!("orchestrator {}", api.root());
    let started = Instant::now();
    let instances = match api.list(&["all-instances"], |_: &orchestrator::Instance| true) {
        Ok(answer) => answer
            .iter()
            .filter_map(|i| i.key.as_ref().and_then(orchestrator::InstanceKey::endpoint))
            .collect::<Vec<_>>(),
        Err(e) => {
            return vec![Check::fail(name, e.kind(), e.to_string())];
        }
    };
    let mut checks = vec![Check::pass(
        name,
        format!(
            "answers in {} ms; knows {} instance{}",
            millis(started.elapsed()),
            instances.len(),
            crate::output::plural(instances.len())
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

fn report(checks: &[Check], format: OutputFormat) -> ExitStatus {
    let kinds: Vec<FailureKind> = checks.iter().filter_map(|c| c.kind).collect();
    let status = crate::exit::fold(&kinds);
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
