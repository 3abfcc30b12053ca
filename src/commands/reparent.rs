//! `reparent`: validate the failover, record it, tell vtctld, record what vtctld answered.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::time::Instant;

use crate::cli::VtctldArgs;
use crate::cli::{Api, OutputFormat, ReparentArgs};
use crate::event::{FailoverEvent, InvalidEvent};
use crate::exit::ExitStatus;
use crate::plan::{self, Decision, Target};
use crate::recorder::Recorder;
use crate::recovery_log::{Fields, Outcome};
use crate::settings::Settings;
use crate::vtctld::{self, Failure, Reparented, Session, millis, plural};

/// How long past `--deadline` the run may take to give up a call that ignores its own timeout.
const DEADLINE_MARGIN: Duration = Duration::from_millis(500);

/// What validation left for the run to do.
enum Plan {
    Reparent {
        target: Target,
        settings: Box<Settings>,
        session: Box<Session>,
    },
    Skip(String),
    NoSuccessor(String),
    Rejected {
        status: ExitStatus,
        message: String,
    },
}

pub fn run(args: ReparentArgs, output: OutputFormat) -> ExitStatus {
    let started = Instant::now();
    let ReparentArgs {
        event,
        log,
        vtctld,
        dry_run,
        verbose,
    } = args;

    let mut recorder = Recorder::new(log, output);
    let (event, plan) = validate(FailoverEvent::from_args(event), &vtctld, started, verbose);
    recorder.set_event(&event.fields, &event.notes);

    if dry_run {
        return dry_run_report(&recorder, &plan, output);
    }
    match plan {
        Plan::Rejected { status, message } => {
            recorder.finish(Outcome::Rejected, status, &error_fields(&message), &message)
        }
        Plan::Skip(reason) => {
            let mut fields = Fields::default();
            fields.push("reason", reason.clone());
            recorder.finish(
                Outcome::Skipped,
                ExitStatus::Done,
                &fields,
                &format!("skipped, nothing sent to vtctld: {reason}"),
            )
        }
        Plan::NoSuccessor(reason) => {
            let message = with_notes(&reason, &event.notes);
            recorder.finish(
                Outcome::Failed,
                ExitStatus::InvalidInput,
                &error_fields(&message),
                &message,
            )
        }
        Plan::Reparent {
            target, session, ..
        } => reparent(recorder, *session, &target, started),
    }
}

/// Validates the event, the settings and the decision, in that order of blame, and prepares the
/// vtctld session (no connection yet) when there is something to send.
fn validate(
    event: Result<FailoverEvent, InvalidEvent>,
    vtctld: &VtctldArgs,
    started: Instant,
    verbose: bool,
) -> (FailoverEvent, Plan) {
    let event = match event {
        Ok(event) => event,
        Err(invalid) => {
            let recorded = FailoverEvent {
                fields: invalid.fields,
                notes: invalid.notes,
                ..FailoverEvent::default()
            };
            let plan = Plan::Rejected {
                status: ExitStatus::InvalidInput,
                message: format!("invalid input: {}", invalid.problems.join("; ")),
            };
            return (recorded, plan);
        }
    };
    let config_error = |e: anyhow::Error| Plan::Rejected {
        status: ExitStatus::Config,
        message: format!("configuration: {e:#}"),
    };
    let settings = match Settings::from_args(vtctld) {
        Ok(settings) => settings,
        Err(e) => return (event, config_error(e)),
    };
    let plan = match plan::decide(&event, settings.verify_alias) {
        Err(problem) => Plan::Rejected {
            status: ExitStatus::InvalidInput,
            message: format!("invalid input: {problem}"),
        },
        Ok(Decision::Skip(reason)) => Plan::Skip(reason),
        Ok(Decision::NoSuccessor(reason)) => Plan::NoSuccessor(reason),
        Ok(Decision::Reparent(target)) => match Session::new(&settings, started, verbose) {
            Ok(session) => Plan::Reparent {
                target,
                settings: Box::new(settings),
                session: Box::new(session),
            },
            Err(e) => config_error(e),
        },
    };
    (event, plan)
}

