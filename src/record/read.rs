//! Reading a recovery log's line back into the record's fields: a JSON line as it is, a logfmt
//! line by the kinds of `schema`. A line that is neither (torn, foreign) is named as such, never
//! fatal to whoever reads a log. Pure.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::schema::{self, Kind};

/// The fields of one record line; `Err` says why the line is no record.
pub fn parse_line(line: &str) -> Result<Map<String, Value>, String> {
    Ok(match lazy_line(line)? {
        Line::Json(map) => map,
        Line::Logfmt(pairs) => pairs
            .into_iter()
            .map(|(key, value)| {
                let typed = typed(&key, value);
                (key.into_owned(), typed)
            })
            .collect(),
    })
}

/// One record line, read only as far as needed: a logfmt line's values are typed when asked for
/// ([`Line::get`]), so that a reader wanting a few fields of a million lines pays for those.
#[derive(Debug)]
pub enum Line<'a> {
    Json(Map<String, Value>),
    Logfmt(Vec<(Cow<'a, str>, Token<'a>)>),
}

impl<'a> Line<'a> {
    /// The value of `key`, typed by the schema.
    pub fn get(&self, key: &str) -> Option<Value> {
        match self {
            Self::Json(map) => map.get(key).cloned(),
            Self::Logfmt(pairs) => Self::last(pairs, key).map(|value| typed(key, value.clone())),
        }
    }

    /// The text of `key`, when it is text (as the schema's text fields always are).
    pub fn text(&self, key: &str) -> Option<&str> {
        match self {
            Self::Json(map) => map.get(key)?.as_str(),
            Self::Logfmt(pairs) => Some(&Self::last(pairs, key)?.text),
        }
    }

    /// The number under `key`, when it is one.
    pub fn number(&self, key: &str) -> Option<u64> {
        match self {
            Self::Json(map) => map.get(key)?.as_u64(),
            Self::Logfmt(pairs) => {
                let value = Self::last(pairs, key)?;
                (!value.quoted).then(|| value.text.parse().ok()).flatten()
            }
        }
    }

    /// The value of a key given more than once is its last, as in [`parse_line`] and in JSON.
    fn last<'p>(pairs: &'p [(Cow<'a, str>, Token<'a>)], key: &str) -> Option<&'p Token<'a>> {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value)
    }

    pub fn has(&self, key: &str) -> bool {
        match self {
            Self::Json(map) => map.contains_key(key),
            Self::Logfmt(pairs) => pairs.iter().any(|(k, _)| k == key),
        }
    }
}

/// One record line, its logfmt values untyped; `Err` says why the line is no record.
pub fn lazy_line(line: &str) -> Result<Line<'_>, String> {
    let line = line.trim_end_matches(['\n', '\r']);
    let parsed = if line.trim_start().starts_with('{') {
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(map)) => Line::Json(map),
            Ok(_) => return Err("a JSON value that is not an object".to_owned()),
            Err(e) => return Err(format!("not JSON ({e})")),
        }
    } else {
        Line::Logfmt(logfmt(line)?)
    };
    if parsed.text("outcome").is_none() {
        return Err("no outcome: not a record of this tool".to_owned());
    }
    Ok(parsed)
}

/// `key=value` pairs separated by spaces; a value is bare, or a JSON string.
fn logfmt(line: &str) -> Result<Vec<(Cow<'_, str>, Token<'_>)>, String> {
    let mut pairs = Vec::with_capacity(24);
    let mut rest = line.trim_start_matches(' ');
    while !rest.is_empty() {
        let (key, after) = token(rest, true)?;
        let Some(after) = after.strip_prefix('=') else {
            return Err(format!("{:?} has no `=`", key.text));
        };
        let (value, after) = token(after, false)?;
        rest = match after.strip_prefix(' ') {
            Some(after) => after.trim_start_matches(' '),
            None if after.is_empty() => after,
            None => return Err(format!("{:?} runs into what follows it", key.text)),
        };
        pairs.push((key.text, value));
    }
    Ok(pairs)
}

/// One key or value as written: its text (unquoted), and whether it was quoted.
#[derive(Debug, Clone)]
pub struct Token<'a> {
    text: Cow<'a, str>,
    quoted: bool,
}

/// The token at the start of `text` and what follows it: a JSON string, or bare characters up
/// to a space (or, for a key, an `=`).
fn token(text: &str, key: bool) -> Result<(Token<'_>, &str), String> {
    if text.starts_with('"') {
        let end = string_end(text).ok_or_else(|| "an unterminated quoted value".to_owned())?;
        let unquoted: String = serde_json::from_str(&text[..end])
            .map_err(|e| format!("a quoted value that is no JSON string ({e})"))?;
        return Ok((
            Token {
                text: Cow::Owned(unquoted),
                quoted: true,
            },
            &text[end..],
        ));
    }
    let end = text
        .bytes()
        .position(|b| b == b' ' || (key && b == b'='))
        .unwrap_or(text.len());
    if key && end == 0 {
        return Err("an empty key".to_owned());
    }
    Ok((
        Token {
            text: Cow::Borrowed(&text[..end]),
            quoted: false,
        },
        &text[end..],
    ))
}

/// The byte just past the closing quote of the JSON string `text` starts with.
fn string_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(i + 1),
            (false, _) => {}
        }
    }
    None
}

