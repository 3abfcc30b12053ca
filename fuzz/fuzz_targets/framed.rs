//! What the targets reading a command line share (`event`, `settings`, `daemons`): its framing,
//! entries separated by NUL (which neither an argument nor a variable can hold), where
//! `NAME=value` for one of the given variables sets it and any other entry is an argument of
//! the command; and clap's parse of the line, as `main` parses it.

use std::cell::RefCell;
use std::ffi::{CString, OsStr, OsString, c_char, c_int};
use std::os::unix::ffi::OsStringExt;
use std::sync::{Mutex, PoisonError};

use clap::{CommandFactory, FromArgMatches};
use orc_vitess_hook::cli::{Cli, accept_single_dash_long_flags};

/// Clears `variables`, sets those `data` names, and returns `command`'s command line.
pub fn command_line(data: &[u8], command: &str, variables: &[&str]) -> Vec<OsString> {
    for variable in variables {
        // SAFETY: libFuzzer runs the target on this one thread; nothing else reads the
        // environment meanwhile.
        unsafe { std::env::remove_var(variable) };
    }
    SET.with_borrow_mut(|set| {
        // Nothing in the environment points into them any more.
        set.clear();
        let mut args: Vec<OsString> = vec!["orc-vitess-hook".into(), command.into()];
        for entry in data.split(|b| *b == 0) {
            let variable = variables
                .iter()
                .find(|v| entry.starts_with(v.as_bytes()) && entry.get(v.len()) == Some(&b'='));
            match variable {
                Some(_) => set.push(put_variable(entry)),
                None => args.push(OsString::from_vec(entry.to_vec())),
            }
        }
        args
    })
}

thread_local! {
    /// The `NAME=value` strings the environment points to, until the next input. glibc's
    /// `setenv` (under `std::env::set_var`) keeps every value ever set, tens of megabytes a
    /// minute at the fuzzer's pace; `putenv` lends the environment a string we free ourselves.
    static SET: RefCell<Vec<CString>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" {
    fn putenv(string: *mut c_char) -> c_int;
}

/// Puts `NAME=value` (an entry, free of NUL) into the environment; the environment points to
/// the string returned until the variable is removed.
fn put_variable(entry: &[u8]) -> CString {
    let string = CString::new(entry).expect("entries are split at NUL");
    // SAFETY: as above; the string lives in `SET` until the variable is removed again.
    let status = unsafe { putenv(string.as_ptr().cast_mut()) };
    assert_eq!(status, 0, "putenv");
    string
}

thread_local! {
    /// clap's command, built once: building it costs more than a parse.
    static COMMAND: RefCell<clap::Command> = RefCell::new(Cli::command());
    /// The command as `main` has it before its parse, never built: its long flags are the ones
    /// `accept_single_dash_long_flags` knows there (building adds `--help` and `--version`).
    static UNBUILT: clap::Command = Cli::command();
}

/// A command line as `main` parses it, in the environment as it is now. clap reads a setting's
/// variable when the argument is built, so the command built for an earlier input has every
/// variable read again first, as a fresh process would.
pub fn parse(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    COMMAND.with_borrow_mut(|command| {
        let built = std::mem::take(command);
        *command = built
            .mut_args(read_variable)
            .mut_subcommands(|sub| sub.mut_args(read_variable));
        let args = UNBUILT.with(|unbuilt| accept_single_dash_long_flags(unbuilt, args));
        command
            .try_get_matches_from_mut(&args)
            .and_then(|matches| Cli::from_arg_matches(&matches))
    })
}

/// The argument with its variable's value read now.
fn read_variable(arg: clap::Arg) -> clap::Arg {
    match arg.get_env().map(variable_name) {
        Some(variable) => arg.env(variable),
        None => arg,
    }
}

/// The variable's name for `Arg::env`, which takes only a `'static` one (clap without its
/// `string` feature, as the tool builds it): each name is leaked once, on its first use.
fn variable_name(name: &OsStr) -> &'static str {
    /// In a static, not a thread-local: LeakSanitizer (the AddressSanitizer builds) counts what
    /// a static reaches as kept, not leaked.
    static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let name = name
        .to_str()
        .expect("the tool's variables are named in ASCII");
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    match names.iter().find(|n| **n == name) {
        Some(known) => known,
        None => {
            let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
            names.push(leaked);
            leaked
        }
    }
}
