//! Reading the tool's own settings (flags and `ORC_VITESS_HOOK_*` variables) into real types.
//!
//! clap hands every setting over as raw text so that a bad one is our configuration error (exit
//! 78, with a record), not a usage error that records nothing. Each problem names the flag and
//! variable, the value and what was expected; all problems of a run are reported together.

use std::ffi::OsStr;
use std::time::Duration;

/// A setting as the user sees it: its long flag (without `--`) and its variable. `cli::setting`
/// names every one once, for clap and for the messages here.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub long: &'static str,
    /// Empty for a flag without a variable.
    pub variable: &'static str,
}

impl Setting {
    pub const fn new(long: &'static str, variable: &'static str) -> Self {
        Self { long, variable }
    }

    /// A setting of the command line only.
    pub const fn flag_only(long: &'static str) -> Self {
        Self { long, variable: "" }
    }
}

impl std::fmt::Display for Setting {
    /// `--flag / VARIABLE`, or `--flag / (no variable)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let variable = if self.variable.is_empty() {
            "(no variable)"
        } else {
            self.variable
        };
        write!(f, "--{} / {variable}", self.long)
    }
}

/// Every problem found while reading settings.
#[derive(Debug, Default)]
pub struct Problems(Vec<String>);

impl Problems {
    pub fn push(&mut self, setting: Setting, value: &OsStr, expected: &str) {
        self.0.push(format!(
            "{setting}: {:?}: {expected}",
            value.to_string_lossy()
        ));
    }

    pub fn push_message(&mut self, message: String) {
        self.0.push(message);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `None` when there was no problem; else every problem on one line.
    pub fn into_message(self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.join("; "))
    }

