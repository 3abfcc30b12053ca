//! Entry point: parse the command line, run it, turn the result into an exit status.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};
use orc_vitess_hook::cli::{Cli, accept_single_dash_long_flags};
use orc_vitess_hook::commands;
use orc_vitess_hook::exit::ExitStatus;
use orc_vitess_hook::record::recorder::install_panic_hook;
use orc_vitess_hook::signals;

fn main() -> ExitCode {
    install_panic_hook();
    signals::install();
    let command = Cli::command();
    let args = accept_single_dash_long_flags(&command, std::env::args_os());
    let parsed = command
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let status = match parsed {
        Ok(cli) => commands::run(cli),
        // --help and --version are not errors.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) && !e.use_stderr() =>
        {
            let _ = e.print();
            ExitStatus::Done
        }
        Err(e) => commands::usage_error(&e, &args),
    };
    ExitCode::from(status.code())
}
