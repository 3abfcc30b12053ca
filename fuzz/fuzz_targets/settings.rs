//! Every setting `reparent` reads (vtctld servers, API, durations, TLS name, log, allowed types,
//! Orchestrator's API), as arbitrary argument bytes through clap and `config`: never a panic;
//! either validated values within their bounds, or problems that name the setting.

#![no_main]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

use arbitrary::Arbitrary;
use clap::{CommandFactory, FromArgMatches};
use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::cli::{Cli, Command, accept_single_dash_long_flags};
use orc_vitess_hook::config::log::output_format;
use orc_vitess_hook::connection::{ConnectionSettings, ServerAddr};
use orc_vitess_hook::orchestrator::OrchestratorApi;
use orc_vitess_hook::record::recorder::LogSettings;
use orc_vitess_hook::settings::Problems;
use orc_vitess_hook::tablet::Promotable;

/// The settings given as `--flag=value`; the repeatable ones may come several times.
const FLAGS: &[&str] = &[
    "server",
    "api",
    "deadline",
    "attempt-timeout",
    "connect-timeout",
    "tls-server-name",
    "log-file",
    "log-format",
    "fsync",
    "allow-type",
    "orc-api-url",
    "orc-timeout",
    "orc-api-user",
    "output",
];
const REPEATABLE: &[&str] = &["server", "allow-type"];

#[derive(Debug, Arbitrary)]
struct Given {
    flag: u8,
    bytes: Vec<u8>,
}

fuzz_target!(|given: Vec<Given>| {
    let mut args: Vec<OsString> = vec!["orc-vitess-hook".into(), "reparent".into()];
    let mut seen = Vec::new();
    for g in given {
        let flag = FLAGS[usize::from(g.flag) % FLAGS.len()];
        if seen.contains(&flag) && !REPEATABLE.contains(&flag) {
            continue;
        }
        seen.push(flag);
        let mut arg = format!("--{flag}=").into_bytes();
        arg.extend(g.bytes.into_iter().filter(|b| *b != 0));
        args.push(OsString::from_vec(arg));
    }
    let command = Cli::command();
    let args = accept_single_dash_long_flags(&command, args);
    let parsed = command
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => panic!("clap refused raw settings: {e}"),
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
            assert!(message.contains("--") || message.contains("server"), "{message}");
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
