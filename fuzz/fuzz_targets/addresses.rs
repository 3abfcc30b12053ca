//! Tablet aliases, `host:port` server addresses (IPv6 in brackets), host names and their
//! matching, cluster aliases and durations: each parse that succeeds prints a text that parses
//! back to the same value; each that fails says why; none panics.

#![no_main]

use std::ffi::OsStr;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::alias::TabletAlias;
use orc_vitess_hook::cli::setting;
use orc_vitess_hook::connection::ServerAddr;
use orc_vitess_hook::endpoint::{HostMatch, HostPort, host_match, registrable_host};
use orc_vitess_hook::settings::Problems;
use orc_vitess_hook::shard::Shard;

// The input: texts separated by NUL, each read by every parser, each pair compared as hosts.
fuzz_target!(|data: &[u8]| {
    let data = String::from_utf8_lossy(data);
    let texts: Vec<&str> = data.split('\0').collect();
    for text in &texts {
        alias(text);
        server(text);
        host(text);
        duration(text);
        if let Some(shard) = Shard::from_cluster_alias(text) {
            let again = format!("{}.{}", shard.keyspace, shard.shard);
            assert_eq!(Shard::from_cluster_alias(&again).as_ref(), Some(&shard));
        }
    }
    for pair in texts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        assert_eq!(host_match(a, b), host_match(b, a), "{a:?} {b:?}");
    }
    let port = u16::try_from(data.len() % 65535 + 1).unwrap_or(3306);
    for text in texts.iter().filter(|t| !t.is_empty()) {
        assert_eq!(host_match(text, text), Some(HostMatch::Identical));
        // A host:port as Orchestrator names it prints as a server address reads it.
        let shown = HostPort {
            host: (*text).to_owned(),
            port,
        }
        .to_string();
        if let Ok(parsed) = ServerAddr::parse(&shown) {
            assert_eq!((parsed.host(), parsed.port()), (*text, port));
        }
    }
});

fn alias(text: &str) {
    match text.parse::<TabletAlias>() {
        Ok(alias) => {
            let shown = alias.to_string();
            assert!(shown.is_ascii() && !shown.contains(char::is_whitespace));
            assert_eq!(
                shown.parse::<TabletAlias>().as_ref(),
                Ok(&alias),
                "{text:?}"
            );
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

fn server(text: &str) {
    match ServerAddr::parse(text) {
        Ok(addr) => {
            assert_ne!(addr.port(), 0);
            let again = ServerAddr::parse(&addr.to_string()).expect("a shown server parses");
            assert_eq!(again, addr, "{text:?}");
            assert!(addr.uri(true).starts_with("https://"));
        }
        Err(e) => assert!(format!("{e:#}").contains("expected"), "{e:#}"),
    }
}

fn host(text: &str) {
    if let Ok(name) = registrable_host(text) {
        assert!(text.starts_with(name));
        assert_eq!(registrable_host(name), Ok(name), "{text:?}");
    }
}

fn duration(text: &str) {
    let (min, max) = (Duration::from_millis(10), Duration::from_secs(3600));
    let mut problems = Problems::default();
    match problems.duration(setting::DEADLINE, OsStr::new(text), min, max) {
        Some(d) => {
            assert!((min..=max).contains(&d));
            assert!(problems.is_empty());
        }
        None => assert!(!problems.is_empty()),
    }
}
