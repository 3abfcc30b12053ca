//! Shared by every integration test: the fake vtctld, the Orchestrator-style runner, and helpers
//! that run the built binary with a clean environment.

#![allow(dead_code)]

pub mod fake_orchestrator;
pub mod fake_vtctld;
pub mod go;
pub mod hook;
pub mod interop;
pub mod orchestrator;
pub mod promlint;
pub mod scenario;
pub mod tls;
