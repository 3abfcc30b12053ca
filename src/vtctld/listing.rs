//! Tablet listings as the safety rules read them, through whichever API a server serves, with
//! the session's retries: the one way `reparent` and `check` list tablets.

use crate::exit::Failure;
use crate::proto::topodata::Tablet;
use crate::proto::vtctldata::GetTabletsRequest;

use super::client::ApiKind;
use super::retry::{Rpc, Session};

/// A tablet listing, and whether it is strict: every cell read, or the call failed.
#[derive(Debug)]
pub struct Listing {
    pub tablets: Vec<Tablet>,
    pub strict: bool,
}

/// Every tablet, through GetTablets, or through the legacy API's `ListAllTablets` where a
/// server has only that API or `--api vtctl` asks for it. That one is never strict, whatever
/// was asked: the answer says which it was.
pub async fn list_tablets(session: &mut Session, strict: bool) -> Result<Listing, Failure> {
    let request = GetTabletsRequest {
        strict,
        ..GetTabletsRequest::default()
    };
    session
        .call(
            Rpc::ListTablets,
            async |client, index, api, budget| match api {
                ApiKind::Vtctld => Ok(Listing {
                    tablets: client.get_tablets(index, request.clone(), budget).await?,
                    strict,
                }),
                ApiKind::Vtctl => Ok(Listing {
                    tablets: client.list_tablets_legacy(index, budget).await?,
                    strict: false,
                }),
            },
        )
        .await
}

/// Whether a strict listing failed because a cell's topology cannot be read, as opposed to a
/// shard that does not exist. Vitess says `GetTabletsByCell(<cell>) failed` or `node doesn't
/// exist: /vitess/<cell>/...` (the topology's path) when listing every cell, and `partial
/// result: <cell>` for one shard.
pub fn cells_unreadable(failure: &Failure) -> bool {
    let message = &failure.message;
    ["partial result", "GetTabletsByCell(", "node doesn't exist"]
        .iter()
        .any(|m| message.contains(m))
}
