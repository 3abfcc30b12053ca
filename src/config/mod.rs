//! From clap's raw text to validated settings: the only modules that read `cli`'s argument
//! structs.
//!
//! `cli` hands every value over as raw text, so that a bad one is the tool's own configuration
//! error (a record and exit 78) or a problem of the event (a record and exit 65), never a usage
//! error that records nothing. Each reader here names the flag, variable, value and expectation
//! of every problem it finds; the domain modules below it only ever see the validated types.

pub mod connection;
pub mod event;
pub mod log;
pub mod metrics;
pub mod orchestrator;
pub mod promotable;

use std::path::Path;

use anyhow::{Context, Result, bail};

/// Files named by settings (TLS material, credentials, passwords) are small; anything larger is
/// not what it should be.
const MAX_SETTINGS_FILE: u64 = 1024 * 1024;

/// Reads a small regular file. A FIFO, a device or a directory is refused before any read, so a
/// wrong path can neither block the hook nor feed it without end.
pub(crate) fn read_small_file(path: &Path, what: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    if path.as_os_str().is_empty() {
        bail!("{what}: the path is empty, expected a file");
    }
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if !meta.is_file() {
        bail!("{what} {}: not a regular file", path.display());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_SETTINGS_FILE + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if bytes.len() as u64 > MAX_SETTINGS_FILE {
        bail!("{what} {}: larger than 1 MiB", path.display());
    }
    Ok(bytes)
}
