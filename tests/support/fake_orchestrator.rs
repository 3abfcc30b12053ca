//! A fake Orchestrator HTTP API on 127.0.0.1: answers what the tool calls (`all-instances`,
//! `discover/<host>/<port>`, …) as Orchestrator does (`{"Code", "Message", "Details"}` or plain
//! JSON listings, HTTP 200), optionally behind basic auth, and records every request.

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

#[derive(Debug, Clone, Default)]
pub struct OrchestratorState {
    /// Known instances, `(host, port)`.
    pub instances: Vec<(String, u16)>,
    /// Required `Authorization` header value, e.g. `Basic b3JjOnB3`.
    pub authorization: Option<String>,
    pub seen: Vec<Seen>,
}

#[derive(Debug)]
pub struct FakeOrchestrator {
    pub url: String,
    state: Arc<Mutex<OrchestratorState>>,
}

impl FakeOrchestrator {
    pub fn start(state: OrchestratorState) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
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
        answer(&state, &target, authorization.as_deref())
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn answer(
    state: &OrchestratorState,
    target: &str,
    authorization: Option<&str>,
) -> (&'static str, String) {
    if let Some(required) = &state.authorization
        && authorization != Some(required.as_str())
    {
        return ("401 Unauthorized", "Unauthorized".to_owned());
    }
    let path = target.split('?').next().unwrap_or("");
    let parts: Vec<&str> = path.trim_start_matches("/api/").split('/').collect();
    let ok = |details: Value| json!({"Code": "OK", "Message": "", "Details": details}).to_string();
    match parts.as_slice() {
        ["all-instances"] => (
            "200 OK",
            Value::Array(
                state
                    .instances
                    .iter()
                    .map(|(host, port)| json!({"Key": {"Hostname": host, "Port": port}}))
                    .collect(),
            )
            .to_string(),
        ),
        ["discover", host, port] => (
            "200 OK",
            ok(json!({"Key": {"Hostname": host, "Port": port.parse::<u16>().unwrap_or(0)}})),
        ),
        _ => (
            "200 OK",
            json!({"Code": "ERROR", "Message": format!("unknown path {path}")}).to_string(),
        ),
    }
}
