//! `reconcile`: level-triggered convergence. For every shard, Orchestrator's settled recovery and
//! Vitess's primary are compared (`crate::reconcile`); where Vitess lags a recovery whose hook was
//! lost, the recovery's successor is made primary. One pass, or one every `--interval`.
//!
//! This file holds the run: the settings and the pass loop; `pass` makes one pass, `report`
//! says what it found.

mod act;
mod pass;
mod report;

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::cli::{ReconcileArgs, setting};
use crate::config::log::output_format;
use crate::config::metrics::metrics_listen;
use crate::connection::ConnectionSettings;
use crate::exit::{ExitStatus, Failure, FailureKind};
use crate::metrics::daemon::Daemon;
use crate::orchestrator::OrchestratorApi;
use crate::output;
use crate::output::OutputFormat;
use crate::record::recorder::LogSettings;
use crate::settings::Problems;
use crate::tablet::Promotable;

/// Validated settings.
pub(crate) struct Reconcile {
    pub(crate) settings: ConnectionSettings,
    api: Arc<OrchestratorApi>,
    log: LogSettings,
    promotable: Promotable,
    pub(crate) keyspace: Option<String>,
    pub(crate) shard: Option<String>,
    pub(crate) settle: Duration,
    pub(crate) interval: Option<Duration>,
    /// `--metrics-listen`, with `--interval`.
    pub(crate) listen: Option<SocketAddr>,
    pub(crate) dry_run: bool,
    format: OutputFormat,
}

pub fn run(args: ReconcileArgs, output: &OsStr) -> ExitStatus {
    let reconcile = match validate(&args, output) {
        Ok(reconcile) => reconcile,
        Err(failure) => {
            output::err(&format!("error: {}", failure.message));
            return failure.kind.status();
        }
    };
    match reconcile.interval {
        None => {
            let pass = reconcile.pass();
            pass.report(reconcile.format, reconcile.dry_run);
            pass.status()
        }
        Some(interval) => {
            let step = reconcile.settings.deadline.max(reconcile.api.timeout());
            let listen = reconcile.listen;
            let metrics =
                match super::interval::serve_metrics(Daemon::Reconcile, interval, step, listen) {
                    Ok(metrics) => metrics,
                    Err(status) => return status,
                };
            let mut changes = report::Changes::default();
            super::interval::repeat(interval, &metrics, || {
                let pass = reconcile.pass();
                changes.log(&pass, reconcile.format);
                metrics.reconciled(&pass.metrics());
                (pass.result(), pass.kinds)
            })
        }
    }
}

pub(crate) fn validate(args: &ReconcileArgs, output: &OsStr) -> Result<Reconcile, Failure> {
    let mut problems = Problems::default();
    let format = output_format(output, &mut problems);
    let settings = ConnectionSettings::from_args(&args.connection)
        .and_then(|s| s.require_servers().map(|()| s));
    let api = OrchestratorApi::from_args(&args.orchestrator, &mut problems);
    if args.orchestrator.orc_api_url.is_none() {
        problems.push_message(
            "no Orchestrator API given: set --orc-api-url URL or ORC_VITESS_HOOK_ORC_API_URL"
                .into(),
        );
    }
    let log = LogSettings::from_args(&args.log, &mut problems);
    let promotable = Promotable::from_settings(&args.safety.allow_types, &mut problems);
    let settle = problems.duration(
        setting::SETTLE,
        &args.settle,
        Duration::from_secs(1),
        Duration::from_secs(86_400),
    );
    let interval = args.interval.as_deref().and_then(|raw| {
        problems.duration(
            setting::INTERVAL,
            raw,
            Duration::from_secs(1),
            Duration::from_secs(86_400),
        )
    });
    let listen = metrics_listen(&args.metrics, interval, &mut problems);
    let keyspace = args.keyspace.as_deref().and_then(|raw| {
        problems
            .shard_name(setting::KEYSPACE, raw)
            .map(str::to_owned)
    });
    let shard = args
        .shard
        .as_deref()
        .and_then(|raw| problems.shard_name(setting::SHARD, raw).map(str::to_owned));
    if args.shard.is_some() && args.keyspace.is_none() {
        problems.push_message("--shard needs --keyspace: a shard name alone names no shard".into());
    }
    let (settings, api, settle) = match (settings, api, settle, problems.into_message()) {
        (Ok(settings), Some(api), Some(settle), None) => (settings, api, settle),
        (settings, _, _, others) => {
            let all: Vec<String> = others
                .into_iter()
                .chain(settings.err().map(|e| format!("{e:#}")))
                .collect();
            return Err(Failure::new(
                FailureKind::Config,
                format!("configuration: {}", all.join("; ")),
            ));
        }
    };
    if settle < settings.deadline * 2 {
        output::err(&format!(
            "warning: --settle {} is less than twice the --deadline ({}): a hook with that \
             deadline may still be running when its recovery counts as settled",
            humantime::format_duration(settle),
            humantime::format_duration(settings.deadline)
        ));
    }
    Ok(Reconcile {
        settings,
        api: Arc::new(api),
        log,
        promotable,
        keyspace,
        shard,
        settle,
        interval,
        listen,
        dry_run: args.dry_run,
        format,
    })
}
