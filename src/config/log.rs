//! Log and output settings (`LogArgs`, `--output`) → [`LogSettings`], [`OutputFormat`]. None
//! of them may cost a failover its record: a bad value is a problem, warned about and recorded,
//! and the default stands in for it.

use std::ffi::OsStr;
use std::path::PathBuf;

use crate::cli::{DEFAULT_LOG_FILE, LogArgs, setting};
use crate::output::OutputFormat;
use crate::record::format::LogFormat;
use crate::record::recorder::LogSettings;
use crate::settings::Problems;

impl LogSettings {
    /// Reads the log settings; a bad one is a problem, and the default stands in for it so the
    /// failover can still be recorded.
    pub fn from_args(args: &LogArgs, problems: &mut Problems) -> Self {
        let given = args.log_file.as_os_str();
        let usable = !given.is_empty() && !given.to_str().is_some_and(crate::event::is_placeholder);
        if !usable {
            problems.push(
                setting::LOG_FILE,
                given,
                &format!("expected a file path (records go to {DEFAULT_LOG_FILE} instead)"),
            );
        }
        let path = if usable {
            args.log_file.clone()
        } else {
            PathBuf::from(DEFAULT_LOG_FILE)
        };
        let format = problems
            .choice(
                setting::LOG_FORMAT,
                &args.log_format,
                &[("logfmt", LogFormat::Logfmt), ("json", LogFormat::Json)],
            )
            .unwrap_or(LogFormat::Logfmt);
        Self {
            path,
            format,
            fsync: problems.boolean(setting::FSYNC, args.fsync.as_deref()),
            metrics_textfile: metrics_textfile(args, problems),
        }
    }
}

/// Reads `--output`; text stands in for a bad value.
pub fn output_format(raw: &OsStr, problems: &mut Problems) -> OutputFormat {
    problems
        .choice(
            setting::OUTPUT,
            raw,
            &[("text", OutputFormat::Text), ("json", OutputFormat::Json)],
        )
        .unwrap_or(OutputFormat::Text)
}

/// `--metrics-textfile`: a file path; node_exporter's textfile collector reads only `*.prom`.
fn metrics_textfile(args: &LogArgs, problems: &mut Problems) -> Option<PathBuf> {
    let path = args.metrics_textfile.as_ref()?;
    let name = path.file_name().and_then(|n| n.to_str());
    if !name.is_some_and(|n| n.len() > ".prom".len() && n.ends_with(".prom")) {
        problems.push(
            setting::METRICS_TEXTFILE,
            path.as_os_str(),
            "expected a file named *.prom (node_exporter's textfile collector reads only \
             those; the default is none)",
        );
        return None;
    }
    Some(path.clone())
}
