//! The standard failover a test sends the built binary: Orchestrator's `DeadMaster`, the failed
//! primary and its successor, the vtctlds to reach and the log to write, built in a few calls.
//!
//! ```ignore
//! let out = failover()
//!     .failed("db1.example.com", 3306)
//!     .successor("db2.example.com", 3306)
//!     .server(&fake)
//!     .log(&log)
//!     .run();
//! ```
//!
//! Only what a test asks for is sent: `failover()` alone is `reparent` with
//! `ORC_FAILURE_TYPE=DeadMaster` and nothing else. The failover's values go in Orchestrator's
//! `ORC_*` variables, or with [`Failover::by_flags`] as the flags a `{placeholder}` hook line
//! gives. Anything else a test needs goes in with [`Failover::arg`] and [`Failover::env`], or on
//! the [`Command`] that [`Failover::command`] returns.

use std::ffi::{OsStr, OsString};
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::fake_vtctld::FakeVtctld;
use super::hook::{Run, hook, run, run_within};
use super::interop::RealVtctld;

/// A failover's value, by its variable and its flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setting {
    FailureType,
    IsMaster,
    RecoveryUid,
    FailedHost,
    FailedPort,
    SuccessorHost,
    SuccessorPort,
    SuccessorAlias,
    ClusterAlias,
}

impl Setting {
    fn variable(self) -> &'static str {
        match self {
            Self::FailureType => "ORC_FAILURE_TYPE",
            Self::IsMaster => "ORC_IS_MASTER",
            Self::RecoveryUid => "ORC_RECOVERY_UID",
            Self::FailedHost => "ORC_FAILED_HOST",
            Self::FailedPort => "ORC_FAILED_PORT",
            Self::SuccessorHost => "ORC_SUCCESSOR_HOST",
            Self::SuccessorPort => "ORC_SUCCESSOR_PORT",
            Self::SuccessorAlias => "ORC_SUCCESSOR_ALIAS",
            Self::ClusterAlias => "ORC_FAILURE_CLUSTER_ALIAS",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Self::FailureType => "--failure-type",
            Self::IsMaster => "--is-master",
            Self::RecoveryUid => "--recovery-uid",
            Self::FailedHost => "--failed-host",
            Self::FailedPort => "--failed-port",
            Self::SuccessorHost => "--successor-host",
            Self::SuccessorPort => "--successor-port",
            Self::SuccessorAlias => "--successor-alias",
            Self::ClusterAlias => "--failure-cluster-alias",
        }
    }
}

/// Anything `--server` can name: a fake or real vtctld, or an address as text.
pub trait Server {
    fn address(&self) -> String;
}

impl Server for FakeVtctld {
    fn address(&self) -> String {
        self.server()
    }
}

impl Server for RealVtctld {
    fn address(&self) -> String {
        self.addr.clone()
    }
}

impl Server for str {
    fn address(&self) -> String {
        self.to_owned()
    }
}

impl Server for String {
    fn address(&self) -> String {
        self.clone()
    }
}

impl<T: Server + ?Sized> Server for &T {
    fn address(&self) -> String {
        (**self).address()
    }
}

/// Orchestrator's `DeadMaster` failover, to be filled in; see the module's documentation.
#[derive(Debug, Clone)]
pub struct Failover {
    /// `record --hook NAME` instead of `reparent`.
    record_hook: Option<String>,
    by_flags: bool,
    log: Option<PathBuf>,
    output: Option<String>,
    servers: Vec<String>,
    /// In the order first set; setting one again replaces its value in place.
    settings: Vec<(Setting, String)>,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
}

/// `reparent` for a `DeadMaster`, and nothing else yet.
pub fn failover() -> Failover {
    Failover {
        record_hook: None,
        by_flags: false,
        log: None,
        output: None,
        servers: Vec::new(),
        settings: vec![(Setting::FailureType, "DeadMaster".to_owned())],
        args: Vec::new(),
        envs: Vec::new(),
    }
}

