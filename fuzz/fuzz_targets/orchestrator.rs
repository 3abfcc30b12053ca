//! Orchestrator's API answers (instances, clusters, audit-recovery, enveloped calls,
//! leader-check, error bodies) of arbitrary bytes: a typed result or a clear error, never a
//! panic, within the memory libFuzzer's `-rss_limit_mb` / `-malloc_limit_mb` allow.

#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use orc_vitess_hook::fuzzing::{
    orchestrator_call, orchestrator_error, orchestrator_get, orchestrator_list,
};
use orc_vitess_hook::orchestrator::{ApiError, Cluster, Instance, Recovery};
use orc_vitess_hook::plan;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_json::value::RawValue;

/// The call answered, by the input's first byte (the rest is the answer's body).
#[derive(Debug)]
enum Call {
    Instances,
    Clusters,
    Recoveries,
    Discover,
    Forget,
    LeaderCheck,
    Failed(u16),
}

fn call(selector: u8) -> Call {
    match selector % 8 {
        0 => Call::Instances,
        1 => Call::Clusters,
        2 => Call::Recoveries,
        3 => Call::Discover,
        4 => Call::Forget,
        5 => Call::LeaderCheck,
        6 => Call::Failed(500),
        _ => Call::Failed(u16::from(selector) * 3),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    match call(selector) {
        Call::Instances => listed(body, orchestrator_list::<Instance>(body)),
        Call::Clusters => listed(body, orchestrator_list::<Cluster>(body)),
        Call::Recoveries => {
            let recoveries = orchestrator_list::<Recovery>(body);
            if let Ok(recoveries) = &recoveries {
                for recovery in recoveries {
                    read_recovery(recovery);
                }
            }
            listed(body, recoveries);
        }
        Call::Discover => enveloped(body, orchestrator_call::<Instance>(body)),
        Call::Forget => enveloped(body, orchestrator_call::<IgnoredAny>(body)),
        Call::LeaderCheck => {
            if let Err(e) = orchestrator_get::<String>(body) {
                clear(&e);
            }
        }
        Call::Failed(status) => {
            let text = String::from_utf8_lossy(body);
            let e = orchestrator_error(status, &text);
            clear(&e);
            if let ApiError::Http(_, start) = &e {
                assert!(start.chars().count() <= 200);
            }
        }
    }
});

/// A listing is the answer's own list, element for element; a refusal is its `ERROR`.
fn listed<T>(body: &[u8], read: Result<Vec<T>, ApiError>) {
    match read {
        Ok(kept) => match top(body) {
            Some(Top::List(all)) => assert_eq!(kept.len(), all),
            _ => panic!("a listing read from {:?}", String::from_utf8_lossy(body)),
        },
        Err(e) => refused_only_by_error(body, &e),
    }
}

fn enveloped<T>(body: &[u8], read: Result<Option<T>, ApiError>) {
    match read {
        Ok(_) => {
            assert_eq!(
                code(body),
                Some(Value::from("OK")),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        Err(e) => refused_only_by_error(body, &e),
    }
}

/// `Refused` only for Orchestrator's envelope with a `Code` other than `OK`.
fn refused_only_by_error(body: &[u8], e: &ApiError) {
    clear(e);
    if let ApiError::Refused(_) = e {
        let given = code(body);
        assert!(given.is_some() && given != Some(Value::from("OK")), "{e}");
    }
}

/// An error from an answer in memory: never "unreachable", always with a message.
fn clear(e: &ApiError) {
    assert!(!matches!(e, ApiError::Unreachable(_)), "{e}");
    assert!(!e.to_string().trim().is_empty());
}

/// What `reparent` and `reconcile` make of a recovery: its event, decision, start and end.
fn read_recovery(recovery: &Recovery) {
    let event = recovery.event();
    let _ = plan::decide(&event);
    let _ = recovery.successor();
    let _ = recovery.started_at();
    if let (Ok((end, _)), Some(start)) = (recovery.ended_at(), recovery.started_at()) {
        assert!(end >= start, "{recovery:?}");
    }
}

/// The answer's top level, its bytes read lossily and its values left unread: the tool skips
/// the fields it does not keep without reading their text or converting their numbers, so
/// neither bytes that are not UTF-8 nor a number out of range there fail it.
enum Top {
    List(usize),
    /// The value of `Code` (its last, when given twice), when there is one.
    Object(Option<Value>),
    Other,
}

fn top(body: &[u8]) -> Option<Top> {
    let text = String::from_utf8_lossy(body);
    let whole = serde_json::from_str::<Box<RawValue>>(&text).ok()?;
    Some(match whole.get().trim_start().as_bytes().first() {
        Some(b'[') => Top::List(
            serde_json::from_str::<Vec<Box<RawValue>>>(whole.get())
                .ok()?
                .len(),
        ),
        Some(b'{') => {
            let fields: HashMap<String, Box<RawValue>> = serde_json::from_str(whole.get()).ok()?;
            Top::Object(
                fields
                    .get("Code")
                    .and_then(|c| serde_json::from_str(c.get()).ok()),
            )
        }
        _ => Top::Other,
    })
}

fn code(body: &[u8]) -> Option<Value> {
    match top(body) {
        Some(Top::Object(code)) => code,
        _ => None,
    }
}
