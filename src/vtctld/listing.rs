//! Tablet listings as the safety rules read them, through whichever API a server serves, with
//! the session's retries: the one way `reparent` and `check` list tablets.

use crate::exit::Failure;
use crate::proto::topodata::Tablet;
use crate::proto::vtctldata::GetTabletsRequest;
use crate::tablet::Shard;

use super::client::{ApiKind, CallError};
use super::retry::{Rpc, Session};

/// Tablets through GetTablets (filtered to `shard` when given), or through the legacy API's
/// listings where a server has only that API or `--api vtctl` asks for it. The legacy listings
/// are never strict: `strict` on a legacy-only path fails the attempt before any call, so ask
/// [`Session::only_legacy`] first.
pub async fn list_tablets(
    session: &mut Session,
    shard: Option<&Shard>,
    strict: bool,
) -> Result<Vec<Tablet>, Failure> {
    let request = GetTabletsRequest {
        keyspace: shard.map(|s| s.keyspace.clone()).unwrap_or_default(),
        shard: shard.map(|s| s.shard.clone()).unwrap_or_default(),
        strict,
        ..GetTabletsRequest::default()
    };
    session
        .call(
            Rpc::ListTablets,
            async |client, index, api, budget| match api {
                ApiKind::Vtctld => client.get_tablets(index, request.clone(), budget).await,
                ApiKind::Vtctl if strict => Err(CallError::Unreadable(
                    "the legacy API has no strict listing of every cell".into(),
                )),
                ApiKind::Vtctl => client.list_tablets_legacy(index, shard, budget).await,
            },
        )
        .await
}