fn reparent(
    mut recorder: Recorder,
    mut session: Session,
    target: &Target,
    started: Instant,
) -> ExitStatus {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let message = format!("cannot start the async runtime: {e}");
            return recorder.finish(
                Outcome::Failed,
                ExitStatus::Unavailable,
                &error_fields(&message),
                &message,
            );
        }
    };
    // Handlers go in before the first record, so a signal from here on always leaves an
    // `interrupted` record rather than killing the run between its two records.
    let (mut terminate, mut interrupt) = {
        let _context = runtime.enter();
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    let target_fields = target_fields(target);
    recorder.write(Outcome::Received, &target_fields);

    let ended = runtime.block_on(async {
        let guard = session.deadline() + DEADLINE_MARGIN;
        let work = tokio::time::timeout_at(guard, session.reparent(target));
        tokio::select! {
            result = work => Ended::Finished(result.unwrap_or_else(|_| Err(Failure {
                status: ExitStatus::DeadlinePassed,
                message: "deadline passed while a call to vtctld was still running".into(),
            }))),
            () = next_signal(&mut terminate) => Ended::Signal(libc::SIGTERM, "SIGTERM"),
            () = next_signal(&mut interrupt) => Ended::Signal(libc::SIGINT, "SIGINT"),
        }
    });
    // A DNS look-up may still sit in a blocking thread; do not wait for it.
    runtime.shutdown_background();

    let mut fields = target_fields;
    if let Some(alias) = &session.alias
        && !matches!(target, Target::Alias { .. })
    {
        fields.push("alias", alias.to_string());
    }
    if let Some(tablet) = &session.tablet {
        fields.push("tablet_keyspace", tablet.keyspace.clone());
        fields.push("tablet_shard", tablet.shard.clone());
    }
    let elapsed = started.elapsed();
    match ended {
        Ended::Finished(Ok(result)) => {
            let summary = summary(&session, &result, elapsed);
            push_result(&mut fields, &result);
            push_attempts(&mut fields, &session, elapsed);
            recorder.finish(Outcome::Ok, ExitStatus::Done, &fields, &summary)
        }
        Ended::Finished(Err(failure)) => {
            fields.push("error", failure.message.clone());
            push_attempts(&mut fields, &session, elapsed);
            recorder.finish(Outcome::Failed, failure.status, &fields, &failure.message)
        }
        Ended::Signal(number, name) => {
            let message = format!(
                "interrupted by {name} after {} attempt{}; vtctld may or may not have applied the reparent",
                session.attempts.len(),
                plural(session.attempts.len())
            );
            fields.push("signal", name);
            fields.push("error", message.clone());
            push_attempts(&mut fields, &session, elapsed);
            recorder.finish(
                Outcome::Interrupted,
                ExitStatus::Interrupted(number),
                &fields,
                &message,
            )
        }
    }
}

/// What the records say about the reparent's target before vtctld is asked anything.
fn target_fields(target: &Target) -> Fields {
    let mut fields = Fields::default();
    if let Target::Alias { alias, .. } = target {
        fields.push("alias", alias.to_string());
    }
    fields.push("alias_source", target.alias_source());
    if let Target::Lookup(successor) = target {
        fields.push("lookup", successor.to_string());
    }
    fields
}

