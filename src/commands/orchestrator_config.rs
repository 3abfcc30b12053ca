//! `orchestrator-config`: the orchestrator.conf.json keys that run this tool, printed or merged
//! into the operator's file.
//!
//! The hook lines carry no placeholders (Orchestrator's `ORC_*` variables carry every value) and
//! only the settings given here, made absolute and quoted for the `bash` Orchestrator runs them
//! with. Graceful takeovers already run PostMasterFailoverProcesses: `reparent` goes there only.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::cli::{ConnectionArgs, HOOKS, LogArgs, OrchestratorConfigArgs};
use crate::connection::ConnectionSettings;
use crate::exit::{ExitStatus, Failure, FailureKind};
use crate::output;
use crate::settings::{Problems, Setting};

const FLAVOR: Setting = Setting::new("--mysql-flavor", "ORC_VITESS_HOOK_MYSQL_FLAVOR");

/// The semi-sync variables of MySQL 8.0 and MariaDB (`master`) and MySQL 8.4 (`source`).
const WAIT_NO_REPLICA: &str =
    "'rpl_semi_sync_master_wait_no_slave','rpl_semi_sync_source_wait_no_replica'";
const TIMEOUT: &str = "'rpl_semi_sync_master_timeout','rpl_semi_sync_source_timeout'";

/// Vitess's queries reading `_vt.local_metadata`, which Vitess stopped filling in v16.
const LEGACY_METADATA_QUERIES: &[(&str, &str)] = &[
    (
        "DetectClusterAliasQuery",
        "SELECT value FROM _vt.local_metadata WHERE name='ClusterAlias'",
    ),
    (
        "DetectInstanceAliasQuery",
        "SELECT value FROM _vt.local_metadata WHERE name='Alias'",
    ),
    (
        "DetectPromotionRuleQuery",
        "SELECT value FROM _vt.local_metadata WHERE name='PromotionRule'",
    ),
];

/// Semi-sync is enforced when the primary waits for an acknowledgement even without replicas
/// and for longer than 1000 s (Vitess's sample). One row, 0 or 1, and no error when the plugin is
/// not loaded (its variables are then missing, and the aggregate is NULL, hence 0).
pub fn semi_sync_query(table: &str) -> String {
    format!(
        "SELECT COALESCE(MAX(CASE WHEN LOWER(variable_name) IN ({WAIT_NO_REPLICA}) THEN \
         variable_value IN ('ON','1') END) AND MAX(CASE WHEN LOWER(variable_name) IN ({TIMEOUT}) \
         THEN CAST(variable_value AS UNSIGNED) > 1000000 END), 0) AS semi_sync_enforced FROM \
         {table} WHERE LOWER(variable_name) IN ({WAIT_NO_REPLICA},{TIMEOUT})"
    )
}

pub fn run(args: OrchestratorConfigArgs) -> ExitStatus {
    match build(&args) {
        Ok(text) => {
            output::document(&text);
            ExitStatus::Done
        }
        Err(failure) => {
            output::err(&format!("error: {}", failure.message));
            failure.kind.status()
        }
    }
}

