//! `orchestrator-config --merge` over an operator's file of arbitrary text: valid JSON object
//! in, valid JSON out holding every key of the operator's (as often as given) and the exact text
//! of every value of a key we do not set, our keys set, and merging again changes nothing; anything else is
//! a clear refusal, never a panic.

#![no_main]

use std::fmt;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::OnceLock;

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::cli::{Cli, Command, OrchestratorConfigArgs};
use orc_vitess_hook::exit::FailureKind;
use orc_vitess_hook::fuzzing::merge_orchestrator_config;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The two configurations merged: the plain one, and every hook with the legacy queries.
fn configs() -> &'static [OrchestratorConfigArgs; 2] {
    static CONFIGS: OnceLock<[OrchestratorConfigArgs; 2]> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let binary = installed();
        let parse = |extra: &[&str]| {
            let mut line = vec![
                "orc-vitess-hook".to_owned(),
                "orchestrator-config".to_owned(),
                "--server=vtctld:15999".to_owned(),
                format!("--binary={}", binary.display()),
            ];
            line.extend(extra.iter().map(|e| (*e).to_owned()));
            match Cli::try_parse_from(line).map(|cli| cli.command) {
                Ok(Command::OrchestratorConfig(args)) => *args,
                other => panic!("orchestrator-config's line: {other:?}"),
            }
        };
        [
            parse(&[]),
            parse(&["--all-hooks", "--legacy-metadata-queries"]),
        ]
    })
}

/// An executable named `orc-vitess-hook` for the hook lines to run (`--binary` must be one).
fn installed() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("orc-vitess-hook-fuzz-{}", std::process::id()));
    let binary = dir.join("orc-vitess-hook");
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::write(&binary, "#!/bin/sh\n").expect("a temporary file");
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    binary
}

fuzz_target!(|data: &[u8]| {
    let Some((choice, rest)) = data.split_first() else {
        return;
    };
    // The tool reads the file as UTF-8 text; other bytes are refused before any parsing.
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let args = &configs()[usize::from(choice & 1)];
    // Valid JSON, its numbers kept as text (Orchestrator's Go reader skips the keys it does not
    // know, however large their numbers).
    let object = serde_json::from_str::<Box<RawValue>>(text)
        .is_ok_and(|whole| whole.get().trim_start().starts_with('{'));
    let given = match object {
        true => pairs(text),
        false => {
            let refused = merge_orchestrator_config(args, text).expect_err("not an object");
            assert_eq!(refused.kind, FailureKind::Config);
            assert!(
                refused.message.starts_with("--merge: "),
                "{}",
                refused.message
            );
            return;
        }
    };
    let (merged, _warnings) = match merge_orchestrator_config(args, text) {
        Ok(done) => done,
        Err(e) => panic!("an object refused: {}", e.message),
    };
    let out = pairs(&merged);
    let ours = pairs(&merge_orchestrator_config(args, "{}").expect("ours alone").0);
    let is_ours = |key: &str| ours.iter().any(|(k, _)| k.eq_ignore_ascii_case(key));
    for (key, _) in &ours {
        assert!(
            out.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)),
            "{key} missing"
        );
    }
    for (key, value) in &given {
        let times = |list: &[(String, String)]| list.iter().filter(|(k, _)| k == key).count();
        assert!(times(&out) >= times(&given), "{key} lost:\n{merged}");
        if !is_ours(key) {
            assert!(
                out.iter().any(|(k, v)| k == key && v == value),
                "{key}'s value changed its text:\n{merged}"
            );
        }
    }
    let again = merge_orchestrator_config(args, &merged).expect("our own output");
    assert_eq!(again.0, merged, "merging again changed the document");
});

/// A JSON object's pairs in order, each value's exact text, a key given twice listed twice.
fn pairs(text: &str) -> Vec<(String, String)> {
    struct Pairs;
    impl<'de> Visitor<'de> for Pairs {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut pairs = Vec::new();
            while let Some((key, raw)) = map.next_entry::<String, Box<RawValue>>()? {
                pairs.push((key, raw.get().to_owned()));
            }
            Ok(pairs)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    match (&mut de).deserialize_map(Pairs) {
        Ok(pairs) => pairs,
        Err(e) => panic!("not a JSON object ({e}):\n{text}"),
    }
}
