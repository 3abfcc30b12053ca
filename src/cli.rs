//! Command-line definitions only: flags, their `ORC_*` / `ORC_VITESS_HOOK_*` variables and help.
//!
//! Values Orchestrator provides stay text here; `event` and `settings` validate them, so a bad value
//! is reported with its field name and still recorded instead of being lost to a usage error.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_STATUS_HELP;

/// Where `reparent` appends its records unless told otherwise.
pub const DEFAULT_LOG_FILE: &str = "/var/log/orc-vitess-hook/recovery.log";

#[derive(Debug, Parser)]
#[command(
    name = "orc-vitess-hook",
    version,
    about = "Orchestrator failover hook for Vitess: records the failover and tells vtctld the new primary",
    long_about = "Orchestrator failover hook for Vitess.\n\n\
        Run from Orchestrator's PostMasterFailoverProcesses, it appends a locked, timestamped record \
        of the failover to a recovery log and tells vtctld (TabletExternallyReparented over gRPC) \
        which tablet is now the shard primary.",
    after_help = EXIT_STATUS_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// Output format of every command: text for Orchestrator's log, json for scripts.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = OutputFormat::Text,
        env = "ORC_VITESS_HOOK_OUTPUT"
    )]
    pub output: OutputFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record a failover and make its successor the shard primary in Vitess.
    #[command(
        long_about = "Record an Orchestrator failover and make its successor the shard primary in Vitess.\n\n\
            Inside Orchestrator, no placeholders are needed: every value is read from the ORC_* \
            environment Orchestrator sets for hooks, which also avoids shell quoting problems:\n\n    \
            \"PostMasterFailoverProcesses\": [\"orc-vitess-hook reparent --server vtctld:15999\"]\n\n\
            A flag given on the command line wins over its variable. A value that is still an \
            unsubstituted placeholder such as {successorAlias} counts as absent. The tool never \
            reparents after a failure that was not a master or co-master failure.\n\n\
            Long flags may also be written with one dash (-server), as older vtctlclient lines do.",
        after_help = EXIT_STATUS_HELP
    )]
    Reparent(Box<ReparentArgs>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One or two lines for a human or Orchestrator's log.
    Text,
    /// One JSON object on stdout.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// key=value pairs, quoted where needed, one record a line.
    Logfmt,
    /// One JSON object a line.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Api {
    /// Typed Vtctld API first; the legacy Vtctl API when a server answers UNIMPLEMENTED.
    Auto,
    /// Typed /vtctlservice.Vtctld/TabletExternallyReparented (vtctldclient, current Vitess).
    Vtctld,
    /// Legacy streaming /vtctlservice.Vtctl/ExecuteVtctlCommand (vtctlclient, old Vitess).
    Vtctl,
}

#[derive(Debug, Args)]
pub struct ReparentArgs {
    #[command(flatten)]
    pub event: EventArgs,

    #[command(flatten)]
    pub log: LogArgs,

    #[command(flatten)]
    pub vtctld: VtctldArgs,

    /// Validate everything and print the planned record and RPC; write nothing, connect nowhere.
    #[arg(long, env = "ORC_VITESS_HOOK_DRY_RUN")]
    pub dry_run: bool,

    /// Also print the log lines vtctld streams back (legacy API).
    #[arg(short, long)]
    pub verbose: bool,
}

/// The failover as Orchestrator describes it. Each flag falls back to its ORC_* variable.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Orchestrator failover (flag, else its ORC_* variable)")]
pub struct EventArgs {
    /// Analysis code: DeadMaster, DeadCoMaster, DeadPrimary, ... ({failureType})
    #[arg(long, env = "ORC_FAILURE_TYPE", value_name = "CODE")]
    pub failure_type: Option<String>,

    /// master, co-master or intermediate-master ({instanceType})
    #[arg(long, env = "ORC_INSTANCE_TYPE", value_name = "TYPE")]
    pub instance_type: Option<String>,

    /// Whether the failed instance was a master: true or false ({isMaster})
    #[arg(long, env = "ORC_IS_MASTER", value_name = "BOOL")]
    pub is_master: Option<String>,

    /// Whether the failed instance was a co-master: true or false ({isCoMaster})
    #[arg(long, env = "ORC_IS_CO_MASTER", value_name = "BOOL")]
    pub is_co_master: Option<String>,

    /// Free-text description of the failure ({failureDescription})
    #[arg(long, env = "ORC_FAILURE_DESCRIPTION", value_name = "TEXT")]
    pub failure_description: Option<String>,

    /// Command hint: graceful-master-takeover, force-master-failover, ... ({command})
    #[arg(long, env = "ORC_COMMAND", value_name = "TEXT")]
    pub command: Option<String>,

    /// Host of the failed instance ({failedHost})
    #[arg(long, env = "ORC_FAILED_HOST", value_name = "HOST")]
    pub failed_host: Option<String>,

    /// Port of the failed instance, 1-65535 ({failedPort})
    #[arg(long, env = "ORC_FAILED_PORT", value_name = "PORT")]
    pub failed_port: Option<String>,

