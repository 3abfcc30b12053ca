//! `--metrics-textfile`'s reader over arbitrary text: whatever sits at the path, the strict
//! reader either names why it is not this tool's file or reads a state that writes back to a
//! file reading as the same state; never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::record::textfile::State;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match State::parse(text) {
        Err(why) => assert!(
            why.starts_with("line ") || why.contains("has an outcome but no"),
            "a refusal names its line: {why}"
        ),
        Ok(state) => {
            let written = state.encode();
            let again = State::parse(&written)
                .unwrap_or_else(|why| panic!("what is written reads back ({why}):\n{written}"));
            assert_eq!(again, state, "written:\n{written}");
            // The same lines (prometheus-client orders a family's series as its hash map does).
            let lines = |text: &str| {
                let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
                lines.sort();
                lines
            };
            assert_eq!(lines(&again.encode()), lines(&written), "writing is stable");
        }
    }
});
