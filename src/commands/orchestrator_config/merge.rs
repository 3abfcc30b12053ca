//! `--merge`: the operator's orchestrator.conf.json read with every key, order and number
//! spelling kept, our keys merged in, and warnings about what in it still does this tool's job.
//! It never writes the file (`--in-place` is `deliver`'s) and never drops an operator's line.

use std::path::Path;

use serde::de::{MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::exit::{Failure, FailureKind};
use crate::output;

/// The `--merge` file at `path` with `ours` merged in, as the printed document; the warnings
/// about the operator's file go to stderr first. `config` makes a refusal of the file.
pub(super) fn merged(
    path: &Path,
    ours: Map<String, Value>,
    binary: &Path,
    legacy_queries: bool,
    config: impl Fn(String) -> Failure,
) -> Result<String, Failure> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Err(config(format!(
            "--merge {}: not a regular file",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| config(format!("--merge {}: cannot read it: {e}", path.display())))?;
    let refused = |why: String| config(format!("--merge {}: {why}", path.display()));
    let (document, warnings) = merged_text(&text, ours, binary, legacy_queries, refused)?;
    for warning in warnings {
        output::err(&format!("warning: {warning}"));
    }
    Ok(document)
}

/// The operator's file's `text` with `ours` merged in, as the printed document, and the
/// warnings about it; `refused` makes a refusal of the text from why.
pub(super) fn merged_text(
    text: &str,
    ours: Map<String, Value>,
    binary: &Path,
    legacy_queries: bool,
    refused: impl Fn(String) -> Failure,
) -> Result<(String, Vec<String>), Failure> {
    let whole: Box<RawValue> =
        serde_json::from_str(text).map_err(|e| refused(format!("not valid JSON: {e}")))?;
    let existing: Document = serde_json::from_str(whole.get())
        .map_err(|_| refused("expected a JSON object, as orchestrator.conf.json is".to_owned()))?;
    let warnings = warnings(&existing, legacy_queries, binary);
    let document = serde_json::to_string_pretty(&merge(existing, ours, binary))
        .map_err(|e| Failure::new(FailureKind::Internal, format!("cannot print JSON: {e}")))?;
    Ok((document, warnings))
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
        let slot = &mut existing.0[at].1;
        let old = std::mem::replace(slot, Entry::Ours(Value::Null));
        *slot = match (old, value) {
            (old, Value::Array(new)) => {
                let lines = match old {
                    // A single line where a hook list belongs is a list of that line.
                    Entry::Raw(line)
                        if key.ends_with("Processes") && line.get().starts_with('"') =>
                    {
                        Ok(vec![line])
                    }
                    other => other.lines(),
                };
                match lines {
                    Ok(lines) => Entry::Lines(with_ours(lines, &new, binary)),
                    Err(_) => Entry::Ours(Value::Array(new)),
                }
            }
            (_, value) => Entry::Ours(value),
        };
    }
    existing
}

/// A hook list's `lines` with `new` in place of the lines of ours: where the first of them
/// stood, else at the end.
fn with_ours(mut lines: Vec<Box<RawValue>>, new: &[Value], binary: &Path) -> Vec<Box<RawValue>> {
    let first_ours = lines.iter().position(|l| is_ours_text(l, binary));
    lines.retain(|line| !is_ours_text(line, binary));
    let at = first_ours.unwrap_or(lines.len()).min(lines.len());
    lines.splice(at..at, new.iter().map(raw_text));
    lines
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
    use serde_json::json;

    use super::*;

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

    /// Pinned from the merge fuzz target: a number no float holds is still valid JSON, kept as
    /// written (Orchestrator's reader skips a key it does not know unconverted); what is no JSON
    /// object is refused with why.
    #[test]
    fn any_number_is_kept_as_written_and_only_an_object_is_merged() {
        let binary = Path::new("/usr/local/bin/orc-vitess-hook");
        let refused = |why: String| Failure::new(FailureKind::Config, why);
        let text = r#"{"A": 1e312345678901234567890, "B": -0.0}"#;
        let (printed, _) = merged_text(text, Map::new(), binary, false, refused).unwrap();
        assert!(
            printed.contains(r#""A": 1e312345678901234567890"#),
            "{printed}"
        );
        assert!(printed.contains(r#""B": -0.0"#), "{printed}");
        for (text, why) in [
            ("[1, 2]", "expected a JSON object"),
            ("{\"a\": }", "not valid JSON"),
        ] {
            let e = merged_text(text, Map::new(), binary, false, refused).unwrap_err();
            assert!(e.message.starts_with(why), "{}", e.message);
        }
    }

    /// Found by the merge fuzz target: a hook list given as one line (Orchestrator reads a
    /// string there too) that runs this tool was kept beside our new line, so a failover ran
    /// two reparents and merging again changed the file; a key spelt in lower case lost the
    /// operator's line.
    #[test]
    fn a_single_hook_line_is_a_list_of_that_line() {
        let binary = Path::new("/usr/local/bin/orc-vitess-hook");
        let ours = object(
            json!({"PostMasterFailoverProcesses": ["/usr/local/bin/orc-vitess-hook reparent --server b:1"]}),
        );
        let merged = |text: &str| self::text(&merge(document(text), ours.clone(), binary));
        let old_line = r#"{"PostMasterFailoverProcesses": "/usr/local/bin/orc-vitess-hook reparent --server a:1"}"#;
        let once = merged(old_line);
        assert!(!once.contains("a:1") && once.contains("b:1"), "{once}");
        assert_eq!(merged(&once), once);
        let operators = r#"{"postmasterfailoverprocesses": "echo failed over"}"#;
        let once = merged(operators);
        assert!(
            once.contains("echo failed over") && once.contains("b:1"),
            "{once}"
        );
        assert_eq!(merged(&once), once);
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