    /// The value as UTF-8 text, or a problem.
    pub fn text<'v>(&mut self, setting: Setting, value: &'v OsStr) -> Option<&'v str> {
        self.text_that(setting, value, |_| true, "expected UTF-8 text")
    }

    /// A keyspace or shard name as Vitess allows it (`crate::shard::is_name`), or a problem: an
    /// empty or mistyped name would filter nothing or match nothing.
    pub fn shard_name<'v>(&mut self, setting: Setting, value: &'v OsStr) -> Option<&'v str> {
        let expected =
            "expected a Vitess keyspace or shard name: 1 to 64 letters, digits, '_' and '-'";
        self.text_that(setting, value, crate::shard::is_name, expected)
    }

    /// A cell name as Vitess allows it (`crate::alias::is_cell`), or a problem.
    pub fn cell_name<'v>(&mut self, setting: Setting, value: &'v OsStr) -> Option<&'v str> {
        let expected = "expected a Vitess cell name: letters, digits, '-', '_' and '.'";
        self.text_that(setting, value, crate::alias::is_cell, expected)
    }

    /// The value as text `valid` accepts, or the problem `expected`.
    fn text_that<'v>(
        &mut self,
        setting: Setting,
        value: &'v OsStr,
        valid: impl Fn(&str) -> bool,
        expected: &str,
    ) -> Option<&'v str> {
        let text = value.to_str().filter(|text| valid(text));
        if text.is_none() {
            self.push(setting, value, expected);
        }
        text
    }

    /// One of `choices`, by name.
    pub fn choice<T: Copy>(
        &mut self,
        setting: Setting,
        value: &OsStr,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let found = value
            .to_str()
            .and_then(|text| choices.iter().find(|(name, _)| *name == text))
            .map(|(_, choice)| *choice);
        if found.is_none() {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            self.push(
                setting,
                value,
                &format!("expected one of {}", names.join(", ")),
            );
        }
        found
    }

    /// `true` or `false`; absent is `false`.
    pub fn boolean(&mut self, setting: Setting, value: Option<&OsStr>) -> bool {
        value.is_some_and(|value| {
            self.choice(setting, value, &[("true", true), ("false", false)])
                .unwrap_or(false)
        })
    }

    /// A duration as Vitess operators write them (`60s`, `1m30s`, `500ms`) within `[min, max]`.
    /// One above `max` is refused with "expected at most `max`" first: a cap is the point.
    pub fn duration(
        &mut self,
        setting: Setting,
        value: &OsStr,
        min: Duration,
        max: Duration,
    ) -> Option<Duration> {
        let parsed = value
            .to_str()
            .and_then(|text| humantime::parse_duration(text.trim()).ok());
        if let Some(duration) = parsed.filter(|d| (min..=max).contains(d)) {
            return Some(duration);
        }
        let examples: Vec<&str> = ["500ms", "2s", "60s", "1m30s"]
            .into_iter()
            .filter(|example| {
                humantime::parse_duration(example).is_ok_and(|d| (min..=max).contains(&d))
            })
            .collect();
        let range = format!(
            "a duration from {} to {}, like {}",
            humantime::format_duration(min),
            humantime::format_duration(max),
            match examples.split_last() {
                Some((last, [])) => (*last).to_owned(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => "60s".to_owned(),
            }
        );
        let expected = match parsed {
            Some(above) if above > max => format!(
                "expected at most {}, {range}",
                humantime::format_duration(max)
            ),
            _ => format!("expected {range}"),
        };
        self.push(setting, value, &expected);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    const S: Setting = Setting::new("deadline", "ORC_VITESS_HOOK_DEADLINE");
    const MS: Duration = Duration::from_millis(10);
    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn durations_within_bounds() {
        let mut p = Problems::default();
        assert_eq!(
            p.duration(S, "60s".as_ref(), MS, HOUR),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            p.duration(S, "1m30s".as_ref(), MS, HOUR),
            Some(Duration::from_secs(90))
        );
        assert_eq!(p.duration(S, "1h".as_ref(), MS, HOUR), Some(HOUR));
        assert!(p.is_empty());
        for bad in ["0s", "0", "", "soon", "5ms", "99999999999999999999s", "-1s"] {
            let mut p = Problems::default();
            assert_eq!(p.duration(S, bad.as_ref(), MS, HOUR), None, "{bad}");
            let message = p.into_message().unwrap();
            assert!(
                message.starts_with(&format!("--deadline / ORC_VITESS_HOOK_DEADLINE: {bad:?}: expected a duration from 10ms to 1h")),
                "{message}"
            );
        }
        for (above, max, expected) in [
            (
                "2h",
                HOUR,
                "expected at most 1h, a duration from 10ms to 1h, like 500ms, 2s, 60s or 1m30s",
            ),
            (
                "11s",
                Duration::from_secs(10),
                "expected at most 10s, a duration from 10ms to 10s, like 500ms or 2s",
            ),
        ] {
            let mut p = Problems::default();
            assert_eq!(p.duration(S, above.as_ref(), MS, max), None, "{above}");
            assert_eq!(
                p.into_message().unwrap(),
                format!("--deadline / ORC_VITESS_HOOK_DEADLINE: {above:?}: {expected}")
            );
        }
    }

    #[test]
    fn booleans_choices_and_text() {
        let mut p = Problems::default();
        assert!(p.boolean(S, Some("true".as_ref())));
        assert!(!p.boolean(S, Some("false".as_ref())));
        assert!(!p.boolean(S, None));
        assert!(p.is_empty());
        assert!(!p.boolean(S, Some("yes".as_ref())));
        assert!(!p.boolean(S, Some("".as_ref())));
        assert_eq!(p.choice(S, "b".as_ref(), &[("a", 1), ("b", 2)]), Some(2));
        assert_eq!(p.choice(S, "c".as_ref(), &[("a", 1), ("b", 2)]), None);
        let bad = OsString::from_vec(b"\xff".to_vec());
        assert_eq!(p.text(S, &bad), None);
        let message = p.into_message().unwrap();
        assert_eq!(message.matches("; ").count(), 3, "{message}");
        assert!(
            message.contains(r#""yes": expected one of true, false"#),
            "{message}"
        );
        assert!(
            message.contains(r#""c": expected one of a, b"#),
            "{message}"
        );
        assert!(message.contains("expected UTF-8 text"), "{message}");
    }

    #[test]
    fn vitess_names_of_keyspaces_shards_and_cells() {
        const KS: Setting = Setting::flag_only("keyspace");
        let mut p = Problems::default();
        for good in ["commerce", "-80", "80-", "0", "customer_2"] {
            assert_eq!(p.shard_name(KS, good.as_ref()), Some(good));
        }
        for good in ["zone1", "us_east.1", "us-east-1a", "global-read-only"] {
            assert_eq!(p.cell_name(KS, good.as_ref()), Some(good));
        }
        assert!(p.is_empty());
        for bad in ["", " commerce", "commerce\n", "a/b", "a.b", "ké"] {
            let mut p = Problems::default();
            assert_eq!(p.shard_name(KS, bad.as_ref()), None, "{bad:?}");
            let message = p.into_message().unwrap_or_default();
            assert!(message.starts_with(&format!("--keyspace / (no variable): {bad:?}")));
        }
        let longest = "k".repeat(64);
        assert_eq!(p.shard_name(KS, longest.as_ref()), Some(longest.as_str()));
        let too_long = "k".repeat(65);
        assert_eq!(p.shard_name(KS, too_long.as_ref()), None);
        for bad in ["", "zone 1", "zone1,zone2", "zone/1", "zöne1"] {
            let mut p = Problems::default();
            assert_eq!(p.cell_name(KS, bad.as_ref()), None, "{bad:?}");
            let message = p.into_message().unwrap_or_default();
            assert!(
                message.starts_with(&format!("--keyspace / (no variable): {bad:?}: expected")),
                "{message}"
            );
        }
    }
}
