//! `orchestrator-config`: the orchestrator.conf.json keys that run this tool, printed or merged
//! into the operator's file.
//!
//! The hook lines carry no placeholders (Orchestrator's `ORC_*` variables carry every value) and
//! only the settings given here, made absolute and quoted for the `bash` Orchestrator runs them
//! with. Graceful takeovers already run PostMasterFailoverProcesses: `reparent` goes there only.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::de::{MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::cli::{ConnectionArgs, HOOKS, LogArgs, OrchestratorConfigArgs, setting};
use crate::connection::ConnectionSettings;
use crate::exit::{ExitStatus, Failure, FailureKind};
use crate::in_place;
use crate::output;
use crate::settings::Problems;

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

fn build(args: &OrchestratorConfigArgs) -> Result<String, Failure> {
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
    if let Some(message) = problems.into_message() {
        return Err(config(format!("configuration: {message}")));
    }
    let binary = match &args.binary {
        Some(given) => binary_path(given).map_err(config)?,
        None => invoked_as().map_err(|e| config(format!("{e}; give --binary")))?,
    };
    let common = common_flags(&args.connection, &args.log, &settings);
    // JSON carries text only, and Orchestrator replaces `{word}` anywhere in a hook line, even
    // between quotes: a value that is not text, or holds a placeholder, would break the line.
    for word in std::iter::once(binary.as_os_str())
        .chain(common.connection.iter().map(OsString::as_os_str))
        .chain(common.log.iter().map(OsString::as_os_str))
    {
        let Some(text) = word.to_str() else {
            return Err(config(format!(
                "{:?} is not UTF-8 text, which a JSON hook line cannot carry",
                word.to_string_lossy()
            )));
        };
        if text.contains('{') && text.contains('}') {
            return Err(config(format!(
                "{text:?} holds {{…}}, which Orchestrator would replace as a placeholder"
            )));
        }
    }
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
            if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
                return Err(config(format!(
                    "--merge {}: not a regular file",
                    path.display()
                )));
            }
            let text = std::fs::read_to_string(path)
                .map_err(|e| config(format!("--merge {}: cannot read it: {e}", path.display())))?;
            let whole: Box<RawValue> = serde_json::from_str(&text)
                .map_err(|e| config(format!("--merge {}: not valid JSON: {e}", path.display())))?;
            let existing: Document = serde_json::from_str(whole.get()).map_err(|_| {
                config(format!(
                    "--merge {}: expected a JSON object, as orchestrator.conf.json is",
                    path.display()
                ))
            })?;
            for warning in warnings(&existing, args.legacy_metadata_queries, &binary) {
                output::err(&format!("warning: {warning}"));
            }
            return serde_json::to_string_pretty(&merge(existing, keys, &binary)).map_err(|e| {
                Failure::new(FailureKind::Internal, format!("cannot print JSON: {e}"))
            });
        }
    };
    serde_json::to_string_pretty(&Value::Object(document))
        .map_err(|e| Failure::new(FailureKind::Internal, format!("cannot print JSON: {e}")))
}

/// The operator's file: its keys in their order (a key given twice stays twice, as Orchestrator
/// reads it), every value kept as its exact text (`1.0`, `1e3` and `12345678901234567890` are
/// written back as they were) unless the merge changes it.
#[derive(Debug, Default)]
pub struct Document(Vec<(String, Entry)>);

/// One value of [`Document`].
#[derive(Debug)]
enum Entry {
    /// The operator's text, untouched.
    Raw(Box<RawValue>),
    /// A hook list the merge rebuilt: each line's text, printed as a list.
    Lines(Vec<Box<RawValue>>),
    /// A value of ours.
    Ours(Value),
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Document;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
                let mut pairs = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    pairs.push((key, Entry::Raw(value)));
                }
                Ok(Document(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, entry) in &self.0 {
            map.serialize_entry(key, entry)?;
        }
        map.end()
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Raw(raw) => raw.serialize(serializer),
            Self::Lines(lines) => {
                let mut seq = serializer.serialize_seq(Some(lines.len()))?;
                for line in lines {
                    seq.serialize_element(line)?;
                }
                seq.end()
            }
            Self::Ours(value) => value.serialize(serializer),
        }
    }
}

impl Entry {
    /// The value, parsed (numbers as serde_json reads them): for looking, not for writing back.
    fn value(&self) -> Value {
        match self {
            Self::Raw(raw) => serde_json::from_str(raw.get()).unwrap_or(Value::Null),
            Self::Lines(lines) => Value::Array(
                lines
                    .iter()
                    .map(|line| serde_json::from_str(line.get()).unwrap_or(Value::Null))
                    .collect(),
            ),
            Self::Ours(value) => value.clone(),
        }
    }

