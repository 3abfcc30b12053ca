//! `orchestrator-config`: the orchestrator.conf.json keys that run this tool, printed or merged
//! into the operator's file.
//!
//! The hook lines carry no placeholders (Orchestrator's `ORC_*` variables carry every value) and
//! only the settings given here, made absolute and quoted for the `bash` Orchestrator runs them
//! with. Graceful takeovers already run PostMasterFailoverProcesses: `reparent` goes there only.
//!
//! This file holds the run: the settings checked as `reparent` checks them, the binary's path,
//! and where the document goes; `keys` makes our keys, `merge` merges them into `--merge`'s file.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::cli::{OrchestratorConfigArgs, setting};
use crate::connection::ConnectionSettings;
use crate::exit::{ExitStatus, Failure, FailureKind};
use crate::in_place;
use crate::output;
use crate::settings::Problems;

mod keys;
mod merge;

use keys::{CommonFlags, absolute};

pub fn run(args: OrchestratorConfigArgs) -> ExitStatus {
    match build(&args).and_then(|text| deliver(&args, &text)) {
        Ok(()) => ExitStatus::Done,
        Err(failure) => {
            output::err(&format!("error: {}", failure.message));
            failure.kind.status()
        }
    }
}

/// The document on stdout, or with `--in-place` into the `--merge` file, replaced atomically.
fn deliver(args: &OrchestratorConfigArgs, text: &str) -> Result<(), Failure> {
    let failed = |message: String| Failure::new(FailureKind::OutputFailed, message);
    match (&args.merge, args.in_place) {
        (Some(path), true) => {
            let replaced =
                in_place::replace(path, format!("{text}\n").as_bytes()).map_err(|e| {
                    failed(format!(
                        "--in-place: {e:#}; {} is unchanged",
                        path.display()
                    ))
                })?;
            output::out(&format!(
                "merged into {}; its previous content is in {}",
                replaced.file.display(),
                replaced.backup.display()
            ));
            Ok(())
        }
        _ => output::document(text).map_err(|e| {
            failed(format!(
                "cannot write the configuration to stdout ({} bytes): {e}",
                text.len() + 1
            ))
        }),
    }
}

/// The document to deliver: our keys, alone or merged into the `--merge` file.
fn build(args: &OrchestratorConfigArgs) -> Result<String, Failure> {
    let config = |message: String| Failure::new(FailureKind::Config, message);
    let (ours, binary) = our_keys(args)?;
    match &args.merge {
        None => serde_json::to_string_pretty(&Value::Object(ours))
            .map_err(|e| Failure::new(FailureKind::Internal, format!("cannot print JSON: {e}"))),
        Some(path) => merge::merged(path, ours, &binary, args.legacy_metadata_queries, config),
    }
}

/// `--merge`'s work on the text of an operator's file, as `build` does it (the document and the
/// warnings): the fuzz target's way in, which reads no file.
pub(crate) fn merge_text(
    args: &OrchestratorConfigArgs,
    text: &str,
) -> Result<(String, Vec<String>), Failure> {
    let (ours, binary) = our_keys(args)?;
    let refused = |why: String| Failure::new(FailureKind::Config, format!("--merge: {why}"));
    merge::merged_text(text, ours, &binary, args.legacy_metadata_queries, refused)
}