    /// Cluster name ({failureCluster})
    #[arg(long, env = "ORC_FAILURE_CLUSTER", value_name = "NAME")]
    pub failure_cluster: Option<String>,

    /// Cluster alias; keyspace.shard in Vitess ({failureClusterAlias})
    #[arg(long, env = "ORC_FAILURE_CLUSTER_ALIAS", value_name = "ALIAS")]
    pub failure_cluster_alias: Option<String>,

    /// Cluster domain ({failureClusterDomain})
    #[arg(long, env = "ORC_FAILURE_CLUSTER_DOMAIN", value_name = "DOMAIN")]
    pub failure_cluster_domain: Option<String>,

    /// Number of replicas of the failed instance ({countReplicas})
    #[arg(
        long,
        alias = "count-slaves",
        env = "ORC_COUNT_REPLICAS",
        value_name = "N"
    )]
    pub count_replicas: Option<String>,

    /// Number of replicas lost in the recovery ({countLostReplicas}; no variable)
    #[arg(long, value_name = "N")]
    pub count_lost_replicas: Option<String>,

    /// Whether the failed instance was downtimed: true or false ({isDowntimed})
    #[arg(long, env = "ORC_IS_DOWNTIMED", value_name = "BOOL")]
    pub is_downtimed: Option<String>,

    /// Whether automated master recovery was on: true or false ({autoMasterRecovery})
    #[arg(long, env = "ORC_AUTO_MASTER_RECOVERY", value_name = "BOOL")]
    pub auto_master_recovery: Option<String>,

    /// Whether automated intermediate-master recovery was on ({autoIntermediateMasterRecovery})
    #[arg(
        long,
        env = "ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY",
        value_name = "BOOL"
    )]
    pub auto_intermediate_master_recovery: Option<String>,

    /// Host running Orchestrator ({orchestratorHost})
    #[arg(long, env = "ORC_ORCHESTRATOR_HOST", value_name = "HOST")]
    pub orchestrator_host: Option<String>,

    /// Unique id of this recovery ({recoveryUID})
    #[arg(long, env = "ORC_RECOVERY_UID", value_name = "UID")]
    pub recovery_uid: Option<String>,

    /// Whether a successor was promoted: true or false ({isSuccessful})
    #[arg(long, env = "ORC_IS_SUCCESSFUL", value_name = "BOOL")]
    pub is_successful: Option<String>,

    /// Comma-separated host:port list of lost replicas ({lostReplicas})
    #[arg(
        long,
        alias = "lost-slaves",
        env = "ORC_LOST_REPLICAS",
        value_name = "LIST"
    )]
    pub lost_replicas: Option<String>,

    /// Comma-separated host:port list of the replicas ({replicaHosts})
    #[arg(
        long,
        alias = "slave-hosts",
        env = "ORC_REPLICA_HOSTS",
        value_name = "LIST"
    )]
    pub replica_hosts: Option<String>,

    /// Host of the promoted instance ({successorHost})
    #[arg(long, env = "ORC_SUCCESSOR_HOST", value_name = "HOST")]
    pub successor_host: Option<String>,

    /// MySQL port of the promoted instance, 1-65535 ({successorPort})
    #[arg(long, env = "ORC_SUCCESSOR_PORT", value_name = "PORT")]
    pub successor_port: Option<String>,

    /// Tablet alias of the promoted instance, e.g. zone1-0000000101 ({successorAlias})
    #[arg(long, env = "ORC_SUCCESSOR_ALIAS", value_name = "ALIAS")]
    pub successor_alias: Option<String>,

    /// Binary log coordinates of the successor, file:pos ({successorBinlogCoordinates})
    #[arg(
        long,
        env = "ORC_SUCCESSOR_BINLOG_COORDINATES",
        value_name = "FILE:POS"
    )]
    pub successor_binlog_coordinates: Option<String>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Recovery log")]
pub struct LogArgs {
    /// File the records are appended to; its directory is created 0750 if missing.
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_LOG_FILE",
        value_name = "FILE",
        default_value = DEFAULT_LOG_FILE
    )]
    pub log_file: PathBuf,

    /// Record format.
    #[arg(
        long,
        value_enum,
        env = "ORC_VITESS_HOOK_LOG_FORMAT",
        default_value_t = LogFormat::Logfmt
    )]
    pub log_format: LogFormat,

    /// fsync the log after each record.
    #[arg(long, env = "ORC_VITESS_HOOK_FSYNC")]
    pub fsync: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "vtctld")]
