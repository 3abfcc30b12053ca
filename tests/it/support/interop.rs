//! Vitess's own vtctld server code as a test peer: `tests/interop/` (a Go module pinning
//! vitess.io/vitess) serves the real Vtctld and Vtctl gRPC services over Vitess's in-memory
//! topology. This module builds it once per test binary (`go build`, cached by Go), starts it on
//! 127.0.0.1 with a fleet, and talks to it directly to read the real answers.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use orc_vitess_hook::proto::topodata::{Tablet, TabletAlias};
use orc_vitess_hook::proto::vtctldata::{
    ExecuteVtctlCommandRequest, GetTabletRequest, GetTabletsRequest,
    TabletExternallyReparentedRequest, TabletExternallyReparentedResponse,
};
use orc_vitess_hook::proto::vtctlservice::vtctl_client::VtctlClient;
use orc_vitess_hook::proto::vtctlservice::vtctld_client::VtctldClient;
use serde_json::{Value, json};
use tonic::{Request, Status};

/// Builds the interop program once per test binary (Go caches the build); a missing Go
/// toolchain fails every interop test with what to install, a failed build with its output.
pub fn binary() -> &'static Path {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| super::go::build("tests/interop", "vtctld-interop"));
    match built {
        Ok(path) => path,
        Err(why) => panic!("{why}"),
    }
}

/// A running real vtctld. Dropping it stops it.
#[derive(Debug)]
pub struct RealVtctld {
    child: Child,
    pub addr: String,
    _dir: tempfile::TempDir,
    /// Kept open: a peer that writes to a closed stdout would die of SIGPIPE.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl RealVtctld {
    /// Starts vtctld over `fleet` (see tests/interop/main.go), with extra flags (TLS, auth).
    pub fn start(fleet: &Value, flags: &[String]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let fleet_file = dir.path().join("fleet.json");
        std::fs::write(&fleet_file, fleet.to_string()).expect("write fleet");
        let log = std::fs::File::create(dir.path().join("vtctld.log")).expect("log");
        let mut child = Command::new(binary())
            .arg("--fleet")
            .arg(&fleet_file)
            .args(flags)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start vtctld-interop");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("read the listening line");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                let log =
                    std::fs::read_to_string(dir.path().join("vtctld.log")).unwrap_or_default();
                panic!("vtctld-interop did not start: {line:?}\n{log}")
            })
            .to_owned();
        Self {
            child,
            addr,
            _dir: dir,
            _stdout: stdout,
        }
    }

    /// Calls the typed API directly, with optional static auth, and returns the raw answer.
    pub fn call<T>(
        &self,
        call: impl AsyncFnOnce(VtctldClient<tonic::transport::Channel>) -> Result<T, Status>,
    ) -> Result<T, Status> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", self.addr))
                .expect("endpoint")
                // A bound on every direct call: a call to a tablet nobody answers for would
                // otherwise wait as long as vtctld lets it.
                .timeout(std::time::Duration::from_secs(3))
                .connect()
                .await
                .expect("connect to vtctld-interop");
            call(VtctldClient::new(channel)).await
        })
    }

    pub fn tablets(&self) -> Vec<Tablet> {
        self.call(async |mut c| c.get_tablets(GetTabletsRequest::default()).await)
            .expect("GetTablets")
            .into_inner()
            .tablets
    }

    /// The tablet type of `uid` in zone1, as vtctld now has it.
    pub fn type_of(&self, uid: u32) -> i32 {
        self.tablets()
            .into_iter()
            .find(|t| t.alias.as_ref().is_some_and(|a| a.uid == uid))
            .map(|t| t.r#type)
            .expect("tablet listed")
    }

    pub fn reparent(&self, uid: u32) -> Result<TabletExternallyReparentedResponse, Status> {
        self.call(async |mut c| {
            c.tablet_externally_reparented(TabletExternallyReparentedRequest {
                tablet: Some(alias(uid)),
            })
            .await
        })
        .map(tonic::Response::into_inner)
    }

    /// The legacy `Vtctl/ExecuteVtctlCommand`: the streamed lines, and how the stream ended.
    pub fn legacy(&self, args: &[&str]) -> (Vec<String>, Result<(), Status>) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", self.addr))
                .expect("endpoint")
                .timeout(std::time::Duration::from_secs(3))
                .connect()
                .await
                .expect("connect to vtctld-interop");
            let request = ExecuteVtctlCommandRequest {
                args: args.iter().map(|a| (*a).to_owned()).collect(),
                action_timeout: 3_000_000_000,
            };
            let mut lines = Vec::new();
            let mut stream = match VtctlClient::new(channel)
                .execute_vtctl_command(request)
                .await
            {
                Ok(response) => response.into_inner(),
                Err(status) => return (lines, Err(status)),
            };
            loop {
                match stream.message().await {
                    Ok(Some(response)) => {
                        lines.extend(response.event.map(|e| e.value));
                    }
                    Ok(None) => return (lines, Ok(())),
                    Err(status) => return (lines, Err(status)),
                }
            }
        })
    }

    pub fn get_tablet(&self, uid: u32) -> Result<Tablet, Status> {
        self.call(async |mut c| {
            c.get_tablet(Request::new(GetTabletRequest {
                tablet_alias: Some(alias(uid)),
            }))
            .await
        })
        .map(|r| r.into_inner().tablet.unwrap_or_default())
    }
}

impl RealVtctld {
    /// vtctld's own log (warnings and errors), for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("vtctld.log"))
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.contains(r#""level":"INFO""#))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for RealVtctld {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn alias(uid: u32) -> TabletAlias {
    TabletAlias {
        cell: "zone1".into(),
        uid,
    }
}

/// One tablet of a fleet file, in zone1.
pub fn tablet(uid: u32, keyspace: &str, shard: &str, kind: &str, mysql_host: &str) -> Value {
    tablet_in_cell("zone1", uid, keyspace, shard, kind, mysql_host)
}

pub fn tablet_in_cell(
    cell: &str,
    uid: u32,
    keyspace: &str,
    shard: &str,
    kind: &str,
    mysql_host: &str,
) -> Value {
    json!({
        "alias": format!("{cell}-{uid}"),
        "keyspace": keyspace,
        "shard": shard,
        "type": kind,
        "mysql_hostname": mysql_host,
        "mysql_port": 3306,
    })
}

/// The two-keyspace demo fleet of the Rust fake, as real tablet records: commerce/0 (100
/// PRIMARY db1, 101 REPLICA db2, 102 RDONLY db3) and customer/-80 (200 PRIMARY db4, 201 REPLICA
/// db2.other.net, 202 DRAINED db6).
pub fn demo_fleet() -> Vec<Value> {
    vec![
        tablet(100, "commerce", "0", "PRIMARY", "db1.example.com"),
        tablet(101, "commerce", "0", "REPLICA", "db2.example.com"),
        tablet(102, "commerce", "0", "RDONLY", "db3.example.com"),
        tablet(200, "customer", "-80", "PRIMARY", "db4.example.com"),
        tablet(201, "customer", "-80", "REPLICA", "db2.other.net"),
        tablet(202, "customer", "-80", "DRAINED", "db6.example.com"),
    ]
}

pub fn fleet(tablets: Vec<Value>) -> Value {
    json!({ "cells": ["zone1"], "tablets": tablets })
}
