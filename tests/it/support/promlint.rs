//! The Prometheus project's own text-format parser and linter (`tests/promlint`: expfmt's
//! TextParser, as node_exporter's textfile collector and Prometheus's scrapes read it, and
//! promlint, what `promtool check metrics` runs) over an exposition, with what it parsed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

fn binary() -> &'static Path {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BUILT.get_or_init(|| super::go::build("tests/promlint", "promlint")) {
        Ok(path) => path,
        Err(why) => panic!("{why}"),
    }
}

/// Parses and lints `exposition`; panics with the parser's or linter's words when either
/// objects. Returns the families parsed: name → {type, help, samples: [{labels, value}]}.
pub fn check(exposition: &str) -> Value {
    let mut child = Command::new(binary())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start promlint");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(exposition.as_bytes())
        .expect("write to promlint");
    let out = child.wait_with_output().expect("promlint");
    assert!(
        out.status.success(),
        "promlint: {}\n{}\nof:\n{exposition}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("promlint's JSON")
}

/// The value of the sample of `family` whose labels include every pair of `labels`; `None`
/// when there is no such sample.
pub fn value(families: &Value, family: &str, labels: &[(&str, &str)]) -> Option<f64> {
    families[family]["samples"]
        .as_array()?
        .iter()
        .find(|sample| {
            labels
                .iter()
                .all(|(k, v)| sample["labels"][k].as_str() == Some(v))
        })
        .and_then(|sample| sample["value"].as_f64())
}

/// Parses `exposition` as OpenMetrics with the Prometheus project's Python client
/// (`tests/promlint/openmetrics.py`); panics with the parser's words when it refuses it. Returns
/// the families: name → {type, help, samples: [{name, labels, value}]}.
pub fn check_openmetrics(exposition: &str) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/promlint/openmetrics.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs the OpenMetrics parser (.ci/run installs prometheus-client)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(exposition.as_bytes())
        .expect("write to the parser");
    let out = child.wait_with_output().expect("the OpenMetrics parser");
    assert!(
        out.status.success(),
        "OpenMetrics parser: {}\n{}\nof:\n{exposition}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the parser's JSON")
}
