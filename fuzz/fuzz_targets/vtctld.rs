//! vtctld's answers: the retry classifier over arbitrary gRPC status codes and messages (it
//! retries only what a retry can fix, leaves a server out only for what that server said), and
//! the legacy API's streamed tablet listing (a listing read whole, each tablet printed as vtctl
//! prints it reading back the same, or one named bad line).

#![no_main]

use chrono::{DateTime, SecondsFormat};
use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::alias::TabletAlias;
use orc_vitess_hook::connection::ServerAddr;
use orc_vitess_hook::fuzzing::classify_status;
use orc_vitess_hook::proto::topodata::Tablet;
use orc_vitess_hook::tablet::type_name;
use orc_vitess_hook::vtctld::ApiKind;
use orc_vitess_hook::vtctld::call_error::CallError;
use orc_vitess_hook::vtctld::classify::Verdict;
use orc_vitess_hook::vtctld::legacy_listing;

/// gRPC's codes by number: the ones a retry may fix, and the ones that refuse us.
const RETRYABLE: &[i32] = &[1, 2, 4, 8, 10, 13, 14];
const REFUSING_US: &[i32] = &[7, 16];
const UNKNOWN: i32 = 2;
const UNIMPLEMENTED: i32 = 12;

// The input: a status code (one byte, read as a signed number: codes 0 to 16 and some that
// are none), its message up to the first newline, then the legacy listing's streamed chunks
// separated by NUL.
fuzz_target!(|data: &[u8]| {
    let Some((&code, rest)) = data.split_first() else {
        return;
    };
    let rest = String::from_utf8_lossy(rest);
    let (message, listed) = rest.split_once('\n').unwrap_or((&rest, ""));
    classifier(i32::from(code as i8), message);
    let chunks: Vec<String> = listed.split('\0').map(str::to_owned).collect();
    listing(&chunks);
});

fn classifier(code: i32, message: &str) {
    // tonic reads a number it does not know as UNKNOWN.
    let known = if (0..=16).contains(&code) {
        code
    } else {
        UNKNOWN
    };
    for api in [ApiKind::Vtctld, ApiKind::Vtctl] {
        let verdict = classify_status(code, message, api);
        match verdict {
            Verdict::Retry => assert!(RETRYABLE.contains(&known), "{code} {message:?}"),
            Verdict::RefusedUs => assert!(REFUSING_US.contains(&known)),
            Verdict::LacksTypedApi => {
                assert!(api == ApiKind::Vtctld && known == UNIMPLEMENTED)
            }
            Verdict::LacksCommand => assert!(api == ApiKind::Vtctl && known == UNKNOWN),
            Verdict::NotVtctld => assert_eq!(known, UNIMPLEMENTED),
            Verdict::Misconfigured => panic!("only the retry loop decides Misconfigured"),
            Verdict::Stop(_) => assert!(!REFUSING_US.contains(&known)),
        }
        if [4, 14].contains(&known) {
            assert_eq!(verdict, Verdict::Retry, "a passing fault is retried");
        }
    }
    let error = CallError::Status(tonic_status(code, message));
    let server = ServerAddr::parse("vtctld:15999").expect("a valid address");
    assert!(error.describe(&server).contains(message));
    assert!(!error.label().is_empty());
}

fn tonic_status(code: i32, message: &str) -> tonic::Status {
    tonic::Status::new(tonic::Code::from_i32(code), message)
}

fn listing(chunks: &[String]) {
    match legacy_listing::parse(chunks) {
        Ok(tablets) => {
            let lines = chunks
                .iter()
                .flat_map(|c| c.lines())
                .filter(|l| !l.trim().is_empty())
                .count();
            assert_eq!(tablets.len(), lines);
            for tablet in &tablets {
                let Some(line) = printed(tablet) else {
                    continue;
                };
                let again = legacy_listing::parse_line(&line);
                assert_eq!(again.as_ref(), Ok(tablet), "{line:?}");
            }
        }
        Err(bad) => {
            assert!(bad.line.chars().count() <= 200);
            assert!(!bad.why.is_empty());
        }
    }
}

/// A tablet as vtctl prints it in a listing; `None` for a term chrono cannot print.
fn printed(tablet: &Tablet) -> Option<String> {
    let alias = TabletAlias::from_proto(tablet.alias.as_ref()?);
    let or_null = |s: &str| {
        if s.is_empty() {
            "<null>".to_owned()
        } else {
            s.to_owned()
        }
    };
    let host = &tablet.mysql_hostname;
    let mysql = if host.contains(':') {
        format!("[{host}]:{}", tablet.mysql_port)
    } else {
        format!("{host}:{}", tablet.mysql_port)
    };
    let term = match &tablet.primary_term_start_time {
        None => "<null>".to_owned(),
        Some(t) => DateTime::from_timestamp(t.seconds, u32::try_from(t.nanoseconds).ok()?)?
            .to_rfc3339_opts(SecondsFormat::AutoSi, true),
    };
    Some(format!(
        "{alias} {} {} {} vttablet:15100 {mysql} [] {term}",
        or_null(&tablet.keyspace),
        or_null(&tablet.shard),
        type_name(tablet.r#type).to_ascii_lowercase(),
    ))
}
