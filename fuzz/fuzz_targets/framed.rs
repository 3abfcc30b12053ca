//! The framing the `event` and `settings` targets share: entries separated by NUL (which
//! neither an argument nor a variable can hold). `NAME=value` for one of the given variables
//! sets it; any other entry is an argument of `reparent`.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// Clears `variables`, sets those `data` names, and returns `reparent`'s command line.
pub fn reparent_line(data: &[u8], variables: &[&str]) -> Vec<OsString> {
    for variable in variables {
        // SAFETY: libFuzzer runs the target on this one thread; nothing else reads the
        // environment meanwhile.
        unsafe { std::env::remove_var(variable) };
    }
    let mut args: Vec<OsString> = vec!["orc-vitess-hook".into(), "reparent".into()];
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