impl Failover {
    fn set(mut self, setting: Setting, value: impl Display) -> Self {
        let value = value.to_string();
        match self.settings.iter_mut().find(|(s, _)| *s == setting) {
            Some(slot) => slot.1 = value,
            None => self.settings.push((setting, value)),
        }
        self
    }

    /// The failover's values as flags (`--failure-type DeadMaster`, …), as a hook line with
    /// Orchestrator's `{placeholders}` passes them, instead of `ORC_*` variables.
    pub fn by_flags(mut self) -> Self {
        self.by_flags = true;
        self
    }

    /// Another analysis code than `DeadMaster`, e.g. a spelling or a placeholder under test.
    pub fn failure_type(self, code: &str) -> Self {
        self.set(Setting::FailureType, code)
    }

    /// The failed instance was a master: `ORC_IS_MASTER=true`.
    pub fn master(self) -> Self {
        self.set(Setting::IsMaster, "true")
    }

    pub fn recovery_uid(self, uid: &str) -> Self {
        self.set(Setting::RecoveryUid, uid)
    }

    /// The failed primary's MySQL host and port.
    pub fn failed(self, host: &str, port: impl Display) -> Self {
        self.set(Setting::FailedHost, host)
            .set(Setting::FailedPort, port)
    }

    /// The replica Orchestrator promoted: its MySQL host and port.
    pub fn successor(self, host: &str, port: impl Display) -> Self {
        self.set(Setting::SuccessorHost, host)
            .set(Setting::SuccessorPort, port)
    }

    /// Orchestrator's tablet alias for the successor (`{successorAlias}`).
    pub fn successor_alias(self, alias: &str) -> Self {
        self.set(Setting::SuccessorAlias, alias)
    }

    /// The failed cluster's alias (`{failureClusterAlias}`), keyspace.shard in Vitess.
    pub fn cluster_alias(self, alias: &str) -> Self {
        self.set(Setting::ClusterAlias, alias)
    }

    /// One more `--server`, after those already given.
    pub fn server(mut self, server: impl Server) -> Self {
        self.servers.push(server.address());
        self
    }

    /// Records written to `log` as JSON: `--log-file LOG --log-format json`.
    pub fn log(mut self, log: &Path) -> Self {
        self.log = Some(log.to_owned());
        self
    }

    /// `--output json`.
    pub fn output_json(self) -> Self {
        self.output("json")
    }

    /// `--output FORMAT`.
    pub fn output(mut self, format: &str) -> Self {
        self.output = Some(format.to_owned());
        self
    }

    /// The same failover seen by another hook: `record --hook NAME` instead of `reparent`.
    pub fn record(mut self, hook_name: &str) -> Self {
        self.record_hook = Some(hook_name.to_owned());
        self
    }

    /// One more argument, after everything else.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        args.into_iter().fold(self, Self::arg)
    }

    /// One more variable, set after the failover's own (so it wins over one of them).
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.envs
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// The command line: the subcommand, log, output, servers, the failover's flags (when
    /// [`Failover::by_flags`]), then the extra arguments, in that order.
    pub fn command(&self) -> Command {
        let mut command = hook();
        match &self.record_hook {
            Some(name) => command.args(["record", "--hook", name]),
            None => command.arg("reparent"),
        };
        if let Some(log) = &self.log {
            command
                .arg("--log-file")
                .arg(log)
                .args(["--log-format", "json"]);
        }
        if let Some(format) = &self.output {
            command.args(["--output", format]);
        }
        for server in &self.servers {
            command.args(["--server", server]);
        }
        for (setting, value) in &self.settings {
            if self.by_flags {
                command.args([setting.flag(), value]);
            } else {
                command.env(setting.variable(), value);
            }
        }
        command.args(&self.args);
        command.envs(self.envs.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Runs to completion (see [`run`]).
    pub fn run(&self) -> Run {
        run(&mut self.command())
    }

    /// Runs to completion, failing the test if it outlives `limit` (see [`run_within`]).
    pub fn run_within(&self, limit: Duration) -> Run {
        run_within(&mut self.command(), limit)
    }
}
