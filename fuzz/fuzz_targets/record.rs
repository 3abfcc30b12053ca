//! The record writer and reader: a record of arbitrary field values, under the schema's keys
//! (each of its kind, or the text of a value that did not parse) and foreign ones, is one line
//! in logfmt and in JSON, and reads back to the same fields, eagerly and lazily. Any bytes
//! given to the reader are a record or a reason, never a panic.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::output::breaks_lines;
use orc_vitess_hook::record::format::{LogFormat, render};
use orc_vitess_hook::record::read::{lazy_line, parse_line};
use orc_vitess_hook::record::schema::{FIELDS, Kind, kind};
use serde_json::{Map, Value};

/// A value for a field, made to fit the field's kind by [`value`].
#[derive(Debug, Arbitrary)]
enum Given {
    Text(String),
    Bool(bool),
    Integer(u64),
    Texts(Vec<String>),
    Objects(Vec<Vec<(String, Scalar)>>),
    Null,
}

#[derive(Debug, Arbitrary)]
enum Scalar {
    Text(String),
    Integer(u64),
    Negative(i64),
    Bool(bool),
    Null,
}

#[derive(Debug, Arbitrary)]
struct Input {
    outcome: String,
    fields: Vec<(u8, Option<String>, Given)>,
}

// The input: a line of a log when it starts with NUL (the rest, read lossily), else a record
// built by `arbitrary` from its bytes.
fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((0, line)) => read_any(&String::from_utf8_lossy(line)),
        _ => {
            if let Ok(input) = Input::arbitrary(&mut Unstructured::new(data)) {
                round_trip(input);
            }
        }
    }
});

/// A record of arbitrary values, written in both formats, reads back to its fields.
fn round_trip(input: Input) {
    let mut record = Map::new();
    record.insert("outcome".to_owned(), Value::String(input.outcome));
    for (index, foreign, given) in input.fields {
        // A schema key, or (less often) a key no version of the schema knows.
        let key = match foreign {
            Some(key) if index % 8 == 0 && !key.is_empty() && key != "outcome" => key,
            _ => FIELDS[usize::from(index) % FIELDS.len()].0.to_owned(),
        };
        if key == "outcome" {
            continue;
        }
        if let Some(value) = value(kind(&key), given) {
            record.insert(key, value);
        }
    }
    let written: Map<String, Value> = record
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for format in [LogFormat::Logfmt, LogFormat::Json] {
        let line = render(&record, format);
        assert!(!line.chars().any(breaks_lines), "{format:?}: {line}");
        assert_eq!(
            parse_line(&line).as_ref(),
            Ok(&written),
            "{format:?}: {line}"
        );
        let lazy = lazy_line(&line).expect("a record line");
        for (key, value) in &written {
            assert!(lazy.has(key));
            assert_eq!(
                lazy.get(key).as_ref(),
                Some(value),
                "{format:?} {key}: {line}"
            );
            if let Value::String(text) = value {
                assert_eq!(lazy.text(key), Some(text.as_str()));
            }
            if let Some(number) = value.as_u64() {
                assert_eq!(lazy.number(key), Some(number));
            }
        }
    }
}

/// Whatever a log holds: a record or a reason, the same read eagerly and lazily.
fn read_any(line: &str) {
    let eager = parse_line(line);
    let lazy = lazy_line(line);
    assert_eq!(eager.is_ok(), lazy.is_ok(), "{line:?}");
    if let (Ok(fields), Ok(lazy)) = (&eager, &lazy) {
        for (key, value) in fields {
            assert_eq!(lazy.get(key).as_ref(), Some(value), "{key} in {line:?}");
        }
    }
}

/// What the writer may put under a key of `kind`: its own kind, or for the typed event fields
/// the text of a value that did not parse; `None` when `given` cannot be one.
fn value(kind: Kind, given: Given) -> Option<Value> {
    Some(match (kind, given) {
        (_, Given::Null) => Value::Null,
        (Kind::Text | Kind::Bool | Kind::Integer, Given::Text(text)) => Value::String(text),
        (Kind::Bool, Given::Bool(b)) => Value::Bool(b),
        (Kind::Integer, Given::Integer(n)) => Value::from(n),
        (Kind::TextList, Given::Texts(items)) => {
            Value::Array(items.into_iter().map(Value::String).collect())
        }
        (Kind::Objects, Given::Objects(objects)) => Value::Array(
            objects
                .into_iter()
                .map(|pairs| {
                    let object: Map<String, Value> =
                        pairs.into_iter().map(|(k, v)| (k, scalar(v))).collect();
                    Value::Object(object)
                })
                .collect(),
        ),
        _ => return None,
    })
}

fn scalar(given: Scalar) -> Value {
    match given {
        Scalar::Text(text) => Value::String(text),
        Scalar::Integer(n) => Value::from(n),
        Scalar::Negative(n) => Value::from(n),
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Null => Value::Null,
    }
}
