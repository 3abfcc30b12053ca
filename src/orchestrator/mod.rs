//! Orchestrator's HTTP API: the only HTTP the tool makes. `api` is the client (one escaped `GET`,
//! its answer streamed and capped), `answer` reads Orchestrator's envelope and listings as they
//! stream in, `instances` and `recoveries` type what is read of them. `config::orchestrator` builds the client
//! from the settings.

pub mod answer;
pub mod api;
pub mod instances;
pub mod recoveries;

pub use api::{ApiError, OrchestratorApi};
pub use instances::{Cluster, Instance, InstanceKey, NullInt64};
pub use recoveries::Recovery;