pub struct VtctldArgs {
    /// vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation.
    #[arg(
        long = "server",
        env = "ORC_VITESS_HOOK_SERVER",
        value_name = "HOST:PORT",
        value_delimiter = ','
    )]
    pub servers: Vec<String>,

    /// Which vtctld API to call.
    #[arg(long, value_enum, env = "ORC_VITESS_HOOK_API", default_value_t = Api::Auto)]
    pub api: Api,

    /// Bound on the whole run: connects, attempts and back-off together (e.g. 60s, 1m30s).
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_DEADLINE",
        value_name = "DURATION",
        default_value = "60s",
        value_parser = parse_duration
    )]
    pub deadline: Duration,

    /// Bound on one call, never beyond the remaining deadline; sent as the legacy action_timeout.
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_ATTEMPT_TIMEOUT",
        value_name = "DURATION",
        default_value = "15s",
        value_parser = parse_duration
    )]
    pub attempt_timeout: Duration,

    /// Bound on one connection attempt (TCP and TLS).
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_CONNECT_TIMEOUT",
        value_name = "DURATION",
        default_value = "3s",
        value_parser = parse_duration
    )]
    pub connect_timeout: Duration,

    /// Check the given alias against the successor's host:port with GetTablet before reparenting.
    #[arg(long, env = "ORC_VITESS_HOOK_VERIFY_ALIAS")]
    pub verify_alias: bool,

    /// PEM file of the CA that signed vtctld's certificate (turns TLS on).
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_TLS_CA",
        value_name = "FILE",
        aliases = ["vtctld-grpc-ca", "vtctld_grpc_ca"]
    )]
    pub tls_ca: Option<PathBuf>,

    /// PEM client certificate for mutual TLS (with --tls-key).
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key",
        aliases = ["vtctld-grpc-cert", "vtctld_grpc_cert"]
    )]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of the client certificate (with --tls-cert).
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert",
        aliases = ["vtctld-grpc-key", "vtctld_grpc_key"]
    )]
    pub tls_key: Option<PathBuf>,

    /// Server name expected in vtctld's certificate (turns TLS on).
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_TLS_SERVER_NAME",
        value_name = "NAME",
        aliases = ["vtctld-grpc-server-name", "vtctld_grpc_server_name"]
    )]
    pub tls_server_name: Option<String>,

    /// Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others.
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_AUTH_STATIC_CREDS",
        value_name = "FILE",
        aliases = ["grpc-auth-static-client-creds", "grpc_auth_static_client_creds"]
    )]
    pub auth_static_creds: Option<PathBuf>,
}

/// Rewrites Go-style single-dash long flags (`-server`, `-vtctld_grpc_ca=ca.pem`), as older
/// vtctlclient lines spell them, to `--server`, `--vtctld_grpc_ca=ca.pem`, so a copied line works.
///
/// Only a token naming one of this program's long flags or aliases is rewritten; short flags
/// (`-v`, `-h`) and anything after a bare `--` are left alone.
pub fn accept_single_dash_long_flags(
    command: &clap::Command,
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let longs: Vec<&str> = std::iter::once(command)
        .chain(command.get_subcommands())
        .flat_map(clap::Command::get_arguments)
        .flat_map(|arg| {
            arg.get_long()
                .into_iter()
                .chain(arg.get_all_aliases().into_iter().flatten())
        })
        .collect();
    let mut after_separator = false;
    args.into_iter()
        .map(|arg| {
            let Some(text) = arg.to_str() else {
                return arg;
            };
            if text == "--" {
                after_separator = true;
            }
            let name = text
                .strip_prefix('-')
                .filter(|rest| !rest.starts_with('-'))
                .map(|rest| rest.split_once('=').map_or(rest, |(name, _)| name));
            match name {
                Some(name) if !after_separator && name.len() > 1 && longs.contains(&name) => {
                    format!("-{text}").into()
                }
                _ => arg,
            }
        })
        .collect()
}

/// Parses Go-style durations as Vitess operators write them: `60s`, `1m30s`, `500ms`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text)
        .map_err(|e| format!("expected a duration like 60s, 1m30s or 500ms ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn single_dash_long_flags_from_vtctlclient_lines() {
        let command = Cli::command();
        let rewrite = |line: &str| -> Vec<String> {
            accept_single_dash_long_flags(&command, line.split(' ').map(Into::into))
                .into_iter()
                .map(|a| a.into_string().unwrap())
                .collect()
        };
        assert_eq!(
            rewrite("orc-vitess-hook reparent -server vtctld:15999 -vtctld_grpc_ca=ca.pem -v"),
            [
                "orc-vitess-hook",
                "reparent",
                "--server",
                "vtctld:15999",
                "--vtctld_grpc_ca=ca.pem",
                "-v"
            ]
        );
        assert_eq!(
            rewrite("x reparent --server a:1 -unknown -- -server"),
            [
                "x", "reparent", "--server", "a:1", "-unknown", "--", "-server"
            ]
        );
        let parsed = Cli::try_parse_from(accept_single_dash_long_flags(
            &command,
            [
                "x",
                "reparent",
                "-server",
                "a:1",
                "-grpc_auth_static_client_creds",
                "c.json",
            ]
            .map(Into::into),
        ))
        .unwrap();
        let Command::Reparent(args) = parsed.command;
        assert_eq!(args.vtctld.servers, ["a:1"]);
        assert_eq!(args.vtctld.auth_static_creds, Some(PathBuf::from("c.json")));
    }

    #[test]
    fn go_style_durations_parse() {
        assert_eq!(parse_duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("soon").is_err());
    }
}
