//! A fake Orchestrator HTTP API on 127.0.0.1: answers what the tool calls (`all-instances`,
//! `discover/<host>/<port>`, `audit-recovery/alias/<alias>`, `master/<hint>`, `leader-check`,
//! …) as Orchestrator does (`{"Code", "Message", "Details"}` or plain JSON, HTTP 200; `ERROR`
//! answers with HTTP 500, `leader-check` on a follower with 404, as its api.go does),
//! optionally behind basic auth, and records every request.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The path and query, as sent (escaped).
    pub target: String,
    pub authorization: Option<String>,
}

/// Orchestrator's `AuditPageSize` default.
pub const AUDIT_PAGE_SIZE: usize = 50;

#[derive(Debug, Clone, Default)]
pub struct OrchestratorState {
    /// Known instances, `(host, port)`; `discover` adds to them.
    pub instances: Vec<(String, u16)>,
    /// The cluster each `host:port` belongs to (its primary's `host:port`); by default, itself.
    pub clusters: std::collections::BTreeMap<String, String>,
    /// Required `Authorization` header value, e.g. `Basic b3JjOnB3`.
    pub authorization: Option<String>,
    /// `host:port`s whose `discover` answers `Code: ERROR`.
    pub refuse: Vec<String>,
    /// Answer nothing, ever (a hung Orchestrator).
    pub hang: bool,
    /// Answer nothing to calls whose first path part is one of these (`discover`,
    /// `set-cluster-alias`, `clusters-info`, …): a phase that hangs.
    pub hang_on: Vec<String>,
    /// Answer `all-instances` with a list of this many bytes, streamed without a length...
    pub huge: Option<u64>,
    /// ...or with its `Content-Length` announced.
    pub huge_announced: bool,
    /// `host:port`s Orchestrator's checks have not reached, with the seconds since it last
    /// did (`IsLastCheckValid` false); `None`: never reached. Every other instance was just
    /// reached.
    pub unreached: std::collections::BTreeMap<String, Option<i64>>,
    /// Promotion rules registered, `host:port` → rule.
    pub rules: std::collections::BTreeMap<String, String>,
    /// Cluster aliases set, cluster name → alias.
    pub aliases: std::collections::BTreeMap<String, String>,
    /// `host:port`s forgotten.
    pub forgotten: Vec<String>,
    /// Host names Orchestrator stores differently from how `discover` was asked (its
    /// `HostnameResolveMethod`): asked name → stored name.
    pub resolve: std::collections::BTreeMap<String, String>,
    /// `audit-recovery/alias/<alias>`: each alias's recoveries, newest first, as api.go writes
    /// them (a plain JSON list).
    pub recoveries: std::collections::BTreeMap<String, Vec<Value>>,
    /// `master/<cluster hint>`: each hint's (a cluster name, alias or instance) master
    /// `(host, port)`; any other hint answers
    /// `ERROR` "No masters found", as api.go does.
    pub masters: std::collections::BTreeMap<String, (String, u16)>,
    /// `leader-check` answers 404 "Not leader" (a raft follower) instead of 200 "OK".
    pub follower: bool,
    pub seen: Vec<Seen>,
}

impl OrchestratorState {
    fn cluster_of(&self, key: &str) -> String {
        self.clusters
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }
}

#[derive(Debug)]
pub struct FakeOrchestrator {
    pub url: String,
    state: Arc<Mutex<OrchestratorState>>,
}

impl FakeOrchestrator {
    pub fn start(state: OrchestratorState) -> Self {
        Self::start_on("127.0.0.1:0", state)
    }

    pub fn start_on(bind: &str, state: OrchestratorState) -> Self {
        let listener = TcpListener::bind(bind).expect("bind");
        let url = format!("http://{}/api/", listener.local_addr().expect("addr"));
        let state = Arc::new(Mutex::new(state));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        Self { url, state }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .seen
            .clone()
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, OrchestratorState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn serve(stream: TcpStream, state: &Mutex<OrchestratorState>) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let target = request_line.split(' ').nth(1).unwrap_or("").to_owned();
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(value.trim().to_owned());
        }
    }
    let (status, body) = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        state.seen.push(Seen {
            target: target.clone(),
            authorization: authorization.clone(),
        });
        let first = target
            .trim_start_matches("/api/")
            .split(['/', '?'])
            .next()
            .unwrap_or("");
        if state.hang || state.hang_on.iter().any(|h| h == first) {
            drop(state);
            std::thread::sleep(std::time::Duration::from_secs(3600));
            return;
        }
        if let (Some(size), "all-instances") = (state.huge, first) {
            let announced = state.huge_announced;
            drop(state);
            serve_huge(stream, size, announced);
            return;
        }
        answer(&mut state, &target, authorization.as_deref())
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// About `size` bytes of a JSON list of instances as Orchestrator writes them (some 2 kB each,
/// most of it fields the tool skips), written as they are made; `announced`: with `size` as its
/// `Content-Length` (the client is to refuse it unread).
fn serve_huge(mut stream: TcpStream, size: u64, announced: bool) {
    let filler = "x".repeat(1500);
    let mut written = 0u64;
    let length = if announced {
        format!("Content-Length: {size}\r\n")
    } else {
        String::new()
    };
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}Connection: close\r\n\r\n["
    );
    let mut n = 0u64;
    while written < size {
        let element = format!(
            r#"{}{{"Key":{{"Hostname":"db-{n}.example.com","Port":3306}},"ClusterName":"db-{n}.example.com:3306","Version":"8.0.36","ExecutedGtidSet":"{filler}","IsLastCheckValid":true,"SecondsSinceLastSeen":{{"Int64":1,"Valid":true}}}}"#,
            if n == 0 { "" } else { "," }
        );
        if stream.write_all(element.as_bytes()).is_err() {
            // The client stopped reading: what the test wants to see.
            return;
        }
        written += element.len() as u64;
        n += 1;
    }
    let _ = stream.write_all(b"]");
}

