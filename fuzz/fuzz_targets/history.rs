//! `history` over a recovery log's arbitrary bytes: every line is a record or counted as not
//! one, failovers are grouped within the `--last` bound, `--check` only names failovers that
//! did not end well, and reading stops only after a whole line; never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::fuzzing::read_log;
use orc_vitess_hook::history::{Filter, History};

// The input: the number of failovers held (`--last`), then the log's bytes. Every eighth
// input filters by cluster `commerce.0` and outcome `ok`.
fuzz_target!(|data: &[u8]| {
    let Some((&keep, log)) = data.split_first() else {
        return;
    };
    let filter = if keep % 8 == 7 {
        Filter {
            cluster: Some("commerce.0".to_owned()),
            outcome: Some("ok".to_owned()),
            ..Filter::default()
        }
    } else {
        Filter::default()
    };
    let keep = usize::from(keep);
    let mut history = History::new(filter, keep);
    let whole = match read_log(log, &mut history) {
        Ok(whole) => usize::try_from(whole).expect("at most the log's length"),
        Err(e) => panic!("a log in memory cannot fail to read: {e}"),
    };
    assert!(whole <= log.len());
    assert!(
        whole == 0 || log[whole - 1] == b'\n',
        "stopped inside a line"
    );
    // Blank whole lines are skipped; a torn last line is read whatever it holds.
    let lines = log
        .split_inclusive(|b| *b == b'\n')
        .filter(|line| !line.ends_with(b"\n") || !line.iter().all(u8::is_ascii_whitespace))
        .count();
    assert_eq!(history.records + history.not_records, lines);
    assert_eq!(history.first_not_record.is_some(), history.not_records > 0);
    let failovers = history.failovers();
    assert!(failovers.len() <= keep.max(1));
    for failover in &failovers {
        assert!(failover.records >= 1);
    }
    for unwell in history.unwell() {
        assert!(!unwell.well());
    }
    let _ = history.latest();
});
