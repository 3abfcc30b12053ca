//! Talking to vtctld: a client with one method per RPC, and a retry policy (what a failed attempt
//! means, and a loop that rotates through the servers within one deadline).

pub mod call_error;
pub mod classify;
pub mod client;
pub mod diagnose;
pub mod legacy_listing;
pub mod listing;
pub mod retry;

pub use client::{ApiKind, CallError, Client, Reparented};
pub use listing::list_tablets;
pub use retry::{Rpc, Session};

pub const TYPED_REPARENT_METHOD: &str = "/vtctlservice.Vtctld/TabletExternallyReparented";
pub const LEGACY_METHOD: &str = "/vtctlservice.Vtctl/ExecuteVtctlCommand";
pub const GET_TABLETS_METHOD: &str = "/vtctlservice.Vtctld/GetTablets";
