//! What a `reparent --dry-run` says it would do: the plan in words, and the calls as JSON.

use serde_json::{Value, json};

use super::{Job, Plan};
use crate::connection::Api;
use crate::exit::{ExitStatus, Outcome};
use crate::record::recorder::{Conclusion, Recorder};
use crate::vtctld;
use crate::vtctld::client::{legacy_args, millis};

/// The dry run's report: what the real run would conclude, or the reparent it would send.
pub(super) fn report(recorder: Recorder, plan: Plan) -> ExitStatus {
    match plan {
        Plan::Conclude(conclusion) => {
            let conclusion = *conclusion;
            let action = match conclusion.outcome {
                Outcome::Skipped => "skip",
                Outcome::Rejected => "reject",
                _ => "fail",
            };
            recorder.dry_run(conclusion, action, Value::Null)
        }
        Plan::Reparent(job) => {
            let message = planned_text(&job);
            let rpc = planned_rpc(&job);
            let conclusion = Conclusion::success(Outcome::Received, message, job.details);
            recorder.dry_run(conclusion, "reparent", rpc)
        }
    }
}

fn planned_text(job: &Job) -> String {
    let servers: Vec<String> = job
        .settings
        .servers
        .iter()
        .map(ToString::to_string)
        .collect();
    let method = match job.settings.api {
        Api::Auto => format!(
            "{} (falling back to {} where a server has no such service)",
            vtctld::TYPED_REPARENT_METHOD,
            vtctld::LEGACY_METHOD
        ),
        Api::Vtctld => vtctld::TYPED_REPARENT_METHOD.to_owned(),
        Api::Vtctl => vtctld::LEGACY_METHOD.to_owned(),
    };
    let question = &job.question;
    let who = match (&question.alias, &question.successor) {
        (Some(alias), _) => alias.to_string(),
        (None, Some(successor)) => format!("the tablet of MySQL {successor}"),
        (None, None) => "the successor".to_owned(),
    };
    let shard = match (&question.failed, &question.cluster_shard) {
        (Some(failed), _) => format!("the shard of the failed primary {failed}"),
        (None, Some(shard)) => shard.to_string(),
        (None, None) => "an unknown shard (exact, fleet-unique match only)".to_owned(),
    };
    let latest = job
        .latest
        .as_ref()
        .map(|check| format!(", {}", check.planned()))
        .unwrap_or_default();
    format!(
        "would make {who} primary of {shard} after checking it with {}: {method} via {} within {} ms{latest}",
        vtctld::GET_TABLETS_METHOD,
        servers.join(", "),
        millis(job.settings.deadline)
    )
}

fn planned_rpc(job: &Job) -> Value {
    let settings = &job.settings;
    let alias = job.question.alias.as_ref();
    let typed = json!({
        "method": vtctld::TYPED_REPARENT_METHOD,
        "request": {"tablet": alias.map(|a| json!({"cell": a.cell(), "uid": a.uid()}))},
    });
    let legacy = json!({
        "method": vtctld::LEGACY_METHOD,
        "request": {
            "args": alias.map(legacy_args),
            "action_timeout": u64::try_from(settings.attempt_timeout.as_nanos()).unwrap_or(u64::MAX),
        },
    });
    let calls = match settings.api {
        Api::Auto => json!([typed, legacy]),
        Api::Vtctld => json!([typed]),
        Api::Vtctl => json!([legacy]),
    };
    let shard = job.question.cluster_shard.as_ref();
    let tls = settings.tls.as_ref();
    json!({
        "servers": settings.servers.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "api": settings.api.as_str(),
        "lookup": {
            "method": vtctld::GET_TABLETS_METHOD,
            "request": {
                "keyspace": shard.map(|s| s.keyspace.clone()),
                "shard": shard.map(|s| s.shard.clone()),
            },
            "failed": job.question.failed.as_ref().map(ToString::to_string),
            "mysql": job.question.successor.as_ref().map(ToString::to_string),
        },
        "reparent": calls,
        "deadline_ms": millis(settings.deadline),
        "attempt_timeout_ms": millis(settings.attempt_timeout),
        "connect_timeout_ms": millis(settings.connect_timeout),
        "tls": tls.is_some(),
        "mutual_tls": tls.is_some_and(|t| t.identity_pem.is_some()),
        "tls_server_name": tls.and_then(|t| t.server_name.clone()),
        "static_auth_user": settings.auth.as_ref().map(|a| a.username.clone()),
    })
}
