//! `discover`: what Vitess's tablets once told Orchestrator themselves. From vtctld's tablet
//! list, every MySQL instance is registered (`discover`), given its promotion rule
//! (`register-candidate`), and every shard's cluster is given its `keyspace.shard` alias
//! (`set-cluster-alias`). One pass, or one every `--interval` until a signal.
//!
//! This file holds the run: the settings, vtctld's listing, one pass and the pass loop.

mod forget;
mod plan;
mod register;
mod report;
mod watch;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::cli::{DiscoverArgs, setting};
use crate::config::log::output_format;
use crate::config::metrics::metrics_listen;
use crate::connection::ConnectionSettings;
use crate::exit::{ExitStatus, Failure, FailureKind};
use crate::metrics::daemon::{Daemon, DaemonMetrics, Discovered, PassResult};
use crate::orchestrator::OrchestratorApi;
use crate::output;
use crate::output::OutputFormat;
use crate::proto::topodata::Tablet;
use crate::proto::vtctldata::GetTabletsRequest;
use crate::settings::Problems;
use crate::signals;
use crate::tablet;
use crate::vtctld::Rpc;

use self::plan::RULE_NAMES;
use self::report::Pass;

/// vtctld's tablets, and whether the list is whole.
struct Listing {
    tablets: Vec<Tablet>,
    /// Why the strict listing failed, when what was listed leaves out what vtctld could not read.
    partial: Option<String>,
}

/// Validated settings.
pub(crate) struct Discover {
    pub(crate) settings: ConnectionSettings,
    pub(crate) api: Option<Arc<OrchestratorApi>>,
    pub(crate) filter: GetTabletsRequest,
    pub(crate) rules: BTreeMap<i32, &'static str>,
    pub(crate) concurrency: usize,
    pub(crate) interval: Option<Duration>,
    /// `--metrics-listen`, with `--interval`.
    pub(crate) listen: Option<SocketAddr>,
    pub(crate) forget_missing: bool,
    /// How long to wait before forgetting, and how much the listing may shrink.
    pub(crate) forget: forget::Limits,
    pub(crate) dry_run: bool,
    format: OutputFormat,
}

pub fn run(args: DiscoverArgs, output: &OsStr) -> ExitStatus {
    let discover = match validate(&args, output) {
        Ok(discover) => discover,
        Err(failure) => {
            output::err(&format!("error: {}", failure.message));
            return failure.kind.status();
        }
    };
    match discover.interval {
        None => {
            let pass = discover.pass(None);
            pass.report(discover.format, discover.dry_run);
            pass.status()
        }
        Some(interval) => {
            let orc_timeout = discover.api.as_ref().map(|api| api.timeout());
            let step = discover
                .settings
                .deadline
                .max(orc_timeout.unwrap_or_default());
            match super::interval::serve_metrics(Daemon::Discover, interval, step, discover.listen)
            {
                Ok(metrics) => discover.repeat(interval, &metrics),
                Err(status) => status,
            }
        }
    }
}

