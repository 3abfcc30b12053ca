//! Reading back the textfile (`super`): a strict parser of exactly what this tool writes, so a
//! file at that path that something else wrote is named and left alone.

use std::collections::BTreeMap;

use super::{LAST_OUTCOME, LAST_STATUS, LAST_TIME, Labels, Last, PREFIX, RUNS, State};

impl State {
    /// Reads a file this module wrote. Anything else is an error naming the line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut state = Self::default();
        let mut outcomes: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut times: BTreeMap<(String, String), f64> = BTreeMap::new();
        let mut statuses: BTreeMap<(String, String), u8> = BTreeMap::new();
        for (number, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |why: &str| format!("line {}: {why}", number + 1);
            let sample = Sample::parse(line).map_err(|why| at(&why))?;
            let series = sample
                .name
                .strip_prefix(PREFIX)
                .and_then(|n| n.strip_prefix('_'));
            let known = [LAST_TIME, LAST_STATUS, LAST_OUTCOME, RUNS];
            if !series.is_some_and(|series| known.contains(&series)) {
                return Err(at(&format!(
                    "`{}` is not a series this tool writes",
                    sample.name
                )));
            }
            let hook = sample.label("hook").map_err(|e| at(&e))?;
            let key = (hook, sample.label("shard").unwrap_or_default());
            let value = sample.value;
            match series {
                Some(LAST_TIME) => {
                    times.insert(key, value);
                }
                Some(LAST_STATUS) if (0.0..=255.0).contains(&value) && value.fract() == 0.0 => {
                    statuses.insert(key, value as u8);
                }
                Some(LAST_OUTCOME) => {
                    outcomes.insert(key, sample.label("outcome").map_err(|e| at(&e))?);
                }
                Some(RUNS) if value >= 0.0 && value.fract() == 0.0 => {
                    let outcome = sample.label("outcome").map_err(|e| at(&e))?;
                    state.totals.insert((key.0, outcome), value as u64);
                }
                _ => return Err(at(&format!("`{line}`: a value out of range"))),
            }
        }
        for (key, outcome) in outcomes {
            let (Some(time), Some(exit_status)) = (times.get(&key), statuses.get(&key)) else {
                return Err(format!(
                    "hook {} shard {:?} has an outcome but no time or exit status",
                    key.0, key.1
                ));
            };
            let last = Last {
                time: *time,
                exit_status: *exit_status,
                outcome,
            };
            state.last.insert(key, last);
        }
        Ok(state)
    }
}

/// One sample line: `name{label="value",...} value`.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: Labels,
    value: f64,
}

impl Sample {
    fn parse(line: &str) -> Result<Self, String> {
        let name_end = line.find(['{', ' ']).ok_or("no value")?;
        let name = line[..name_end].to_owned();
        let mut rest = &line[name_end..];
        let mut labels = Vec::new();
        if let Some(inside) = rest.strip_prefix('{') {
            let (parsed, after) = parse_labels(inside)?;
            labels = parsed;
            rest = after;
        }
        let value = rest.trim();
        let value = value
            .parse::<f64>()
            .map_err(|_| format!("value {value:?} is not a number"))?;
        Ok(Self {
            name,
            labels,
            value,
        })
    }

    fn label(&self, name: &str) -> Result<String, String> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("`{}` has no `{name}` label", self.name))
    }
}

/// `key="value",...}` → the labels and what follows the `}`. Values are unescaped (`\\`, `\"`,
/// `\n`), as Prometheus's text format escapes them.
fn parse_labels(mut text: &str) -> Result<(Labels, &str), String> {
    let mut labels = Vec::new();
    loop {
        text = text.trim_start_matches(',');
        if let Some(after) = text.strip_prefix('}') {
            return Ok((labels, after));
        }
        let (key, after) = text.split_once("=\"").ok_or("a label without `=\"`")?;
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err("a label value without its closing quote".into()),
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c @ ('\\' | '"'))) => value.push(c),
                    _ => return Err("a label value with an unknown escape".into()),
                },
                Some((_, c)) => value.push(c),
            }
        };
        labels.push((key.to_owned(), value));
        text = &after[end + 1..];
    }
}
