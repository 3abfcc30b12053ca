//! What the targets reading a command line share (`event`, `settings`, `daemons`): its framing,
//! entries separated by NUL (which neither an argument nor a variable can hold), where
//! `NAME=value` for one of the given variables sets it and any other entry is an argument of
//! the command; and clap's parse of the line, as `main` parses it.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use clap::{CommandFactory, FromArgMatches};
use orc_vitess_hook::cli::{Cli, accept_single_dash_long_flags};

/// Clears `variables`, sets those `data` names, and returns `command`'s command line.
pub fn command_line(data: &[u8], command: &str, variables: &[&str]) -> Vec<OsString> {
    for variable in variables {
        // SAFETY: libFuzzer runs the target on this one thread; nothing else reads the
        // environment meanwhile.
        unsafe { std::env::remove_var(variable) };
    }
    let mut args: Vec<OsString> = vec!["orc-vitess-hook".into(), command.into()];
    for entry in data.split(|b| *b == 0) {
        let variable = variables
            .iter()
            .find(|v| entry.starts_with(v.as_bytes()) && entry.get(v.len()) == Some(&b'='));
        match variable {
            Some(variable) => {
                let value = OsString::from_vec(entry[variable.len() + 1..].to_vec());
                // SAFETY: as above.
                unsafe { std::env::set_var(variable, value) };
            }
            None => args.push(OsString::from_vec(entry.to_vec())),
        }
    }
    args
}

/// A command line as `main` parses it, with clap's command built afresh: clap reads a
/// setting's variable when the command is built, so one built for an earlier input would keep
/// that input's environment.
pub fn parse(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let mut command = Cli::command();
    let args = accept_single_dash_long_flags(&command, args);
    command
        .try_get_matches_from_mut(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
}