fn build(args: &OrchestratorConfigArgs) -> Result<String, Failure> {
    let config = |message: String| Failure::new(FailureKind::Config, message);
    // The same validation as `reparent`'s: a line that would fail there is refused here.
    let settings = ConnectionSettings::from_args(&args.connection)
        .and_then(|s| s.require_servers().map(|()| s))
        .map_err(|e| config(format!("configuration: {e:#}")))?;
    let mut problems = Problems::default();
    let table = problems.choice(
        FLAVOR,
        &args.mysql_flavor,
        &[
            ("mysql", "performance_schema.global_variables"),
            ("mariadb", "information_schema.GLOBAL_VARIABLES"),
        ],
    );
    if let Some(message) = problems.into_message() {
        return Err(config(format!("configuration: {message}")));
    }
    let binary = match &args.binary {
        Some(path) => absolute(path),
        None => std::env::current_exe().map_err(|e| {
            config(format!(
                "cannot find this binary's path ({e}); give --binary"
            ))
        })?,
    };
    let common = common_flags(&args.connection, &args.log, &settings);
    let mut keys = Map::new();
    let line = |words: &[OsString]| {
        let mut all = vec![binary.clone().into_os_string()];
        all.extend_from_slice(words);
        Value::from(bash_line(&all))
    };
    let mut reparent = vec![OsString::from("reparent")];
    reparent.extend(common.connection.iter().cloned());
    reparent.extend(common.log.iter().cloned());
    keys.insert(
        "PostMasterFailoverProcesses".into(),
        Value::Array(vec![line(&reparent)]),
    );
    if args.all_hooks {
        for (hook, _) in HOOKS.iter().filter(|(h, _)| *h != "PostMasterFailover") {
            let mut record: Vec<OsString> = vec!["record".into(), "--hook".into(), (*hook).into()];
            record.extend(common.log.iter().cloned());
            keys.insert(
                format!("{hook}Processes"),
                Value::Array(vec![line(&record)]),
            );
        }
    }
    keys.insert(
        "DetectSemiSyncEnforcedQuery".into(),
        Value::from(semi_sync_query(
            table.unwrap_or("performance_schema.global_variables"),
        )),
    );
    if args.legacy_metadata_queries {
        for (key, query) in LEGACY_METADATA_QUERIES {
            keys.insert((*key).into(), Value::from(*query));
        }
    }
    let document = match &args.merge {
        None => keys,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| config(format!("--merge {}: cannot read it: {e}", path.display())))?;
            let Value::Object(existing) = serde_json::from_str(&text)
                .map_err(|e| config(format!("--merge {}: not valid JSON: {e}", path.display())))?
            else {
                return Err(config(format!(
                    "--merge {}: expected a JSON object, as orchestrator.conf.json is",
                    path.display()
                )));
            };
            for warning in warnings(&existing, args.legacy_metadata_queries) {
                output::err(&format!("warning: {warning}"));
            }
            merge(existing, keys)
        }
    };
    serde_json::to_string_pretty(&Value::Object(document))
        .map_err(|e| Failure::new(FailureKind::Internal, format!("cannot print JSON: {e}")))
}

/// The settings a hook line carries: only those given (a default is left to the hook's own).
struct CommonFlags {
    connection: Vec<OsString>,
    log: Vec<OsString>,
}

fn common_flags(
    connection: &ConnectionArgs,
    log: &LogArgs,
    settings: &ConnectionSettings,
) -> CommonFlags {
    let mut c: Vec<OsString> = Vec::new();
    let flag = |list: &mut Vec<OsString>, name: &str, value: OsString| {
        list.push(format!("--{name}").into());
        list.push(value);
    };
    for server in &settings.servers {
        flag(&mut c, "server", server.to_string().into());
    }
    if settings.api.as_str() != "auto" {
        flag(&mut c, "api", settings.api.as_str().into());
    }
    for (name, value, default) in [
        ("deadline", &connection.deadline, "60s"),
        ("attempt-timeout", &connection.attempt_timeout, "15s"),
        ("connect-timeout", &connection.connect_timeout, "3s"),
    ] {
        if value != OsStr::new(default) {
            flag(&mut c, name, value.clone());
        }
    }
    for (name, path) in [
        ("tls-ca", &connection.tls_ca),
        ("tls-cert", &connection.tls_cert),
        ("tls-key", &connection.tls_key),
        ("auth-static-creds", &connection.auth_static_creds),
    ] {
        if let Some(path) = path {
            flag(&mut c, name, absolute(path).into_os_string());
        }
    }
    if let Some(name) = &connection.tls_server_name {
        flag(&mut c, "tls-server-name", name.clone());
    }
    let mut l: Vec<OsString> = Vec::new();
    if log.log_file != Path::new(crate::cli::DEFAULT_LOG_FILE) {
        flag(&mut l, "log-file", absolute(&log.log_file).into_os_string());
    }
    if log.log_format != OsStr::new("logfmt") {
        flag(&mut l, "log-format", log.log_format.clone());
    }
    if let Some(value) = &log.fsync {
        // A flag whose value is optional takes it only as `--fsync=VALUE`.
        let mut joined = OsString::from("--fsync=");
        joined.push(value);
        l.push(joined);
    }
    CommonFlags {
        connection: c,
        log: l,
    }
}