/// Our keys for these settings, and the binary's absolute path they run.
fn our_keys(args: &OrchestratorConfigArgs) -> Result<(Map<String, Value>, PathBuf), Failure> {
    let config = |message: String| Failure::new(FailureKind::Config, message);
    // The same validation as `reparent`'s: a line that would fail there is refused here.
    let settings = ConnectionSettings::from_args(&args.connection)
        .and_then(|s| s.require_servers().map(|()| s))
        .map_err(|e| config(format!("configuration: {e:#}")))?;
    let mut problems = Problems::default();
    let table = problems.choice(
        setting::MYSQL_FLAVOR,
        &args.mysql_flavor,
        &[
            ("mysql", "performance_schema.global_variables"),
            ("mariadb", "information_schema.GLOBAL_VARIABLES"),
        ],
    );
    // The log's settings, which the hooks would take a default for, are refused here.
    let _ = crate::record::recorder::LogSettings::from_args(&args.log, &mut problems);
    if let Some(message) = problems.into_message() {
        return Err(config(format!("configuration: {message}")));
    }
    let binary = match &args.binary {
        Some(given) => binary_path(given).map_err(config)?,
        None => invoked_as().map_err(|e| config(format!("{e}; give --binary")))?,
    };
    let common = keys::common_flags(&args.connection, &args.log, &settings);
    hook_words_fit(&binary, &common).map_err(config)?;
    let ours = keys::hook_keys(args, &binary, &common, table);
    Ok((ours, binary))
}

/// JSON carries text only, and Orchestrator replaces `{word}` anywhere in a hook line, even
/// between quotes: a value that is not text, or holds a placeholder, would break the line.
fn hook_words_fit(binary: &Path, common: &CommonFlags) -> Result<(), String> {
    for word in std::iter::once(binary.as_os_str())
        .chain(common.connection.iter().map(OsString::as_os_str))
        .chain(common.log.iter().map(OsString::as_os_str))
    {
        let Some(text) = word.to_str() else {
            return Err(format!(
                "{:?} is not UTF-8 text, which a JSON hook line cannot carry",
                word.to_string_lossy()
            ));
        };
        if text.contains('{') && text.contains('}') {
            return Err(format!(
                "{text:?} holds {{…}}, which Orchestrator would replace as a placeholder"
            ));
        }
    }
    Ok(())
}

/// The path this binary was run by, absolute but with symbolic links kept: a line that names
/// the versioned file a link points to would break at the next upgrade.
fn invoked_as() -> Result<PathBuf, String> {
    let argv0 = std::env::args_os()
        .next()
        .ok_or_else(|| "cannot find this binary's path".to_owned())?;
    let argv0 = PathBuf::from(argv0);
    if argv0.components().count() > 1 {
        return Ok(absolute(&argv0));
    }
    // Run by name: the first match on PATH, as the shell found it.
    on_path(argv0.as_os_str()).map_or_else(
        || std::env::current_exe().map_err(|e| format!("cannot find this binary's path ({e})")),
        Ok,
    )
}

/// What `--binary` gives, as an absolute path: a bare name (no `/`) is looked up on PATH as the
/// shell would; anything else is made absolute, symbolic links kept. Either must be an
/// executable regular file.
fn binary_path(given: &Path) -> Result<PathBuf, String> {
    let shown = given.to_string_lossy();
    if !given.as_os_str().as_bytes().contains(&b'/') {
        let path = std::env::var_os("PATH").unwrap_or_default();
        return on_path(given.as_os_str()).ok_or_else(|| {
            format!(
                "--binary: {shown:?}: expected an executable regular file of that name in a \
                 directory on PATH ({:?}), or a path; none found",
                path.to_string_lossy()
            )
        });
    }
    let path = absolute(given);
    match executable_file(&path) {
        Ok(()) => Ok(path),
        Err(why) => Err(format!(
            "--binary: {shown:?}: expected an executable regular file; {why}"
        )),
    }
}

/// The first executable regular file called `name` in PATH's directories, made absolute.
fn on_path(name: &OsStr) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| absolute(&dir.join(name)))
        .find(|candidate| executable_file(candidate).is_ok())
}

/// Whether `path` (symbolic links followed) is a regular file with an execute bit; if not, why.
fn executable_file(path: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot stat it: {e}"))?;
    if !meta.is_file() {
        return Err("it is not a regular file".to_owned());
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Err(format!(
            "it is not executable (mode {:o})",
            meta.permissions().mode() & 0o7777
        ));
    }
    Ok(())
}
