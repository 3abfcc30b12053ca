//! The keys this tool sets in orchestrator.conf.json: the hook lines (only the settings given,
//! made absolute and quoted for the `bash` Orchestrator runs them with) and the queries. It never
//! reads or writes the operator's file.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::cli::{ConnectionArgs, HOOKS, LogArgs, OrchestratorConfigArgs};
use crate::connection::ConnectionSettings;

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

/// Our keys: `reparent` in PostMasterFailoverProcesses, with `--all-hooks` a `record` line in
/// every other hook, the semi-sync query for `table`'s flavor, and with
/// `--legacy-metadata-queries` Vitess's old metadata queries.
pub(super) fn hook_keys(
    args: &OrchestratorConfigArgs,
    binary: &Path,
    common: &CommonFlags,
    table: Option<&str>,
) -> Map<String, Value> {
    let mut keys = Map::new();
    let line = |words: &[OsString]| {
        let mut all = vec![binary.to_path_buf().into_os_string()];
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
    keys
}

/// The settings a hook line carries: only those given (a default is left to the hook's own).
pub(super) struct CommonFlags {
    pub(super) connection: Vec<OsString>,
    pub(super) log: Vec<OsString>,
}

pub(super) fn common_flags(
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
    if let Some(path) = &log.metrics_textfile {
        flag(&mut l, "metrics-textfile", absolute(path).into_os_string());
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
pub(super) fn absolute(path: &Path) -> PathBuf {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
