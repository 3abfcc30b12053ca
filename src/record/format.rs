//! A record's line: logfmt or JSON, keys in the record's order, `null` left out, and nothing in
//! it a terminal, pager or log shipper could take for a line break. Pure.

use serde_json::{Map, Value};

use super::schema::{self, Kind};
use crate::output::{breaks_lines, push_unicode_escape};

/// Record formats of `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// key=value pairs, quoted where needed, one record a line.
    Logfmt,
    /// One JSON object a line.
    Json,
}

/// One record line, without the trailing newline; keys keep `record`'s order and `null` values
/// are left out.
///
/// Besides what JSON escapes, the line carries DEL, the C1 controls (U+0080–U+009F, NEL among
/// them) and the Unicode line and paragraph separators only as `\uXXXX`: a terminal, `less` or a
/// log shipper may take any of them for a line break or a control sequence.
pub fn render(record: &Map<String, Value>, format: LogFormat) -> String {
    let present = record.iter().filter(|(_, value)| !value.is_null());
    match format {
        LogFormat::Json => {
            let object: Map<String, Value> = present
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            escape_json_text(&Value::Object(object).to_string())
        }
        LogFormat::Logfmt => {
            let pairs: Vec<String> = present
                .map(|(key, value)| format!("{}={}", logfmt_text(key), logfmt_value(key, value)))
                .collect();
            pairs.join(" ")
        }
    }
}

/// What serde_json leaves raw but a record must not carry: DEL, C1, U+2028, U+2029.
fn escaped_beyond_json(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}')
}