pub(crate) fn validate(args: &DiscoverArgs, output: &OsStr) -> Result<Discover, Failure> {
    let mut problems = Problems::default();
    let format = output_format(output, &mut problems);
    let settings = ConnectionSettings::from_args(&args.connection)
        .and_then(|s| s.require_servers().map(|()| s));
    let api = OrchestratorApi::from_args(&args.orchestrator, &mut problems);
    if api.is_none() && !args.dry_run && args.orchestrator.orc_api_url.is_none() {
        problems.push_message(
            "no Orchestrator API given: set --orc-api-url URL or ORC_VITESS_HOOK_ORC_API_URL"
                .into(),
        );
    }
    let rules = promotion_rules(args, &mut problems);
    let concurrency = concurrency(args, &mut problems);
    let interval = args.interval.as_deref().and_then(|raw| {
        problems.duration(
            setting::INTERVAL,
            raw,
            Duration::from_secs(1),
            Duration::from_secs(86_400),
        )
    });
    let expiry = problems.duration(
        setting::CANDIDATE_EXPIRY,
        &args.candidate_expiry,
        Duration::from_secs(60),
        Duration::from_secs(30 * 86_400),
    );
    let forget_after = problems.duration(
        setting::FORGET_AFTER,
        &args.forget_after,
        Duration::from_secs(60),
        Duration::from_secs(30 * 86_400),
    );
    let listen = metrics_listen(&args.metrics, interval, &mut problems);
    let forget_max_shrink = forget_max_shrink(args, &mut problems);
    let filter = tablet_filter(args, &mut problems);
    let settings = match (settings, problems.into_message()) {
        (Ok(settings), None) => settings,
        (settings, others) => {
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
    warn_if_rules_may_expire(interval, expiry);
    Ok(Discover {
        settings,
        api: api.map(Arc::new),
        filter,
        rules,
        concurrency: concurrency.unwrap_or(8),
        interval,
        listen,
        forget_missing: args.forget_missing,
        forget: forget::Limits {
            after: forget_after.unwrap_or(Duration::from_secs(600)),
            max_shrink: forget_max_shrink.unwrap_or(10.0) / 100.0,
        },
        dry_run: args.dry_run,
        format,
    })
}

/// Vitess's rules, with every `--promotion-rule TYPE=RULE` over them.
fn promotion_rules(args: &DiscoverArgs, problems: &mut Problems) -> BTreeMap<i32, &'static str> {
    let mut rules = plan::default_rules();
    for raw in &args.promotion_rules {
        let Some(text) = problems.text(setting::PROMOTION_RULE, raw) else {
            continue;
        };
        let parsed = text.split_once('=').and_then(|(kind, rule)| {
            let kind = tablet::parse_type(kind)?;
            let rule = RULE_NAMES.iter().find(|r| **r == rule.trim())?;
            Some((kind as i32, *rule))
        });
        match parsed {
            Some((kind, rule)) => {
                rules.insert(kind, rule);
            }
            None => problems.push(
                setting::PROMOTION_RULE,
                raw,
                "expected TYPE=RULE, a tablet type and one of prefer, neutral, prefer_not, must_not",
            ),
        }
    }
    rules
}

/// `--concurrency`: from 1 to 256.
fn concurrency(args: &DiscoverArgs, problems: &mut Problems) -> Option<usize> {
    let concurrency = problems
        .text(setting::CONCURRENCY, &args.concurrency)
        .and_then(|t| t.trim().parse::<usize>().ok())
        .filter(|n| (1..=256).contains(n));
    if concurrency.is_none() {
        problems.push(
            setting::CONCURRENCY,
            &args.concurrency,
            "expected a number from 1 to 256",
        );
    }
    concurrency
}

/// `--forget-max-shrink`: a percentage from 0 to 100, the `%` optional.
fn forget_max_shrink(args: &DiscoverArgs, problems: &mut Problems) -> Option<f64> {
    let forget_max_shrink = problems
        .text(setting::FORGET_MAX_SHRINK, &args.forget_max_shrink)
        .map(|t| t.trim())
        .and_then(|t| t.strip_suffix('%').unwrap_or(t).trim().parse::<f64>().ok())
        .filter(|p| (0.0..=100.0).contains(p));
    if forget_max_shrink.is_none() {
        problems.push(
            setting::FORGET_MAX_SHRINK,
            &args.forget_max_shrink,
            "expected a percentage from 0 to 100, like 10%",
        );
    }
    forget_max_shrink
}

/// The strict `GetTablets` request of `--keyspace`, `--shard` and `--cell`.
fn tablet_filter(args: &DiscoverArgs, problems: &mut Problems) -> GetTabletsRequest {
    let name = |raw: &Option<std::ffi::OsString>, problems: &mut Problems, setting| {
        raw.as_deref()
            .and_then(|raw| problems.shard_name(setting, raw))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let keyspace = name(&args.keyspace, problems, setting::KEYSPACE);
    let shard = name(&args.shard, problems, setting::SHARD);
    if args.keyspace.is_none() && args.shard.is_some() {
        problems.push_message("--shard needs --keyspace".into());
    }
    let cells: Vec<String> = args
        .cells
        .iter()
        .filter_map(|c| problems.cell_name(setting::CELL, c))
        .map(str::to_owned)
        .collect();
    if args.forget_missing && !cells.is_empty() {
        problems.push_message(
            "--forget-missing cannot be combined with --cell: a shard's tablets in other cells \
             would look missing and be forgotten"
                .into(),
        );
    }
    GetTabletsRequest {
        keyspace,
        shard,
        cells,
        // A cell vtctld cannot read must fail the listing, not leave that cell's tablets
        // out of it; `tablets` then lists again, not strictly, and says what is missing.
        strict: true,
        ..GetTabletsRequest::default()
    }
}

/// Warns when promotion rules may expire between passes.
fn warn_if_rules_may_expire(interval: Option<Duration>, expiry: Option<Duration>) {
    if let (Some(interval), Some(expiry)) = (interval, expiry)
        && interval > expiry / 2
    {
        output::err(&format!(
            "warning: --interval {} is more than half the candidate expiry ({}): promotion rules \
             may expire between passes",
            humantime::format_duration(interval),
            humantime::format_duration(expiry)
        ));
    }
}

impl Discover {
    /// vtctld's tablets, listed strictly; when a cell cannot be read, listed again without
    /// `strict` so the rest is still registered, with the strict listing's failure kept.
    fn tablets(&self) -> Result<Listing, Failure> {
        match self.list(true) {
            Ok(tablets) => Ok(Listing {
                tablets,
                partial: None,
            }),
            // A hopeless answer (a cell's topology that cannot be read among them); anything
            // else (vtctld unreachable, a signal) would fail the second listing as well.
            Err(strict) if strict.kind == FailureKind::VtctldRefused => {
                let tablets = self.list(false)?;
                Ok(Listing {
                    tablets,
                    partial: Some(strict.message),
                })
            }
            Err(failure) => Err(failure),
        }
    }

    /// One `GetTablets` (through the retry loop, within the deadline), ended by a signal.
    fn list(&self, strict: bool) -> Result<Vec<Tablet>, Failure> {
        let (runtime, mut session) = super::vtctld_session(&self.settings)?;
        let request = GetTabletsRequest {
            strict,
            ..self.filter.clone()
        };
        let tablets = runtime.block_on(async {
            tokio::select! {
                tablets = session.call(
                    Rpc::GetTablets,
                    async |client, index, _, budget| {
                        client.get_tablets(index, request.clone(), budget).await
                    },
                ) => tablets,
                (number, name) = signals::wait() => Err(Failure::new(
                    FailureKind::Interrupted(number),
                    format!("{name} while listing vtctld's tablets"),
                )),
            }
        });
        runtime.shutdown_background();
        tablets
    }

    /// One pass: list, register, alias, forget. `previous` is how many tablets the previous
    /// pass listed, in interval mode.
    fn pass(&self, previous: Option<usize>) -> Pass {
        let mut pass = Pass::default();
        let listing = match self.tablets() {
            Ok(listing) => listing,
            Err(failure) => {
                pass.fail(failure.kind, format!("vtctld: {}", failure.message));
                return pass;
            }
        };
        let tablets = &listing.tablets;
        if let Some(why) = &listing.partial {
            pass.fail(
                FailureKind::VtctldRefused,
                format!(
                    "vtctld: the tablet list is partial ({why}): registered what vtctld could \
                     read; no alias set, nothing forgotten"
                ),
            );
        } else {
            pass.listed = Some(tablets.len());
        }
        let plan = plan::plan(&self.rules, tablets);
        pass.skipped = plan.skipped.clone();
        pass.warnings = plan.warnings.clone();
        let Some(api) = self.api.as_ref().filter(|_| !self.dry_run) else {
            pass.dry_run(&plan);
            return pass;
        };
        let clusters = register::register(api, self.concurrency, &plan, &mut pass);
        if listing.partial.is_none() {
            register::alias(api, &plan, &clusters, &mut pass);
        }
        if self.forget_missing {
            forget::forget_if_safe(api, &plan, &clusters, previous, self.forget, &mut pass);
        }
        if let Some((number, name)) = signals::caught()
            && !pass
                .kinds
                .iter()
                .any(|k| matches!(k, FailureKind::Interrupted(_)))
        {
            pass.fail(
                FailureKind::Interrupted(number),
                format!("{name}: the pass stopped before its end"),
            );
        }
        pass
    }

    /// Passes until a signal, each after the interval varied by ±25 %, logging only changes.
    fn repeat(&self, interval: Duration, metrics: &DaemonMetrics) -> ExitStatus {
        let mut changes = watch::Changes::default();
        // How many tablets the last whole listing held, for --forget-max-shrink.
        let mut listed: Option<usize> = None;
        super::interval::repeat(interval, metrics, || {
            let pass = self.pass(listed);
            listed = pass.listed.or(listed);
            changes.log(&pass, self.format);
            metrics.discovered(Discovered {
                registered: pass.registered.len(),
                forgotten: pass.forgotten.len(),
                aliases: pass.aliases.len(),
                listed: pass.listed,
            });
            let result = if pass.kinds.is_empty() {
                PassResult::Ok
            } else {
                PassResult::Failed
            };
            (result, pass.kinds)
        })
    }
}
