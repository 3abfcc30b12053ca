//! `check`'s vtctld half: every server in turn (connection, TLS, auth, which APIs answer, round
//! trip), the strict listing `reparent` proves a successor with, and with `--tablet` the same
//! rules' verdict on that tablet. Each result is a line of the report; it never writes the log.

use std::time::{Duration, Instant};

use tonic::Code;

use crate::alias::TabletAlias;
use crate::connection::ConnectionSettings;
use crate::exit::FailureKind;
use crate::proto::topodata::Tablet;
use crate::successor::{self, Resolution, Scope};
use crate::tablet::{self, Promotable};
use crate::vtctld::client::{CallError, millis};
use crate::vtctld::diagnose::Mismatch;
use crate::vtctld::listing::cells_unreadable;
use crate::vtctld::{Client, Rpc, Session, list_tablets};

use super::Check;

/// Every server in turn, one harmless call per API; then, through the servers that answered,
/// the listings `reparent` proves a successor with.
pub(super) fn check_servers(
    settings: &ConnectionSettings,
    alias: Option<&TabletAlias>,
    promotable: Promotable,
) -> (Vec<Check>, Option<Vec<Tablet>>) {
    let client = match Client::new(settings, false) {
        Ok(client) => client,
        Err(e) => {
            let failed = Check::fail("settings", FailureKind::Config, format!("{e:#}"));
            return (vec![failed], None);
        }
    };
    let runtime = match crate::commands::runtime() {
        Ok(runtime) => runtime,
        Err(failure) => {
            return (
                vec![Check::fail("runtime", failure.kind, failure.message)],
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
        let mut answered = Vec::new();
        for index in 0..client.server_count() {
            let (check, answers) = check_server(&mut client, index, &budget).await;
            if answers {
                answered.push(client.server(index).clone());
            }
            checks.push(check);
        }
        // A server that answered neither API already failed its check; listing through it
        // would only spend the deadline on it.
        if answered.is_empty() {
            if let Some(alias) = alias {
                let why = "cannot be judged: no server answered";
                checks.push(Check::fail(
                    format!("tablet {alias}"),
                    FailureKind::InvalidInput,
                    why,
                ));
            }
            return (checks, None);
        }
        let listing = ConnectionSettings {
            servers: answered,
            ..settings.clone()
        };
        let client = match Client::new(&listing, false) {
            Ok(client) => client,
            Err(e) => {
                checks.push(Check::fail(
                    "settings",
                    FailureKind::Config,
                    format!("{e:#}"),
                ));
                return (checks, None);
            }
        };
        let deadline = tokio::time::Instant::from_std(deadline);
        let mut session = Session::new(client, settings.api, settings.attempt_timeout, deadline);
        let (listed, tablets) = check_listings(&mut session, alias, promotable).await;
        checks.extend(listed);
        (checks, tablets)
    });
    runtime.shutdown_timeout(Duration::from_millis(10));
    checks
}

/// One server: which APIs answer a harmless read, and how fast; a broken connection is asked
/// why, as `reparent` does. Whether it answered at all decides whether it is listed through.
async fn check_server(
    client: &mut Client,
    index: usize,
    budget: &impl Fn() -> Duration,
) -> (Check, bool) {
    let name = format!("server {}", client.server(index));
    let started = Instant::now();
    let limit = budget();
    let typed = client
        .get_cell_info_names(index, limit)
        .await
        .map_err(|e| e.local_timeout_as_timeout(limit));
    let typed_ms = millis(started.elapsed());
    // A connection that broke without saying why: ask the server, as reparent does.
    let typed = match typed {
        Err(CallError::Connect(words)) if client.is_connected(index) => {
            match client.diagnose(index, budget()).await {
                Some((mismatch, said)) => Err(CallError::Handshake(mismatch, said)),
                None => Err(CallError::Connect(words)),
            }
        }
        other => other,
    };
    let started = Instant::now();
    // A server that did not answer the first call is not asked again.
    let unresponsive = matches!(
        typed,
        Err(CallError::Timeout(_)
            | CallError::Connect(_)
            | CallError::Handshake(..)
            | CallError::Tls(_))
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
    }
    if legacy.is_ok() {
        served.push(format!("legacy Vtctl API in {legacy_ms} ms"));
    }
    if served.is_empty() {
        // Both failed: the typed API's error says why (unreachable, refused us, …).
        let error = typed.err().map_or(CallError::Timeout(limit), |e| e);
        let check = Check::fail(name, kind_of(&error), error.describe(client.server(index)));
        (check, false)
    } else {
        (Check::pass(name, served.join("; ")), true)
    }
}

/// The call `reparent` makes before it sends anything, through the same function: one strict
/// listing of every cell (the legacy API's, never strict, on a legacy-only vtctld); with
/// `--tablet`, the same rules' verdict on that tablet.
async fn check_listings(
    session: &mut Session,
    alias: Option<&TabletAlias>,
    promotable: Promotable,
) -> (Vec<Check>, Option<Vec<Tablet>>) {
    let mut checks = Vec::new();
    let listed = list_tablets(session, true).await;
    let legacy_only = session.only_legacy(Rpc::ListTablets);
    let listing = match listed {
        Ok(listing) => listing,
        Err(failure) => {
            let cannot_list = failure.kind == FailureKind::VtctldRefused
                && (legacy_only || crate::vtctld::retry::cannot_run_command(&failure.message));
            let check = if cannot_list {
                Check::fail(
                    "tablets",
                    FailureKind::InvalidInput,
                    format!(
                        "vtctld serves only the legacy API and could not list tablets ({}): \
                         reparent can verify no successor and refuses every failover unless \
                         --allow-unverified-alias",
                        failure.message
                    ),
                )
            } else if failure.kind == FailureKind::VtctldRefused && cells_unreadable(&failure) {
                Check::fail(
                    "tablets",
                    FailureKind::InvalidInput,
                    format!(
                        "vtctld cannot read every cell ({}): reparent can prove no successor \
                         and refuses every failover unless --allow-unverified-alias",
                        failure.message
                    ),
                )
            } else {
                Check::fail("tablets", failure.kind, failure.message)
            };
            checks.push(check);
            if let Some(alias) = alias {
                checks.push(Check::fail(
                    format!("tablet {alias}"),
                    FailureKind::InvalidInput,
                    "cannot be judged: vtctld did not list its tablets",
                ));
            }
            return (checks, None);
        }
    };
    let count = listing.tablets.len();
    let via = if listing.strict {
        "GetTablets, strict: every cell read"
    } else {
        "legacy ListAllTablets: vtctld serves only the legacy API, never strict, so reparent \
         refuses any choice that needs the whole fleet"
    };
    checks.push(Check::pass(
        "tablets",
        format!(
            "{count} tablet{} listed ({via})",
            crate::output::plural(count)
        ),
    ));
    if let Some(alias) = alias {
        let scope = if listing.strict {
            Scope::WholeFleet
        } else {
            Scope::Fleet
        };
        checks.push(tablet_check(alias, &listing.tablets, scope, promotable));
    }
    (checks, Some(listing.tablets))
}

/// Which class an error of a server's belongs to.
fn kind_of(error: &CallError) -> FailureKind {
    match error {
        CallError::Tls(_) | CallError::Handshake(Mismatch::ClientCertificateRefused, _) => {
            FailureKind::NotAccepted
        }
        CallError::Status(status)
            if matches!(
                status.code(),
                Code::Unauthenticated | Code::PermissionDenied
            ) =>
        {
            FailureKind::NotAccepted
        }
        CallError::Status(_) | CallError::Unreadable(_) => FailureKind::VtctldRefused,
        CallError::Connect(_) | CallError::Handshake(..) | CallError::Timeout(_) => {
            FailureKind::Unreachable
        }
    }
}

/// What `reparent` would decide were Orchestrator to fail `alias`'s shard over to it now.
fn tablet_check(
    alias: &TabletAlias,
    tablets: &[Tablet],
    scope: Scope,
    promotable: Promotable,
) -> Check {
    let name = format!("tablet {alias}");
    let described = tablets
        .iter()
        .find(|t| tablet::alias_of(t).as_ref() == Some(alias))
        .map(|found| {
            let (host, port) = tablet::mysql_endpoint(found);
            format!(
                "{}/{} {}, mysql {host}:{port}",
                found.keyspace,
                found.shard,
                tablet::type_name(found.r#type)
            )
        });
    let Some(described) = described else {
        return Check::fail(
            name,
            FailureKind::InvalidInput,
            format!("{alias} is not in vtctld's tablet list"),
        );
    };
    let refused = |why: String| {
        Check::fail(
            format!("tablet {alias}"),
            FailureKind::InvalidInput,
            format!("{described}: {why}"),
        )
    };
    match successor::may_become_primary(tablets, scope, alias, promotable) {
        Resolution::Chosen(chosen) => match &chosen.confirm {
            // Only a strict listing of every cell proves it, and there was none.
            Some(why) => refused(format!(
                "refusing to reparent: {why}, and no strict listing of every cell proves it"
            )),
            None if chosen.already_primary => Check::pass(
                name,
                format!("{described}, already the primary of its shard"),
            ),
            None => Check::pass(name, format!("{described}, may become primary")),
        },
        Resolution::Refused(refusal) => refused(refusal.to_string()),
    }
}