/// Escapes [`escaped_beyond_json`] characters in serialized JSON. Outside strings JSON text is
/// plain ASCII, so every such character is inside a string, where `\uXXXX` means the same
/// character: the text stays valid JSON and parses back to the same values.
fn escape_json_text(json: &str) -> String {
    if !json.chars().any(escaped_beyond_json) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if escaped_beyond_json(c) {
            push_unicode_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A value as logfmt spells it, so that `read` gets it back by the key's kind (`schema`).
fn logfmt_value(key: &str, value: &Value) -> String {
    match value {
        // Under a key of another kind, a string (a value that did not parse) is always quoted:
        // a bare value there is the key's own kind.
        Value::String(text) if schema::kind(key) != Kind::Text => quoted(text),
        Value::String(text) => logfmt_text(text),
        // A list of plain items reads best comma-joined, as Orchestrator writes host lists; a
        // joined text starting with `[` would read as a JSON array, so such a list is one.
        Value::Array(items) if !items.is_empty() && items.iter().all(joins_plainly) => {
            let joined: Vec<String> = items
                .iter()
                .map(|item| match item {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .collect();
            let joined = joined.join(",");
            if joined.starts_with('[') {
                logfmt_text(&value.to_string())
            } else {
                logfmt_text(&joined)
            }
        }
        Value::Array(_) | Value::Object(_) => logfmt_text(&value.to_string()),
        // Left out by `render`; spelled out in case a nested caller passes one.
        Value::Null => "null".to_owned(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
    }
}

fn joins_plainly(item: &Value) -> bool {
    match item {
        Value::String(text) => !text.contains(','),
        Value::Bool(_) | Value::Number(_) => true,
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    }
}

/// Bare when non-empty and free of anything that could split or mislead a logfmt reader, else a
/// JSON string with the record's escapes.
fn logfmt_text(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_whitespace() && !breaks_lines(c) && !matches!(c, '"' | '=' | '\\'));
    if plain { text.to_owned() } else { quoted(text) }
}

/// `text` as a JSON string, with the record's escapes.
fn quoted(text: &str) -> String {
    escape_json_text(&Value::from(text).to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(pairs: Value) -> Map<String, Value> {
        match pairs {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    fn sample() -> Map<String, Value> {
        record(json!({
            "outcome": "ok",
            "pid": 42,
            "failure_description": "Master cannot be reached: \"x\"",
            "is_master": true,
            "lost_replicas": ["a:1", "b:2"],
            "empty": "",
            "line": "one\ntwo",
            "events": ["a, b", "c"],
            "gone": null,
        }))
    }

    #[test]
    fn logfmt_quotes_only_where_needed_and_leaves_out_nulls() {
        assert_eq!(
            render(&sample(), LogFormat::Logfmt),
            r#"outcome=ok pid=42 failure_description="Master cannot be reached: \"x\"" is_master=true lost_replicas=a:1,b:2 empty="" line="one\ntwo" events="[\"a, b\",\"c\"]""#
        );
    }

    #[test]
    fn json_keeps_key_order_and_leaves_out_nulls() {
        assert_eq!(
            render(&sample(), LogFormat::Json),
            r#"{"outcome":"ok","pid":42,"failure_description":"Master cannot be reached: \"x\"","is_master":true,"lost_replicas":["a:1","b:2"],"empty":"","line":"one\ntwo","events":["a, b","c"]}"#
        );
    }

    /// (value, logfmt rendering, JSON rendering of the same value)
    const ESCAPES: &[(&str, &str, &str)] = &[
        ("plain", "plain", r#""plain""#),
        ("zone1-101", "zone1-101", r#""zone1-101""#),
        ("käse", "käse", r#""käse""#),
        ("a b", r#""a b""#, r#""a b""#),
        ("k=v", r#""k=v""#, r#""k=v""#),
        (r"back\slash", r#""back\\slash""#, r#""back\\slash""#),
        ("cr\rlf\n", r#""cr\rlf\n""#, r#""cr\rlf\n""#),
        ("tab\t", r#""tab\t""#, r#""tab\t""#),
        (
            "nul\0bell\u{7}",
            r#""nul\u0000bell\u0007""#,
            r#""nul\u0000bell\u0007""#,
        ),
        ("esc\u{1b}[31m", r#""esc\u001b[31m""#, r#""esc\u001b[31m""#),
        ("del\u{7f}", r#""del\u007f""#, r#""del\u007f""#),
        (
            "c1\u{80}\u{9b}\u{9f}",
            r#""c1\u0080\u009b\u009f""#,
            r#""c1\u0080\u009b\u009f""#,
        ),
        ("nel\u{85}", r#""nel\u0085""#, r#""nel\u0085""#),
        (
            "ls\u{2028}ps\u{2029}",
            r#""ls\u2028ps\u2029""#,
            r#""ls\u2028ps\u2029""#,
        ),
        ("nbsp\u{a0}", "\"nbsp\u{a0}\"", "\"nbsp\u{a0}\""),
        ("", r#""""#, r#""""#),
    ];

    #[test]
    fn both_formats_escape_every_line_breaking_character() {
        for (value, logfmt, json) in ESCAPES {
            let one = record(json!({ "v": value }));
            assert_eq!(
                render(&one, LogFormat::Logfmt),
                format!("v={logfmt}"),
                "{value:?}"
            );
            assert_eq!(
                render(&one, LogFormat::Json),
                format!("{{\"v\":{json}}}"),
                "{value:?}"
            );
        }
    }

    #[test]
    fn json_lines_parse_back_to_the_original_strings() {
        let nasty: String = (0u32..0x100)
            .chain([0x2028, 0x2029, 0xfeff, 0x1f600])
            .filter_map(char::from_u32)
            .collect();
        let original = record(json!({
            "ts": "2026-11-25T22:25:42.408Z",
            nasty.clone(): nasty,
            "list": [nasty, "x"],
            "nested": { "k\u{85}": ["\u{2028}", 1, null] },
        }));
        let line = render(&original, LogFormat::Json);
        assert!(!line.chars().any(breaks_lines), "{line}");
        let parsed: Map<String, Value> = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed, original);
        assert_eq!(
            parsed.keys().collect::<Vec<_>>(),
            original.keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn logfmt_quoted_values_parse_back_as_json_strings() {
        let nasty = "a\u{85}b\u{2028}c\u{7f}d\"e\\f\ng";
        let line = render(
            &record(json!({ "s": nasty, "o": { "k": nasty } })),
            LogFormat::Logfmt,
        );
        assert!(!line.chars().any(breaks_lines), "{line}");
        let (s, o) = line
            .strip_prefix("s=")
            .and_then(|rest| rest.split_once(" o="))
            .unwrap();
        assert_eq!(serde_json::from_str::<String>(s).unwrap(), nasty);
        let object: String = serde_json::from_str(o).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&object).unwrap()["k"], nasty);
    }

    #[test]
    fn logfmt_arrays_join_only_plain_scalars() {
        let cases = [
            (json!(["a:1", "b:2"]), "a:1,b:2"),
            (json!([1, true, "x"]), "1,true,x"),
            (json!(["a b", "c"]), r#""a b,c""#),
            (json!(["a,b", "c"]), r#""[\"a,b\",\"c\"]""#),
            (json!(["a", null]), r#""[\"a\",null]""#),
            (json!([["a"]]), r#""[[\"a\"]]""#),
            (json!([]), "[]"),
            (json!({ "k": "v" }), r#""{\"k\":\"v\"}""#),
            (json!(["x\u{2028}"]), r#""x\u2028""#),
        ];
        for (value, expected) in cases {
            let one = record(json!({ "v": value }));
            assert_eq!(
                render(&one, LogFormat::Logfmt),
                format!("v={expected}"),
                "{value}"
            );
        }
    }
}
