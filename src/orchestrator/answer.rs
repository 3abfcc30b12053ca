//! Reading Orchestrator's answers as they stream in: its envelope `{"Code", "Message",
//! "Details"}`, or a JSON list whose elements are kept one at a time, within a bound on bytes
//! and on any one string. Never holds more of an answer than the fields kept.

use std::cell::RefCell;
use std::fmt;
use std::io::Read;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The longest JSON string an answer may hold (host names, cluster names; GTID sets, the
/// longest Orchestrator sends, stay far below it).
const MAX_STRING: usize = 1024 * 1024;

/// An answer's reader that refuses more than `limit` bytes in all and any JSON string longer
/// than [`MAX_STRING`]: the parser buffers the strings it keeps, so one huge string would cost
/// its size in memory whatever the fields kept.
pub(super) struct Guarded<R> {
    inner: R,
    left: u64,
    limit: u64,
    in_string: bool,
    escaped: bool,
    string_length: usize,
    /// Why reading stopped, for the message (the parser only sees an I/O error).
    pub(super) stopped: Option<String>,
}

impl<R> Guarded<R> {
    pub(super) fn new(inner: R, limit: u64) -> Self {
        Self {
            inner,
            left: limit,
            limit,
            in_string: false,
            escaped: false,
            string_length: 0,
            stopped: None,
        }
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stopped.is_some() {
            return Err(std::io::Error::other("answer refused"));
        }
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            self.stopped = Some(format!(
                "an answer larger than {} bytes, the most allowed",
                self.limit
            ));
            return Err(std::io::Error::other("answer too large"));
        }
        self.left -= n as u64;
        for &byte in &buf[..n] {
            if !self.in_string {
                if byte == b'"' {
                    self.in_string = true;
                    self.string_length = 0;
                }
                continue;
            }
            self.string_length += 1;
            match (self.escaped, byte) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.in_string = false,
                (false, _) => {}
            }
            if self.string_length > MAX_STRING {
                self.stopped = Some(format!(
                    "a string longer than {MAX_STRING} bytes in the answer"
                ));
                return Err(std::io::Error::other("string too long"));
            }
        }
        Ok(n)
    }
}

/// An envelope `{"Code", "Message", "Details"}`: `Details` as `T`, or the `ERROR` message.
pub(super) struct Envelope<T>(pub(super) PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Envelope<T> {
    type Value = Result<Option<T>, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Envelope<T> {
    type Value = Result<Option<T>, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"an object {"Code", "Message", "Details"}"#)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        read_envelope(map, |map| map.next_value::<Option<T>>())
    }
}

/// Reads an envelope's fields; `details` reads `Details` unless `Code` already said `ERROR`.
fn read_envelope<'de, A: MapAccess<'de>, T>(
    mut map: A,
    mut details: impl FnMut(&mut A) -> Result<Option<T>, A::Error>,
) -> Result<Result<Option<T>, String>, A::Error> {
    let (mut code, mut message, mut kept) = (None::<String>, None::<String>, None);
    while let Some(key) = map.next_key::<String>()? {
        match key.as_str() {
            "Code" => code = map.next_value()?,
            "Message" => message = map.next_value()?,
            "Details" if code.as_deref() != Some("ERROR") => kept = details(&mut map)?,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    match code.as_deref() {
        Some("OK") => Ok(Ok(kept)),
        Some(_) => Ok(Err(message.unwrap_or_else(|| "(no message)".to_owned()))),
        None => Err(serde::de::Error::custom(
            "an object without Orchestrator's \"Code\"",
        )),
    }
}

/// A plain JSON answer (`master/<cluster>`): the value as `T`. Orchestrator sends its `ERROR`
/// envelope only with an HTTP error status, which is read before this.
pub(super) struct Plain<T>(pub(super) PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Plain<T> {
    type Value = Result<T, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        T::deserialize(deserializer).map(Ok)
    }
}

/// A JSON list whose elements are read one at a time, keeping those `keep` accepts; or an
/// envelope with Orchestrator's `ERROR`.
pub(super) struct Listing<'k, T, F> {
    pub(super) keep: &'k RefCell<F>,
    pub(super) element: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>, F: FnMut(&T) -> bool> DeserializeSeed<'de> for Listing<'_, T, F> {
    type Value = Result<Vec<T>, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(&T) -> bool> Visitor<'de> for Listing<'_, T, F> {
    type Value = Result<Vec<T>, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut kept = Vec::new();
        let mut keep = self.keep.borrow_mut();
        while let Some(element) = seq.next_element::<T>()? {
            if keep(&element) {
                kept.push(element);
            }
        }
        Ok(Ok(kept))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        match read_envelope(map, |map| {
            map.next_value::<IgnoredAny>().map(|_| None::<()>)
        })? {
            Err(message) => Ok(Err(message)),
            Ok(_) => Err(serde::de::Error::custom(
                "an object where a list was expected",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use super::*;
    use crate::orchestrator::{Instance, InstanceKey};

    /// Reads `body` as `list` reads an answer.
    fn listed(body: &[u8], limit: u64) -> (Result<Vec<Instance>, String>, Option<String>) {
        let mut guarded = Guarded::new(body, limit);
        let keep = RefCell::new(|_: &Instance| true);
        let parsed = {
            let mut de = serde_json::Deserializer::from_reader(BufReader::new(&mut guarded));
            Listing {
                keep: &keep,
                element: PhantomData,
            }
            .deserialize(&mut de)
            .map_err(|e| e.to_string())
            .and_then(|v| v)
        };
        (parsed, guarded.stopped)
    }

    #[test]
    fn listings_keep_the_fields_used_and_refuse_what_is_too_big() {
        let body = br#"[{"Key":{"Hostname":"db1","Port":3306},"ClusterName":"db1:3306","Problems":["a \" b"],"IsLastCheckValid":false,"SecondsSinceLastSeen":{"Int64":700,"Valid":true}}]"#;
        let (parsed, stopped) = listed(body, 1 << 20);
        assert_eq!(stopped, None);
        let instances = parsed.unwrap();
        assert_eq!(
            instances[0].key.as_ref().and_then(InstanceKey::endpoint),
            Some(("db1".to_owned(), 3306))
        );
        assert_eq!(instances[0].is_last_check_valid, Some(false));
        assert_eq!(
            instances[0].seconds_since_last_seen.map(|s| s.int64),
            Some(700)
        );

        let (parsed, stopped) = listed(body, 20);
        assert!(parsed.is_err());
        assert_eq!(
            stopped.as_deref(),
            Some("an answer larger than 20 bytes, the most allowed")
        );

        let long = format!(r#"[{{"ClusterName":"{}"}}]"#, "x".repeat(MAX_STRING + 1));
        let (parsed, stopped) = listed(long.as_bytes(), 1 << 30);
        assert!(parsed.is_err());
        assert_eq!(
            stopped.as_deref(),
            Some("a string longer than 1048576 bytes in the answer")
        );

        let refused = br#"{"Code":"ERROR","Message":"no backend","Details":null}"#;
        assert_eq!(listed(refused, 1 << 20).0.unwrap_err(), "no backend");
    }
}
