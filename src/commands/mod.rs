//! One module per subcommand; each is a short story told with the library's modules.

mod reparent;

use crate::cli::{Cli, Command};
use crate::exit::ExitStatus;

/// Runs the parsed command line and says how it ended.
pub fn run(cli: Cli) -> ExitStatus {
    match cli.command {
        Command::Reparent(args) => reparent::run(*args, cli.output),
    }
}
