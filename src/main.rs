//! Entry point: parse the command line, run it, turn the result into an exit status.

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use orc_vitess_hook::cli::Cli;
use orc_vitess_hook::exit::ExitStatus;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
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
