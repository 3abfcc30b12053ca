//! Every setting `reparent` reads (vtctld servers, API, durations, TLS name, log, allowed types,
//! Orchestrator's API), as arbitrary argument bytes through clap and `config`: never a panic;
//! either validated values within their bounds, or problems that name the setting.

#![no_main]

#[path = "framed.rs"]
mod framed;

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::cli::Command;
use orc_vitess_hook::config::log::output_format;
use orc_vitess_hook::connection::{ConnectionSettings, ServerAddr};
use orc_vitess_hook::orchestrator::OrchestratorApi;
use orc_vitess_hook::record::recorder::LogSettings;
use orc_vitess_hook::settings::Problems;
use orc_vitess_hook::tablet::Promotable;

/// The settings' variables, as `cli::setting` names them (`ORC_VITESS_HOOK_ALLOW_TYPES` and
/// the API password's too).
const VARIABLES: &[&str] = &[
    "ORC_VITESS_HOOK_SERVER",
    "ORC_VITESS_HOOK_API",
    "ORC_VITESS_HOOK_DEADLINE",
    "ORC_VITESS_HOOK_ATTEMPT_TIMEOUT",
    "ORC_VITESS_HOOK_CONNECT_TIMEOUT",
    "ORC_VITESS_HOOK_TLS_SERVER_NAME",
    "ORC_VITESS_HOOK_LOG_FILE",
    "ORC_VITESS_HOOK_LOG_FORMAT",
    "ORC_VITESS_HOOK_FSYNC",
    "ORC_VITESS_HOOK_ALLOW_TYPES",
    "ORC_VITESS_HOOK_ORC_API_URL",
    "ORC_VITESS_HOOK_ORC_TIMEOUT",
    "ORC_VITESS_HOOK_ORC_API_USER",
    "ORC_VITESS_HOOK_ORC_API_PASSWORD",
    "ORC_VITESS_HOOK_OUTPUT",
];

// The input: entries separated by NUL. `ORC_VITESS_HOOK_NAME=value` for a variable above sets
// it; any other entry is an argument of `reparent` (`--deadline=90s`, `-server`, `x:1`, …).
// A line clap cannot parse is a usage error, not a setting's problem.
fuzz_target!(|data: &[u8]| {
    let args = framed::command_line(data, "reparent", VARIABLES);
    let parsed = framed::parse(args);
    let Ok(cli) = parsed else {
        return;
    };
    let Command::Reparent(reparent) = cli.command else {
        panic!("not reparent");
    };
    match ConnectionSettings::from_args(&reparent.connection) {
        Ok(settings) => {
            let within = |d: Duration, max: u64| {
                (Duration::from_millis(10)..=Duration::from_secs(max)).contains(&d)
            };
            assert!(within(settings.deadline, 3600));
            assert!(within(settings.attempt_timeout, 3600));
            assert!(settings.attempt_timeout <= settings.deadline);
            assert!(within(settings.connect_timeout, 600));
            for server in &settings.servers {
                let again = ServerAddr::parse(&server.to_string()).expect("a shown server parses");
                assert_eq!(&again, server);
                assert_ne!(server.port(), 0);
            }
        }
        Err(e) => {
            let message = format!("{e:#}");
            assert!(
                message.contains("--") || message.contains("server"),
                "{message}"
            );
        }
    }
    let mut problems = Problems::default();
    let _log = LogSettings::from_args(&reparent.log, &mut problems);
    let _output = output_format(&cli.output, &mut problems);
    let _promotable = Promotable::from_settings(&reparent.safety.allow_types, &mut problems);
    let _api = OrchestratorApi::from_args(&reparent.orchestrator, &mut problems);
    if let Some(message) = problems.into_message() {
        assert!(message.contains("--"), "{message}");
    }
});
