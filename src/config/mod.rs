//! From clap's raw text to validated settings: the only modules that read `cli`'s argument
//! structs.
//!
//! `cli` hands every value over as raw text, so that a bad one is the tool's own configuration
//! error (a record and exit 78) or a problem of the event (a record and exit 65), never a usage
//! error that records nothing. Each reader here names the flag, variable, value and expectation
//! of every problem it finds; the domain modules below it only ever see the validated types.

pub mod connection;
pub mod event;
pub mod log;
pub mod orchestrator;
pub mod promotable;
