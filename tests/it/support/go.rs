//! The Go test peers (`tests/interop`: Vitess's own vtctld; `tests/promlint`: the Prometheus
//! project's own exposition parser and linter), built with `go build` into Cargo's directory for
//! integration tests' files; Go caches the build.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the Go module in `module` (relative to the crate) into `name`; the error says what to
/// install when Go is missing, or the build's output when it failed.
pub fn build(module: &str, name: &str) -> Result<PathBuf, String> {
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join(module);
    let output = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let built = Command::new("go")
        .args(["build", "-buildvcs=false", "-o"])
        .arg(&output)
        .arg(".")
        .current_dir(&module)
        .output()
        .map_err(|e| {
            format!(
                "the test peers in tests/interop and tests/promlint are built with Go 1.26.8 or \
                 newer (`go` on PATH; Debian: golang, or https://go.dev/dl): cannot run go: {e}"
            )
        })?;
    if built.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "go build in {} failed:\n{}",
            module.display(),
            String::from_utf8_lossy(&built.stderr)
        ))
    }
}