    /// The lines of a hook list, each as its text; itself back when this is not a list.
    fn lines(self) -> Result<Vec<Box<RawValue>>, Self> {
        match self {
            Self::Raw(raw) => serde_json::from_str(raw.get()).map_err(|_| Self::Raw(raw)),
            Self::Lines(lines) => Ok(lines),
            Self::Ours(Value::Array(values)) => Ok(values.iter().map(raw_text).collect()),
            other @ Self::Ours(_) => Err(other),
        }
    }
}

/// A value of ours as JSON text.
fn raw_text(value: &Value) -> Box<RawValue> {
    // A Value prints as valid JSON, which is all `from_string` checks.
    RawValue::from_string(value.to_string()).expect("a serde_json Value prints as valid JSON")
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

/// The words of a line as `bash` splits them, for lines without anything but words: `None`
/// when it holds shell syntax (operators, expansions, redirections), which only an operator
/// writes.
fn plain_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        inner => word.push(inner),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            ';' | '&' | '|' | '<' | '>' | '`' | '$' | '"' | '(' | ')' | '\n' => return None,
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// Whether a hook line is one this command writes: `<orc-vitess-hook binary> reparent|record …`
/// with nothing but words. A line that does more (a prefix, a `;`, a redirection) is the
/// operator's, and stays.
fn is_ours_text(line: &RawValue, binary: &Path) -> bool {
    serde_json::from_str::<Value>(line.get()).is_ok_and(|line| is_ours(&line, binary))
}

fn is_ours(line: &Value, binary: &Path) -> bool {
    let Some(words) = line.as_str().and_then(plain_words) else {
        return false;
    };
    let [program, command, ..] = words.as_slice() else {
        return false;
    };
    let program = Path::new(program);
    let named_so = program == binary
        || program
            .file_name()
            .is_some_and(|name| name == "orc-vitess-hook");
    named_so && matches!(command.as_str(), "reparent" | "record")
}

/// `existing` with `ours` merged in: every key and line of the operator's stays, in order; a
/// hook list's lines that run this tool are replaced by ours where the first of them stood
/// (appended when there was none); a query key is set. Merging the result again changes nothing.
pub fn merge(mut existing: Document, ours: Map<String, Value>, binary: &Path) -> Document {
    for (key, value) in ours {
        // Orchestrator reads its file with Go's encoding/json, which matches keys regardless of
        // case, the last match winning: that key is the one to merge into.
        let Some(at) = existing
            .0
            .iter()
            .rposition(|(k, _)| k.eq_ignore_ascii_case(&key))
        else {
            existing.0.push((key, Entry::Ours(value)));
            continue;
        };
        let (name, slot) = &mut existing.0[at];
        let old = std::mem::replace(slot, Entry::Ours(Value::Null));
        *slot = match (old, value) {
            (Entry::Raw(line), Value::Array(new))
                if name.ends_with("Processes") && line.get().starts_with('"') =>
            {
                // A single line where a list belongs: kept as the list's first line.
                let mut lines = vec![line];
                lines.extend(new.iter().map(raw_text));
                Entry::Lines(lines)
            }
            (old, Value::Array(new)) => match old.lines() {
                Ok(mut lines) => {
                    let first_ours = lines.iter().position(|l| is_ours_text(l, binary));
                    lines.retain(|line| !is_ours_text(line, binary));
                    let at = first_ours.unwrap_or(lines.len()).min(lines.len());
                    lines.splice(at..at, new.iter().map(raw_text));
                    Entry::Lines(lines)
                }
                Err(_) => Entry::Ours(Value::Array(new)),
            },
            (_, value) => Entry::Ours(value),
        };
    }
    existing
}

/// What in the operator's file still does what this tool replaces.
fn warnings(existing: &Document, legacy_queries: bool, binary: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for (key, entry) in &existing.0 {
        let value = entry.value();
        let texts: Vec<&str> = match &value {
            Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
            Value::String(text) => vec![text.as_str()],
            _ => Vec::new(),
        };
        for text in texts {
            let lower = text.to_ascii_lowercase();
            if lower.contains("tabletexternallyreparented") {
                found.push(format!(
                    "{key} still runs \"{text}\": remove it, `orc-vitess-hook reparent` does that job"
                ));
            } else if lower.contains("orc-vitess-hook reparent")
                && !is_ours(&Value::from(text), binary)
            {
                found.push(format!(
                    "{key} runs \"{text}\" besides the line this adds: two reparents; remove one"
                ));
            }
            if key.to_ascii_lowercase().contains("graceful") && lower.contains(" reparent") {
                found.push(format!(
                    "{key} runs a reparent: graceful takeovers already run \
                     PostMasterFailoverProcesses; remove it"
                ));
            }
            if !legacy_queries && lower.replace('`', "").contains("_vt.local_metadata") {
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
    fn only_plain_lines_of_ours_are_ours() {
        let binary = Path::new("/opt/my orc-vitess-hook/bin/orc-vitess-hook-0.1.0");
        let ours = [
            "/usr/bin/orc-vitess-hook reparent --server a:1",
            "'/opt/my orc-vitess-hook/bin/orc-vitess-hook-0.1.0' record --hook PreFailover",
            "orc-vitess-hook reparent",
        ];
        let theirs = [
            "/usr/local/bin/notify-orc-vitess-hook --slack",
            "/usr/bin/orc-vitess-hook reparent --server old:1; curl -s http://alert/failover",
            "timeout 60 /usr/local/bin/orc-vitess-hook reparent",
            "ORC_VITESS_HOOK_DEADLINE=30s /usr/local/bin/orc-vitess-hook reparent",
            "/usr/bin/orc-vitess-hook check",
            "echo orc-vitess-hook reparent",
            "/usr/bin/orc-vitess-hook reparent > /tmp/out",
        ];
        for line in ours {
            assert!(is_ours(&Value::from(line), binary), "{line}");
        }
        for line in theirs {
            assert!(!is_ours(&Value::from(line), binary), "{line}");
        }
    }

    fn document(text: &str) -> Document {
        serde_json::from_str(text).unwrap()
    }

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    fn text(document: &Document) -> String {
        serde_json::to_string_pretty(document).unwrap()
    }

    #[test]
    fn a_key_in_another_case_is_the_key_orchestrator_reads() {
        let existing = document(r#"{"postMasterFailoverProcesses": ["echo lowercase"]}"#);
        let ours = json!({"PostMasterFailoverProcesses": ["/b/orc-vitess-hook reparent"]});
        let merged = merge(existing, object(ours), Path::new("/b/orc-vitess-hook"));
        assert_eq!(
            serde_json::to_value(&merged).unwrap(),
            json!({"postMasterFailoverProcesses": ["echo lowercase", "/b/orc-vitess-hook reparent"]})
        );
    }

    #[test]
    fn untouched_values_keep_their_text_and_duplicate_keys_stay() {
        let existing = document(
            r#"{"A": 1e3, "Nested": {"x": [1.0, 2.50E-7]}, "A": 12345678901234567890,
               "PreFailoverProcesses": "echo one line", "DetectSemiSyncEnforcedQuery": 0}"#,
        );
        let ours = json!({
            "PreFailoverProcesses": ["/b/orc-vitess-hook record --hook PreFailover"],
            "DetectSemiSyncEnforcedQuery": "SELECT 1"
        });
        let merged = merge(existing, object(ours), Path::new("/b/orc-vitess-hook"));
        assert_eq!(
            text(&merged),
            r#"{
  "A": 1e3,
  "Nested": {"x": [1.0, 2.50E-7]},
  "A": 12345678901234567890,
  "PreFailoverProcesses": [
    "echo one line",
    "/b/orc-vitess-hook record --hook PreFailover"
  ],
  "DetectSemiSyncEnforcedQuery": "SELECT 1"
}"#
        );
    }

    #[test]
    fn merging_keeps_the_operators_lines_and_is_idempotent() {
        let existing = document(
            &json!({
            "Debug": true,
            "PostMasterFailoverProcesses": [
                "echo 'one' >> /tmp/recovery.log",
                "/old/orc-vitess-hook reparent --server old:1",
                "echo two"
            ],
            "PreFailoverProcesses": ["echo pre"],
            "DetectSemiSyncEnforcedQuery": "SELECT 0"
            })
            .to_string(),
        );
        let ours = object(json!({
            "PostMasterFailoverProcesses": ["/new/orc-vitess-hook reparent --server new:1"],
            "PreFailoverProcesses": ["/new/orc-vitess-hook record --hook PreFailover"],
            "DetectSemiSyncEnforcedQuery": "SELECT 1",
            "PostFailoverProcesses": ["/new/orc-vitess-hook record --hook PostFailover"]
        }));
        let binary = Path::new("/new/orc-vitess-hook");
        let once = merge(existing, ours.clone(), binary);
        assert_eq!(
            serde_json::to_value(&once).unwrap(),
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
        assert_eq!(once.0[0].0, "Debug", "the operator's order stays");
        let again = merge(document(&text(&once)), ours, binary);
        assert_eq!(text(&again), text(&once), "idempotent");
    }
}