/// A path Orchestrator can use from its own working directory.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// Words joined into one line `bash` reads back as the same words: anything but plain
/// characters is single-quoted.
pub fn bash_line(words: &[OsString]) -> String {
    words
        .iter()
        .map(|word| {
            let text = word.to_string_lossy();
            let plain = !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-./:=,@+%".contains(&b));
            if plain {
                text.into_owned()
            } else {
                format!("'{}'", text.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a hook line runs this tool (any path to a binary named orc-vitess-hook).
fn is_ours(line: &Value) -> bool {
    line.as_str()
        .and_then(|text| text.split_whitespace().next())
        .is_some_and(|program| program.trim_matches('\'').ends_with("orc-vitess-hook"))
}

/// `existing` with `ours` merged in: every key and line of the operator's stays, in order; a
/// hook list's lines that run this tool are replaced by ours where the first of them stood
/// (appended when there was none); a query key is set. Merging the result again changes nothing.
pub fn merge(mut existing: Map<String, Value>, ours: Map<String, Value>) -> Map<String, Value> {
    for (key, value) in ours {
        match (existing.get_mut(&key), value) {
            (Some(Value::Array(lines)), Value::Array(new)) => {
                let first_ours = lines.iter().position(is_ours);
                lines.retain(|line| !is_ours(line));
                let at = first_ours.unwrap_or(lines.len()).min(lines.len());
                lines.splice(at..at, new);
            }
            (Some(slot), value) => *slot = value,
            (None, value) => {
                existing.insert(key, value);
            }
        }
    }
    existing
}

/// What in the operator's file still does what this tool replaces.
fn warnings(existing: &Map<String, Value>, legacy_queries: bool) -> Vec<String> {
    let mut found = Vec::new();
    for (key, value) in existing {
        let texts: Vec<&str> = match value {
            Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
            Value::String(text) => vec![text.as_str()],
            _ => Vec::new(),
        };
        for text in texts {
            if text.contains("TabletExternallyReparented") {
                found.push(format!(
                    "{key} still runs \"{text}\": remove it, `orc-vitess-hook reparent` does that job"
                ));
            }
            if !legacy_queries && text.contains("_vt.local_metadata") {
                found.push(format!(
                    "{key} reads _vt.local_metadata, which Vitess no longer fills (v16+): it fails \
                     on every poll; remove it unless your Vitess is older"
                ));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words(line: &[&str]) -> Vec<OsString> {
        line.iter().map(OsString::from).collect()
    }

    #[test]
    fn bash_quoting_reads_back_as_the_same_words() {
        assert_eq!(
            bash_line(&words(&[
                "/usr/bin/orc-vitess-hook",
                "reparent",
                "--server",
                "vtctld:15999"
            ])),
            "/usr/bin/orc-vitess-hook reparent --server vtctld:15999"
        );
        assert_eq!(
            bash_line(&words(&["--log-file", "/var/log/my hooks/it's.log", ""])),
            r"--log-file '/var/log/my hooks/it'\''s.log' ''"
        );
        assert_eq!(
            bash_line(&words(&["$(rm -rf /)", "a;b"])),
            "'$(rm -rf /)' 'a;b'"
        );
    }

    #[test]
    fn merging_keeps_the_operators_lines_and_is_idempotent() {
        let existing = json!({
            "Debug": true,
            "PostMasterFailoverProcesses": [
                "echo 'one' >> /tmp/recovery.log",
                "/old/orc-vitess-hook reparent --server old:1",
                "echo two"
            ],
            "PreFailoverProcesses": ["echo pre"],
            "DetectSemiSyncEnforcedQuery": "SELECT 0"
        });
        let ours = json!({
            "PostMasterFailoverProcesses": ["/new/orc-vitess-hook reparent --server new:1"],
            "PreFailoverProcesses": ["/new/orc-vitess-hook record --hook PreFailover"],
            "DetectSemiSyncEnforcedQuery": "SELECT 1",
            "PostFailoverProcesses": ["/new/orc-vitess-hook record --hook PostFailover"]
        });
        let (Value::Object(existing), Value::Object(ours)) = (existing, ours) else {
            panic!("objects");
        };
        let once = merge(existing, ours.clone());
        assert_eq!(
            Value::Object(once.clone()),
            json!({
                "Debug": true,
                "PostMasterFailoverProcesses": [
                    "echo 'one' >> /tmp/recovery.log",
                    "/new/orc-vitess-hook reparent --server new:1",
                    "echo two"
                ],
                "PreFailoverProcesses": ["echo pre", "/new/orc-vitess-hook record --hook PreFailover"],
                "DetectSemiSyncEnforcedQuery": "SELECT 1",
                "PostFailoverProcesses": ["/new/orc-vitess-hook record --hook PostFailover"]
            })
        );
        let keys: Vec<&String> = once.keys().collect();
        assert_eq!(keys[0], "Debug", "the operator's order stays");
        assert_eq!(merge(once.clone(), ours), once, "idempotent");
    }
}
