//! The integration tests: one binary (support code compiles once), one module per behaviour
//! area. Every test runs the built `orc-vitess-hook` with a clean environment against real
//! servers on 127.0.0.1 (see `support`).

mod support;

mod check;
mod discover;
mod dry_run;
mod generated_docs;
mod interop;
mod metrics;
mod orchestrator;
mod orchestrator_config;
mod properties;
mod reconcile;
mod record;
mod recovery_log;
mod safety;
mod textfile;
mod tls;
mod turns;
mod vtctld;
mod wire;
mod worst_case;