fn unescape(part: &str) -> String {
    let bytes = part.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = part
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn answer(
    state: &mut OrchestratorState,
    target: &str,
    authorization: Option<&str>,
) -> (&'static str, String) {
    if let Some(required) = &state.authorization
        && authorization != Some(required.as_str())
    {
        return ("401 Unauthorized", "Unauthorized".to_owned());
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let parts: Vec<String> = path
        .trim_start_matches("/api/")
        .split('/')
        .map(unescape)
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let ok = |details: Value| json!({"Code": "OK", "Message": "", "Details": details}).to_string();
    let error = |message: String| json!({"Code": "ERROR", "Message": message}).to_string();
    match parts.as_slice() {
        ["all-instances"] => (
            "200 OK",
            Value::Array(
                state
                    .instances
                    .iter()
                    .map(|(host, port)| {
                        let key = format!("{host}:{port}");
                        let (valid, seen) = match state.unreached.get(&key) {
                            None => (true, json!({"Int64": 3, "Valid": true})),
                            Some(Some(seconds)) => {
                                (false, json!({"Int64": seconds, "Valid": true}))
                            }
                            Some(None) => (false, json!({"Int64": 0, "Valid": false})),
                        };
                        json!({
                            "Key": {"Hostname": host, "Port": port},
                            "ClusterName": state.cluster_of(&key),
                            "IsLastCheckValid": valid,
                            "SecondsSinceLastSeen": seen,
                        })
                    })
                    .collect(),
            )
            .to_string(),
        ),
        ["clusters-info"] => {
            let names: std::collections::BTreeSet<String> = state
                .instances
                .iter()
                .map(|(h, p)| state.cluster_of(&format!("{h}:{p}")))
                .collect();
            let clusters: Vec<Value> = names
                .into_iter()
                .map(|name| {
                    let alias = state
                        .aliases
                        .get(&name)
                        .cloned()
                        .unwrap_or_else(|| name.clone());
                    json!({"ClusterName": name, "ClusterAlias": alias})
                })
                .collect();
            ("200 OK", Value::Array(clusters).to_string())
        }
        ["discover", host, port] => {
            let key = format!("{host}:{port}");
            if state.refuse.contains(&key) {
                return (
                    "500 Internal Server Error",
                    error(format!("cannot connect to {key}")),
                );
            }
            let port: u16 = port.parse().unwrap_or(0);
            let host = state
                .resolve
                .get(*host)
                .cloned()
                .unwrap_or((*host).to_owned());
            let key = format!("{host}:{port}");
            if !state
                .instances
                .iter()
                .any(|(h, p)| *h == host && *p == port)
            {
                state.instances.push((host.clone(), port));
            }
            let cluster = state.cluster_of(&key);
            (
                "200 OK",
                ok(json!({"Key": {"Hostname": host, "Port": port}, "ClusterName": cluster})),
            )
        }
        ["register-candidate", host, port, rule] => {
            state
                .rules
                .insert(format!("{host}:{port}"), (*rule).to_owned());
            ("200 OK", ok(Value::Null))
        }
        ["set-cluster-alias", cluster] => {
            let alias = query
                .strip_prefix("alias=")
                .map(unescape)
                .unwrap_or_default();
            state.aliases.insert((*cluster).to_owned(), alias);
            ("200 OK", ok(Value::Null))
        }
        ["leader-check"] if state.follower => ("404 Not Found", "\"Not leader\"".to_owned()),
        ["leader-check"] => ("200 OK", "\"OK\"".to_owned()),
        ["audit-recovery", "alias", alias] | ["audit-recovery", "alias", alias, _] => {
            // Pages of AUDIT_PAGE_SIZE, as api.go pages them (`/<page>`, from 0).
            let page: usize = parts.get(3).and_then(|p| p.parse().ok()).unwrap_or(0);
            let all = state.recoveries.get(*alias).cloned().unwrap_or_default();
            let page: Vec<Value> = all
                .into_iter()
                .skip(page * AUDIT_PAGE_SIZE)
                .take(AUDIT_PAGE_SIZE)
                .collect();
            ("200 OK", Value::Array(page).to_string())
        }
        ["master", hint] => match state.masters.get(*hint) {
            Some((host, port)) => (
                "200 OK",
                json!({
                    "Key": {"Hostname": host, "Port": port},
                    "ClusterName": format!("{host}:{port}"),
                })
                .to_string(),
            ),
            None => (
                "500 Internal Server Error",
                error(format!("No masters found for {hint}")),
            ),
        },
        ["forget", host, port] => {
            let key = format!("{host}:{port}");
            let port: u16 = port.parse().unwrap_or(0);
            state.instances.retain(|(h, p)| !(h == host && *p == port));
            state.forgotten.push(key);
            ("200 OK", ok(Value::Null))
        }
        _ => (
            "500 Internal Server Error",
            error(format!("unknown path {path}")),
        ),
    }
}