/// A logfmt value read by its key's kind. A quoted value under a key that is not text is text
/// (a value that did not parse, kept as given), except for lists, whose joined text may need
/// quotes.
fn typed(key: &str, value: Token<'_>) -> Value {
    let text = value.text.into_owned();
    match (schema::kind(key), value.quoted) {
        (Kind::TextList, _) => text_list(text),
        (Kind::Objects, _) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
        (Kind::Text, _) | (Kind::Bool | Kind::Integer, true) => Value::String(text),
        (Kind::Bool, false) => match text.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text),
        },
        (Kind::Integer, false) => text.parse::<u64>().map_or(Value::String(text), Value::from),
    }
}

/// A list of strings: a JSON array when it starts with `[`, else comma-joined.
fn text_list(text: String) -> Value {
    if text.starts_with('[') {
        return serde_json::from_str(&text).unwrap_or(Value::String(text));
    }
    Value::Array(
        text.split(',')
            .map(|item| Value::String(item.to_owned()))
            .collect(),
    )
}

/// A record's shard: the run's own finding (`failed_shard`, `keyspace/shard`) beats the cluster
/// alias (`keyspace.shard`, spelt as a shard when it names one), which beats the cluster.
/// `text` reads one of the record's text fields.
pub fn shard_of<'a>(text: impl Fn(&str) -> Option<&'a str>) -> Option<Cow<'a, str>> {
    if let Some(shard) = text("failed_shard") {
        return Some(Cow::Borrowed(shard));
    }
    match text("failure_cluster_alias") {
        Some(alias) => Some(match crate::shard::Shard::from_cluster_alias(alias) {
            Some(shard) => Cow::Owned(shard.to_string()),
            None => Cow::Borrowed(alias),
        }),
        None => text("failure_cluster").map(Cow::Borrowed),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::record::format::{LogFormat, render};

    fn record(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn both_formats_read_back_and_foreign_lines_are_named() {
        let written = record(json!({
            "ts": "2026-12-07T16:00:00.000Z", "outcome": "ok", "pid": 42,
            "failed_port": "99999", "successor_port": 3306, "is_master": true,
            "lost_replicas": ["a:1", "b 2"], "notes": ["[x]"], "candidates": ["a,b"],
            "attempt_log": [{"rpc": "GetTablets", "ms": 3}], "reason": "",
        }));
        for format in [LogFormat::Logfmt, LogFormat::Json] {
            let line = render(&written, format);
            assert_eq!(parse_line(&line).unwrap(), written, "{line}");
        }
        for foreign in [
            "",
            "hello world",
            "ts=1",
            "{\"a\": 1}",
            "[1]",
            "outcome=\"ok",
            "a=b=c",
        ] {
            assert!(parse_line(foreign).is_err(), "{foreign:?}");
        }
    }

    /// Found by the `record` fuzz target: a key given twice in a logfmt line read as its first
    /// value lazily (`history`) but as its last eagerly and in JSON.
    #[test]
    fn a_key_given_twice_is_its_last_value_however_read() {
        for line in [
            "outcome=ok exit_status=1 exit_status=0 tablet=a tablet=b",
            r#"{"outcome":"ok","exit_status":1,"exit_status":0,"tablet":"a","tablet":"b"}"#,
        ] {
            let lazy = lazy_line(line).unwrap();
            assert_eq!(lazy.number("exit_status"), Some(0), "{line}");
            assert_eq!(lazy.text("tablet"), Some("b"), "{line}");
            assert_eq!(lazy.get("tablet"), Some(json!("b")), "{line}");
            assert_eq!(parse_line(line).unwrap().get("tablet"), Some(&json!("b")));
        }
    }

    /// A value the writer may put under a key of `kind`: its own kind, or (for the event's
    /// typed fields) the text of a value that did not parse.
    fn value_of(kind: Kind) -> BoxedStrategy<Value> {
        let text = any::<String>().prop_map(Value::String);
        let texts = prop::collection::vec(any::<String>(), 0..4)
            .prop_map(|items| Value::Array(items.into_iter().map(Value::String).collect()));
        match kind {
            Kind::Text => text.boxed(),
            Kind::Bool => prop_oneof![any::<bool>().prop_map(Value::Bool), text].boxed(),
            Kind::Integer => prop_oneof![any::<u64>().prop_map(Value::from), text].boxed(),
            Kind::TextList => texts.boxed(),
            Kind::Objects => prop::collection::vec(
                (any::<String>(), any::<u64>()).prop_map(
                    |(status, ms)| json!({"rpc": "GetTablets", "status": status, "ms": ms}),
                ),
                0..3,
            )
            .prop_map(Value::Array)
            .boxed(),
        }
    }

    fn record_strategy() -> impl Strategy<Value = Map<String, Value>> {
        let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = schema::FIELDS
            .iter()
            .map(|(key, kind)| {
                let key = (*key).to_owned();
                prop::option::of(value_of(*kind))
                    .prop_map(move |value| value.map(|value| (key.clone(), value)))
                    .boxed()
            })
            .collect();
        (fields, any::<String>()).prop_map(|(fields, outcome)| {
            let mut map: Map<String, Value> = fields.into_iter().flatten().collect();
            map.insert("outcome".to_owned(), Value::String(outcome));
            map
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

        /// Every record the writer can produce, any field values and any bytes, in either
        /// format, reads back to the same fields.
        #[test]
        fn every_record_reads_back_to_its_fields(written in record_strategy()) {
            for format in [LogFormat::Logfmt, LogFormat::Json] {
                let line = render(&written, format);
                prop_assert!(!line.contains('\n'), "{}", line);
                let read = parse_line(&line);
                prop_assert_eq!(read.as_ref(), Ok(&written), "{:?}: {}", format, line);
            }
        }
    }
}