enum Ended {
    Finished(Result<Reparented, Failure>),
    Signal(i32, &'static str),
}

/// Waits for the next delivery of a signal; forever if its handler could not be installed.
async fn next_signal(signal: &mut Option<Signal>) {
    match signal {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}

fn push_result(fields: &mut Fields, result: &Reparented) {
    fields.push("server", result.server.clone());
    fields.push("api", result.api.as_str());
    if let Some(keyspace) = &result.keyspace {
        fields.push("keyspace", keyspace.clone());
    }
    if let Some(shard) = &result.shard {
        fields.push("shard", shard.clone());
    }
    if let Some(new) = &result.new_primary {
        fields.push("new_primary", new.to_string());
    }
    if let Some(old) = &result.old_primary {
        fields.push("old_primary", old.to_string());
    }
    if !result.events.is_empty() {
        fields.push("vtctld_events", result.events.clone());
    }
}

fn push_attempts(fields: &mut Fields, session: &Session, elapsed: Duration) {
    fields.push("attempts", session.attempts.len());
    fields.push(
        "attempt_log",
        Value::Array(
            session
                .attempts
                .iter()
                .map(vtctld::Attempt::to_json)
                .collect(),
        ),
    );
    fields.push("duration_ms", millis(elapsed));
}

/// `reparented commerce/0: zone1-0000000101 is primary (was zone1-0000000100) via vtctld-a:15999
/// [vtctld api] in 12 ms, 1 attempt`
fn summary(session: &Session, result: &Reparented, elapsed: Duration) -> String {
    let keyspace = result
        .keyspace
        .clone()
        .or_else(|| session.tablet.as_ref().map(|t| t.keyspace.clone()));
    let shard = result
        .shard
        .clone()
        .or_else(|| session.tablet.as_ref().map(|t| t.shard.clone()));
    let scope = match (keyspace, shard) {
        (Some(k), Some(s)) if !k.is_empty() => format!(" {k}/{s}"),
        _ => String::new(),
    };
    let primary = result
        .new_primary
        .as_ref()
        .or(session.alias.as_ref())
        .map_or_else(|| "the successor".to_owned(), ToString::to_string);
    let was = result
        .old_primary
        .as_ref()
        .map(|old| format!(" (was {old})"))
        .unwrap_or_default();
    let attempts = session
        .attempts
        .iter()
        .filter(|a| a.rpc == vtctld::REPARENT_RPC)
        .count();
    let other_calls = session.attempts.len() - attempts;
    let look_ups = if other_calls > 0 {
        format!(" (+{other_calls} look-up call{})", plural(other_calls))
    } else {
        String::new()
    };
    format!(
        "reparented{scope}: {primary} is primary{was} via {} [{} api] in {} ms, {attempts} attempt{}{look_ups}",
        result.server,
        result.api.as_str(),
        millis(elapsed),
        plural(attempts)
    )
}

fn error_fields(message: &str) -> Fields {
    let mut fields = Fields::default();
    fields.push("error", message.to_owned());
    fields
}

fn with_notes(message: &str, notes: &[String]) -> String {
    if notes.is_empty() {
        message.to_owned()
    } else {
        format!("{message} ({})", notes.join("; "))
    }
}

/// `--dry-run`: the planned record and RPC, with nothing written and no connection.
fn dry_run_report(recorder: &Recorder, plan: &Plan, output: OutputFormat) -> ExitStatus {
    let none = Fields::default;
    let (action, outcome, status, detail, rpc, fields) = match plan {
        Plan::Rejected { status, message } => (
            "reject",
            Outcome::Rejected,
            *status,
            message.clone(),
            Value::Null,
            none(),
        ),
        Plan::Skip(reason) => (
            "skip",
            Outcome::Skipped,
            ExitStatus::Done,
            format!("would skip, nothing sent to vtctld: {reason}"),
            Value::Null,
            none(),
        ),
        Plan::NoSuccessor(reason) => (
            "fail",
            Outcome::Failed,
            ExitStatus::InvalidInput,
            with_notes(reason, &recorder.notes()),
            Value::Null,
            none(),
        ),
        Plan::Reparent {
            target, settings, ..
        } => (
            "reparent",
            Outcome::Received,
            ExitStatus::Done,
            planned_reparent_text(target, settings),
            planned_rpc(target, settings),
            target_fields(target),
        ),
    };
    let record = recorder.planned_record(outcome, &fields);
    match output {
        OutputFormat::Json => {
            let object = json!({
                "dry_run": true,
                "action": action,
                "exit_status": status.code(),
                "message": detail,
                "log_file": recorder.log_file().display().to_string(),
                "record": record.to_json_value(),
                "rpc": rpc,
                "notes": recorder.notes(),
            });
            println!("{object}");
        }
        OutputFormat::Text => {
            let line = format!("dry run: {detail}");
            if status.is_success() {
                println!("{line}");
            } else {
                eprintln!("error: {line}");
            }
            println!(
                "dry run: would append to {}: {}",
                recorder.log_file().display(),
                recorder.render(&record)
            );
        }
    }
    status
}

fn planned_reparent_text(target: &Target, settings: &Settings) -> String {
    let servers: Vec<String> = settings.servers.iter().map(ToString::to_string).collect();
    let method = match settings.api {
        Api::Auto => format!(
            "{} (falling back to {} on UNIMPLEMENTED)",
            vtctld::TYPED_REPARENT_METHOD,
            vtctld::LEGACY_METHOD
        ),
        Api::Vtctld => vtctld::TYPED_REPARENT_METHOD.to_owned(),
        Api::Vtctl => vtctld::LEGACY_METHOD.to_owned(),
    };
    let who = match target {
        Target::Alias {
            alias,
            verify_against: None,
        } => format!("{alias}"),
        Target::Alias {
            alias,
            verify_against: Some(successor),
        } => format!(
            "{alias} after checking with {} that it is {successor}",
            vtctld::GET_TABLET_METHOD
        ),
        Target::Lookup(successor) => format!(
            "the tablet of MySQL {successor} (alias looked up with {})",
            vtctld::GET_TABLETS_METHOD
        ),
    };
    format!(
        "would make {who} the shard primary: {method} via {} within {} ms",
        servers.join(", "),
        millis(settings.deadline)
    )
}

fn planned_rpc(target: &Target, settings: &Settings) -> Value {
    let alias = match target {
        Target::Alias { alias, .. } => Some(alias),
        Target::Lookup(_) => None,
    };
    let typed = json!({
        "method": vtctld::TYPED_REPARENT_METHOD,
        "request": {"tablet": alias.map(|a| json!({"cell": a.cell(), "uid": a.uid()}))},
    });
    let attempt_ns = u64::try_from(settings.attempt_timeout.min(settings.deadline).as_nanos())
        .unwrap_or(u64::MAX);
    let legacy = json!({
        "method": vtctld::LEGACY_METHOD,
        "request": {
            "args": alias.map(vtctld::legacy_args),
            "action_timeout": attempt_ns,
        },
    });
    let calls = match settings.api {
        Api::Auto => json!([typed, legacy]),
        Api::Vtctld => json!([typed]),
        Api::Vtctl => json!([legacy]),
    };
    let (lookup, verify) = match target {
        Target::Lookup(successor) => (
            json!({"method": vtctld::GET_TABLETS_METHOD, "mysql": successor.to_string()}),
            Value::Null,
        ),
        Target::Alias {
            alias,
            verify_against: Some(successor),
        } => (
            Value::Null,
            json!({"method": vtctld::GET_TABLET_METHOD, "alias": alias.to_string(), "mysql": successor.to_string()}),
        ),
        Target::Alias { .. } => (Value::Null, Value::Null),
    };
    let tls = settings.tls.as_ref();
    json!({
        "servers": settings.servers.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "api": match settings.api { Api::Auto => "auto", Api::Vtctld => "vtctld", Api::Vtctl => "vtctl" },
        "reparent": calls,
        "lookup": lookup,
        "verify": verify,
        "deadline_ms": millis(settings.deadline),
        "attempt_timeout_ms": millis(settings.attempt_timeout),
        "connect_timeout_ms": millis(settings.connect_timeout),
        "tls": tls.is_some(),
        "mutual_tls": tls.is_some_and(|t| t.identity_pem.is_some()),
        "tls_server_name": tls.and_then(|t| t.server_name.clone()),
        "static_auth_user": settings.auth.as_ref().map(|a| a.username.clone()),
    })
}
