//! orc-vitess-hook: an Orchestrator failover hook that records the failover and tells Vitess's
//! vtctld which tablet is the new shard primary.
//!
//! The binary is a thin `main` over [`run`]; the modules are public so the integration tests,
//! the fake vtctld and the generated docs can share the real definitions.

// No unwrap outside tests; where an invariant makes a failure impossible, a comment says why.
#![warn(clippy::unwrap_used)]

pub mod alias;
pub mod budget;
pub mod cli;
pub mod commands;
pub mod config;
pub mod connection;
pub mod endpoint;
pub mod event;
pub mod exit;
#[doc(hidden)]
pub mod fuzzing;
pub mod history;
pub mod in_place;
pub mod metrics;
pub mod orchestrator;
pub mod output;
pub mod plan;
pub mod reconcile;
pub mod record;

pub mod settings;
pub mod shard;
pub mod signals;
pub mod successor;
pub mod tablet;
pub mod vtctld;

/// Vitess's protocol messages and services, generated from the trimmed copies in `proto/`.
#[allow(missing_debug_implementations, clippy::all)]
pub mod proto {
    pub mod vttime {
        tonic::include_proto!("vttime");
    }
    pub mod logutil {
        tonic::include_proto!("logutil");
    }
    pub mod topodata {
        tonic::include_proto!("topodata");
    }
    pub mod vtctldata {
        tonic::include_proto!("vtctldata");
    }
    pub mod vtctlservice {
        tonic::include_proto!("vtctlservice");
    }
}

pub use commands::run;
