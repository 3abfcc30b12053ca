//! Entry point: parse the command line, run it, turn the result into an exit status.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};
use orc_vitess_hook::cli::{Cli, accept_single_dash_long_flags};
use orc_vitess_hook::exit::ExitStatus;

fn parse() -> Result<Cli, clap::Error> {
    let command = Cli::command();
    let args = accept_single_dash_long_flags(&command, std::env::args_os());
    Cli::from_arg_matches(&command.try_get_matches_from(args)?)
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; every real usage error exits 64 (EX_USAGE).
            let status = match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                    if !e.use_stderr() =>
                {
                    ExitStatus::Done
                }
                _ => ExitStatus::Usage,
            };
            let _ = e.print();
            return ExitCode::from(status.code());
        }
    };
    ExitCode::from(orc_vitess_hook::run(cli).code())
}
