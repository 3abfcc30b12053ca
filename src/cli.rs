//! Command-line definitions only: flags, their `ORC_*` / `ORC_VITESS_HOOK_*` variables and help.
//!
//! Every value stays raw text (`OsString`) here, so neither a bad setting nor a non-UTF-8 byte in
//! an `ORC_*` variable can end the run in a usage error before anything is recorded: `event`,
//! `connection` and `recorder` validate them, name the field, and the failover is still recorded.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use crate::exit::EXIT_STATUS_HELP;
use crate::exit_status_help;

/// Where records are appended unless told otherwise.
pub const DEFAULT_LOG_FILE: &str = "/var/log/orc-vitess-hook/recovery.log";

/// Every setting the tool validates itself, named once: clap's definitions below take their
/// flags and variables from here, and `config` quotes them in its messages.
pub mod setting {
    use crate::settings::Setting;

    pub const OUTPUT: Setting = Setting::new("output", "ORC_VITESS_HOOK_OUTPUT");
    pub const LOG_FILE: Setting = Setting::new("log-file", "ORC_VITESS_HOOK_LOG_FILE");
    pub const LOG_FORMAT: Setting = Setting::new("log-format", "ORC_VITESS_HOOK_LOG_FORMAT");
    pub const FSYNC: Setting = Setting::new("fsync", "ORC_VITESS_HOOK_FSYNC");
    pub const METRICS_TEXTFILE: Setting =
        Setting::new("metrics-textfile", "ORC_VITESS_HOOK_METRICS_TEXTFILE");
    pub const METRICS_LISTEN: Setting =
        Setting::new("metrics-listen", "ORC_VITESS_HOOK_METRICS_LISTEN");
    pub const SERVER: Setting = Setting::new("server", "ORC_VITESS_HOOK_SERVER");
    pub const API: Setting = Setting::new("api", "ORC_VITESS_HOOK_API");
    pub const DEADLINE: Setting = Setting::new("deadline", "ORC_VITESS_HOOK_DEADLINE");
    pub const ATTEMPT_TIMEOUT: Setting =
        Setting::new("attempt-timeout", "ORC_VITESS_HOOK_ATTEMPT_TIMEOUT");
    pub const CONNECT_TIMEOUT: Setting =
        Setting::new("connect-timeout", "ORC_VITESS_HOOK_CONNECT_TIMEOUT");
    pub const TLS_SERVER_NAME: Setting =
        Setting::new("tls-server-name", "ORC_VITESS_HOOK_TLS_SERVER_NAME");
    pub const ORC_API_URL: Setting = Setting::new("orc-api-url", "ORC_VITESS_HOOK_ORC_API_URL");
    pub const ORC_TIMEOUT: Setting = Setting::new("orc-timeout", "ORC_VITESS_HOOK_ORC_TIMEOUT");
    pub const ORC_API_USER: Setting = Setting::new("orc-api-user", "ORC_VITESS_HOOK_ORC_API_USER");
    pub const ALLOW_TYPE: Setting = Setting::new("allow-type", "ORC_VITESS_HOOK_ALLOW_TYPES");
    pub const MYSQL_FLAVOR: Setting = Setting::new("mysql-flavor", "ORC_VITESS_HOOK_MYSQL_FLAVOR");
    pub const HOOK: Setting = Setting::new("hook", "ORC_VITESS_HOOK_HOOK");
    pub const LOCK_WAIT: Setting = Setting::new("lock-wait", "ORC_VITESS_HOOK_LOCK_WAIT");
    pub const STRICT: Setting = Setting::new("strict", "ORC_VITESS_HOOK_STRICT");
    pub const PROMOTION_RULE: Setting =
        Setting::new("promotion-rule", "ORC_VITESS_HOOK_PROMOTION_RULES");
    pub const CONCURRENCY: Setting = Setting::new("concurrency", "ORC_VITESS_HOOK_CONCURRENCY");
    pub const INTERVAL: Setting = Setting::new("interval", "ORC_VITESS_HOOK_INTERVAL");
    pub const SETTLE: Setting = Setting::new("settle", "ORC_VITESS_HOOK_SETTLE");
    pub const SINCE: Setting = Setting::flag_only("since");
    pub const UNTIL: Setting = Setting::flag_only("until");
    pub const CLUSTER: Setting = Setting::flag_only("cluster");
    pub const OUTCOME: Setting = Setting::flag_only("outcome");
    pub const LAST: Setting = Setting::flag_only("last");
    pub const CANDIDATE_EXPIRY: Setting = Setting::flag_only("candidate-expiry");
    pub const FORGET_AFTER: Setting = Setting::new("forget-after", "ORC_VITESS_HOOK_FORGET_AFTER");
    pub const FORGET_MAX_SHRINK: Setting =
        Setting::new("forget-max-shrink", "ORC_VITESS_HOOK_FORGET_MAX_SHRINK");
    pub const KEYSPACE: Setting = Setting::flag_only("keyspace");
    pub const SHARD: Setting = Setting::flag_only("shard");
    pub const CELL: Setting = Setting::flag_only("cell");
    pub const DRY_RUN: Setting = Setting::new("dry-run", "ORC_VITESS_HOOK_DRY_RUN");
    pub const VERIFY_ALIAS: Setting = Setting::new("verify-alias", "ORC_VITESS_HOOK_VERIFY_ALIAS");
}

#[derive(Debug, Parser)]
#[command(
    name = "orc-vitess-hook",
    version,
    about = "Orchestrator failover hook for Vitess: records the failover and tells vtctld the new primary",
    long_about = "Orchestrator failover hook for Vitess.\n\n\
        Run from Orchestrator's PostMasterFailoverProcesses, it appends a locked, timestamped record \
        of the failover to a recovery log, proves that the successor is the failed shard's own \
        promotable tablet, and tells vtctld (TabletExternallyReparented over gRPC) which tablet is \
        now the shard primary.",
    after_help = EXIT_STATUS_HELP,
    long_version = concat!(
        env!("CARGO_PKG_VERSION"),
        "\nvtctld APIs: vtctlservice.Vtctld (typed, current Vitess) and vtctlservice.Vtctl \
         (legacy ExecuteVtctlCommand), over gRPC with TLS and static auth\n\
         Orchestrator: hook environment (ORC_*) and HTTP API (discover, check)"
    ),
    propagate_version = true
)]
pub struct Cli {
    /// Output format of every command: text for Orchestrator's log, json for scripts.
    #[arg(
        long = setting::OUTPUT.long,
        global = true,
        value_name = "FORMAT",
        default_value = "text",
        value_parser = Choices(&[
            ("text", "One line for a human or Orchestrator's log"),
            ("json", "One JSON object on stdout"),
        ]),
        env = setting::OUTPUT.variable
    )]
    pub output: OsString,

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
            Before anything is sent, one strict GetTablets of every cell proves that the \
            successor is a REPLICA (or already the PRIMARY) of the failed primary's own shard, \
            found by the failed host:port or a keyspace.shard cluster alias, that no better match \
            for its MySQL exists anywhere, and that no live primary is demoted; other types need \
            --allow-type. When neither names the shard, only an exact host:port match unique in \
            the whole fleet goes ahead. A legacy-only vtctld is checked the same way through \
            ListAllTablets, which is never strict. What vtctld cannot prove (a cell it cannot \
            read, a legacy vtctld without the listing) is refused unless --allow-unverified-alias. \
            Anything else is refused (65) and nothing is sent.\n\n\
            Runs for one shard on this host take turns (a locked file beside the recovery log, \
            waited for within the deadline: 75 when another run holds it past it). A run whose \
            ORC_RECOVERY_UID a run before settled successfully ends `duplicate` (0), nothing \
            sent. Before every reparent attempt the shard is listed again: when another tablet \
            became its PRIMARY with a newer term since the run began, the run ends `superseded` \
            (0), nothing sent, so a late hook never undoes a newer failover. With --orc-api-url, \
            each attempt also asks Orchestrator for the recoveries of the keyspace.shard cluster \
            alias (audit-recovery/alias/ALIAS): a master recovery newer than ORC_RECOVERY_UID's \
            ends the run `superseded` too. That check never stops a failover by itself: when \
            Orchestrator cannot be asked, or the run has no recovery UID or keyspace.shard \
            alias, the run notes it and goes on.\n\n\
            A flag given on the command line wins over its variable. A value that is still an \
            unsubstituted placeholder such as {successorAlias} counts as absent; an identifying \
            one ({failureType}, {failedHost}, ...) means Orchestrator did not run the line and is \
            refused unless --allow-placeholders. The tool never \
            reparents after a failure that was not a master or co-master failure.\n\n\
            Long flags may also be written with one dash (-server), as older vtctlclient lines do.",
        after_help = concat!(
            "Examples:\n",
            "  # In PostMasterFailoverProcesses (the event comes from ORC_*):\n",
            "  orc-vitess-hook reparent --server vtctld-a:15999,vtctld-b:15999\n",
            "  # Try a hook line first (validates, prints the plan, sends nothing):\n",
            "  orc-vitess-hook reparent --dry-run --server vtctld:15999 \\\n",
            "      --failure-type DeadMaster \\\n",
            "      --failed-host db1 --failed-port 3306 --successor-alias zone1-101\n",
            "  # By hand, for a failover the hook missed (the successor is still verified):\n",
            "  orc-vitess-hook reparent --server vtctld:15999 \\\n",
            "      --failed-host db1 --failed-port 3306 \\\n",
            "      --successor-host db2 --successor-port 3306\n",
            "\n",
            exit_status_help!()
        )
    )]
    Reparent(Box<ReparentArgs>),

    /// Record an Orchestrator event in the recovery log, from any other hook; no network.
    #[command(
        long_about = "Record an Orchestrator event in the recovery log: one `recorded` record with the \
            hook's name and every ORC_* value, locked and appended like reparent's records, with \
            no network.\n\n\
            For every hook list but PostMasterFailoverProcesses (which runs `reparent`):\n\n    \
            \"PreFailoverProcesses\": [\"orc-vitess-hook record --hook PreFailover\"]\n\n\
            A non-zero exit of a Pre* hook aborts Orchestrator's recovery, so `record` exits 0 \
            whatever happens (log unwritable, unknown hook name, bad value): the problem goes to \
            stderr, and into the record where it can be written. --strict gives the usual exit \
            statuses instead.",
        after_help = concat!(
            "Examples:\n",
            "  # orchestrator.conf.json, PreFailoverProcesses:\n",
            "  orc-vitess-hook record --hook PreFailover\n",
            "  # Another log, and a failing status when the record cannot be written:\n",
            "  orc-vitess-hook record --hook PostUnsuccessfulFailover --strict \\\n",
            "      --log-file /srv/orc/recovery.log\n",
            "\n",
            exit_status_help!()
        )
    )]
    Record(Box<RecordArgs>),

    /// Print the orchestrator.conf.json keys that run this tool, or merge them into a file.
    #[command(
        name = "orchestrator-config",
        long_about = "Print a JSON object to merge into orchestrator.conf.json: \
            PostMasterFailoverProcesses running this binary's `reparent` with the connection and \
            log settings given here (no placeholders: the ORC_* variables carry the values; paths \
            made absolute and quoted for bash), and a DetectSemiSyncEnforcedQuery that works on \
            MySQL 8.0, MySQL 8.4 and MariaDB.\n\n\
            --all-hooks adds `record --hook NAME` to every other hook list. \
            --legacy-metadata-queries adds Vitess's _vt.local_metadata queries, for Vitess before \
            v16 only (later Vitess no longer fills that table). --merge FILE prints FILE with \
            these keys merged in, keeping the operator's keys, hook lines, and numbers as written, \
            in their order; merging its own output again changes nothing. With --in-place, FILE \
            itself is replaced atomically (a temporary file in its directory, synced, with FILE's \
            mode and owner, renamed over it), its previous content kept in FILE.bak: never \
            redirect the output onto FILE, the shell would empty it before it is read. A failed \
            or short write of the output is exit 74.",
        after_help = concat!(
            "Examples:\n",
            "  # The keys to paste, for two vtctlds:\n",
            "  orc-vitess-hook orchestrator-config --server vtctld-a:15999,vtctld-b:15999\n",
            "  # Merged into the current config, every hook recorded (FILE is not changed):\n",
            "  orc-vitess-hook orchestrator-config --server vtctld:15999 --all-hooks \\\n",
            "      --merge /etc/orchestrator.conf.json > orchestrator.conf.json.new\n",
            "  # The same, into the file itself (the old one kept as orchestrator.conf.json.bak):\n",
            "  orc-vitess-hook orchestrator-config --server vtctld:15999 --all-hooks \\\n",
            "      --merge /etc/orchestrator.conf.json --in-place\n",
            "\n",
            exit_status_help!()
        )
    )]
    OrchestratorConfig(Box<OrchestratorConfigArgs>),

    /// Preflight: settings, every vtctld (TLS, auth, APIs, round trip), a tablet, the log.
    #[command(
        long_about = "Preflight for operators and their deployment's CI: says what reparent would \
            do. Validates the settings (ORC_VITESS_HOOK_DRY_RUN in the environment fails: reparent \
            ignores it and runs for real); for each server, connects (TLS, auth) and reports which \
            vtctld APIs answer and the round trip of a harmless call (GetCellInfoNames); through \
            the servers that answered, makes the calls reparent depends on, as reparent makes \
            them: the tablet listing (GetTablets, or the legacy ListAllTablets on a legacy-only \
            vtctld: one that cannot list tablets fails, since reparent could verify no successor) \
            and the strict listing of every cell (none on the legacy API); with --tablet, shows \
            keyspace, shard, type, MySQL host:port and whether reparent would make the tablet \
            primary were its shard's primary to fail, by the same rules (a stale old primary \
            never may); proves that the recovery log can be created (a probe file, removed) or \
            opened and locked for append, writing nothing into it. Exits 0 only when every check \
            passes, otherwise with the status of the first failing class in this order: 69 \
            unreachable, 77 auth, 78 config, 74 log, 65 tablet, 70 an error answer. --deadline \
            bounds the whole check.",
        after_help = concat!(
            "Examples:\n",
            "  # Every vtctld, the settings and the log, as the Orchestrator user:\n",
            "  orc-vitess-hook check --server vtctld-a:15999,vtctld-b:15999\n",
            "  # May zone1-101 become primary? Does Orchestrator know every MySQL?\n",
            "  orc-vitess-hook check --server vtctld:15999 --tablet zone1-101 \\\n",
            "      --orc-api-url http://orchestrator:3000/api/\n",
            "\n",
            exit_status_help!()
        )
    )]
    Check(Box<CheckArgs>),

    /// Register vtctld's tablets with Orchestrator: instances, promotion rules, cluster aliases.
    #[command(
        long_about = "Give Orchestrator what Vitess no longer does (v16 removed the tablets' own \
            registration and _vt.local_metadata): from vtctld's strict tablet list (an unreadable \
            cell is a failure naming it), for every MySQL endpoint, discover/<host>/<port>, then \
            register-candidate/<host>/<port>/<rule> (must_not for RDONLY, BATCH, SPARE, \
            EXPERIMENTAL, BACKUP, RESTORE, DRAINED; neutral for PRIMARY and REPLICA; \
            --promotion-rule TYPE=RULE overrides; an endpoint of tablets of several types gets the \
            most restrictive rule, with a warning), then for each shard \
            set-cluster-alias/<cluster>?alias=<keyspace>.<shard>, Vitess's own alias format, so \
            {failureClusterAlias} names the shard again; a cluster holding tablets of several \
            shards gets no alias (a failure). Tablets whose MySQL host is loopback, unspecified or \
            no valid host name are reported and skipped.\n\n\
            One pass by default (exit 0 when everything registered); --interval repeats it \
            (varied by ±25 %), logging only changes, until SIGTERM or SIGINT.",
        after_help = concat!(
            "Examples:\n",
            "  # What would be registered, without registering it:\n",
            "  orc-vitess-hook discover --server vtctld:15999 \\\n",
            "      --orc-api-url http://orchestrator:3000/api/ --dry-run\n",
            "  # As a service: every 5 minutes, forgetting tablets vtctld no longer lists:\n",
            "  orc-vitess-hook discover --server vtctld:15999 \\\n",
            "      --orc-api-url http://orchestrator:3000/api/ \\\n",
            "      --interval 5m --forget-missing\n",
            "  # One keyspace, RDONLY tablets promotable only as a last resort:\n",
            "  orc-vitess-hook discover --server vtctld:15999 \\\n",
            "      --orc-api-url http://orchestrator:3000/api/ \\\n",
            "      --keyspace commerce --promotion-rule RDONLY=prefer_not\n",
            "\n",
            exit_status_help!()
        )
    )]
    Discover(Box<DiscoverArgs>),

    /// Finish a failover whose hook was lost; never undo a newer one.
    #[command(
        long_about = "Level-triggered convergence: for every shard in vtctld's strict tablet list \
            (--keyspace/--shard narrow it; one matching nothing is an error), compare \
            Orchestrator's settled recovery of the shard's keyspace.shard cluster alias (the \
            newest master recovery in audit-recovery/alias/<alias>, up to 5 pages, when it \
            succeeded, ended at least --settle ago, and its successor is still the master of its \
            own cluster: master/<successor host:port>) with Vitess's primary (the shard's \
            newest-term PRIMARY). Only when they differ, Vitess's primary provably took office \
            before that recovery ended, the successor passes exactly the rules reparent applies \
            (give reconcile the hook line's --allow-type), and the shard's turn file beside the \
            log is free, is TabletExternallyReparented sent, through reparent's own attempts: \
            before each one the shard is listed again and Orchestrator's recoveries read again, \
            and a newer primary or recovery stops it. Records: received and final, with \
            hook=reconcile, the recovery UID and why. Every other disagreement (a recovery \
            running or settling, a newer master recovery that failed, Orchestrator moved on, a \
            refused successor, a newer reparent on the Vitess side, a primary without a term) is \
            reported on every pass and never acted on.\n\n\
            Only the Orchestrator node that leads acts (leader-check answers 200 \"OK\" there, \
            404 \"Not leader\" elsewhere: the pass reports `standby`; anything else is a \
            failure). Run one `reconcile --interval` beside each Orchestrator node, with the \
            hooks' --log-file. One pass by default; --interval repeats it (varied by ±25 %), \
            logging only changes, until SIGTERM or SIGINT. Exit status of a pass: 0 when every \
            shard agrees, was converged, or disagrees in a way reconcile leaves alone (the report \
            counts them); 65 when a successor is refused; otherwise the failure's, as \
            discover's: 69 or 70 for Orchestrator (a pass stops at the first Orchestrator that \
            does not answer), 74 for a record or turn file that cannot be written (nothing is \
            sent then).",
        after_help = concat!(
            "Examples:\n",
            "  # What would be done, without doing it:\n",
            "  orc-vitess-hook reconcile --server vtctld:15999 \\\n",
            "      --orc-api-url http://orchestrator:3000/api/ --dry-run\n",
            "  # As a service beside each Orchestrator node:\n",
            "  orc-vitess-hook reconcile --server vtctld:15999 \\\n",
            "      --orc-api-url http://127.0.0.1:3000/api/ --interval 30s\n",
            "\n",
            exit_status_help!()
        )
    )]
    Reconcile(Box<ReconcileArgs>),

    /// Show the failovers the recovery log holds, newest last; --check for monitoring.
    #[command(
        long_about = "Reads the recovery log (both formats, mixed) and groups its records into \
            failovers by recovery UID (a run without one stands alone): one line each, newest \
            last, with the time, the shard, the failed primary and the tablet made primary, the \
            outcome (the last reparent or reconcile run's: a failover a later reconcile finished \
            shows ok), the exit status, duration, attempts and vtctld server. --output json gives \
            every field. Lines that are no record (torn, foreign) are counted and reported, never \
            fatal.\n\n\
            --check, for monitoring: exits 1 when the last failover of any shard (within --since) \
            that a reparent or reconcile run settled did not end ok, superseded, duplicate or \
            skipped, naming them; 0 otherwise.",
        after_help = concat!(
            "Examples:\n",
            "  # The last day's failovers:\n",
            "  orc-vitess-hook history --log-file /var/log/orc-vitess-hook/recovery.log --since 24h\n",
            "  # For a monitoring check:\n",
            "  orc-vitess-hook history --since 7d --check\n",
            "\n",
            exit_status_help!()
        )
    )]
    History(Box<HistoryArgs>),
}

/// The Orchestrator hook lists `record` is meant for (`reparent` serves
/// PostMasterFailoverProcesses), as `--hook` names them: the list's name without `Processes`.
pub const HOOKS: &[(&str, &str)] = &[
    ("OnFailureDetection", "a failure was detected"),
    (
        "PreFailover",
        "before a recovery; a non-zero exit would abort it",
    ),
    ("PostFailover", "after any recovery"),
    ("PostUnsuccessfulFailover", "after a recovery that failed"),
    (
        "PostMasterFailover",
        "after a master recovery (reparent records it already)",
    ),
    (
        "PostIntermediateMasterFailover",
        "after an intermediate-master recovery",
    ),
    (
        "PreGracefulTakeover",
        "before a graceful takeover; a non-zero exit would abort it",
    ),
    ("PostGracefulTakeover", "after a graceful takeover"),
];

/// Offers a list of values to `--help` and the completions without enforcing it: the value
/// reaches our own validation, which records the failover before it reports a bad one.
#[derive(Debug, Clone, Copy)]
pub struct Choices(pub &'static [(&'static str, &'static str)]);

impl TypedValueParser for Choices {
    type Value = OsString;

    fn parse_ref(
        &self,
        _command: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<OsString, clap::Error> {
        Ok(value.to_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0
                .iter()
                .map(|(name, help)| PossibleValue::new(*name).help(*help)),
        ))
    }
}

/// Any path, the empty one included: an empty `ORC_VITESS_HOOK_*` path is our configuration
/// error (with a record), not clap's usage error.
fn any_path() -> impl TypedValueParser<Value = PathBuf> {
    clap::builder::OsStringValueParser::new().map(PathBuf::from)
}

const BOOLEAN: Choices = Choices(&[("true", "on"), ("false", "off")]);

#[derive(Debug, Args)]
pub struct ReparentArgs {
    #[command(flatten)]
    pub event: EventArgs,

    #[command(flatten)]
    pub log: LogArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub safety: SafetyArgs,

    /// Optional: whether this run's recovery is still Orchestrator's latest (see above).
    #[command(flatten)]
    pub orchestrator: OrchestratorApiArgs,

    /// Accepted for old command lines; the successor is always verified now.
    #[arg(
        long = setting::VERIFY_ALIAS.long,
        env = setting::VERIFY_ALIAS.variable,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BOOLEAN,
        hide = true
    )]
    pub verify_alias: Option<OsString>,

    /// Where vtctld cannot prove the successor (a cell it cannot read, a choice the never-strict
    /// legacy listing cannot prove, an old vtctl that cannot list tablets), send the listing's
    /// choice or Orchestrator's alias anyway, recorded as unverified. Command line only; never a
    /// tablet a listing shows to be the failed primary, nor one a listing contradicts.
    #[arg(long)]
    pub allow_unverified_alias: bool,

    /// Run although an identifying value ({failureType}, {failedHost}, ...) is a literal,
    /// unsubstituted placeholder, which means Orchestrator did not run this line. Command line
    /// only.
    #[arg(long)]
    pub allow_placeholders: bool,

    /// Validate everything, check the log can be appended to, print the planned record and RPC;
    /// write nothing, connect nowhere. Command line only: ORC_VITESS_HOOK_DRY_RUN is ignored
    /// with a warning, so a dry run left in a unit file never turns failovers into no-ops.
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BOOLEAN
    )]
    pub dry_run: Option<OsString>,

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
    pub failure_type: Option<OsString>,

    /// master, co-master or intermediate-master ({instanceType})
    #[arg(long, env = "ORC_INSTANCE_TYPE", value_name = "TYPE")]
    pub instance_type: Option<OsString>,

    /// Whether the failed instance was a master: true or false ({isMaster})
    #[arg(long, env = "ORC_IS_MASTER", value_name = "BOOL")]
    pub is_master: Option<OsString>,

    /// Whether the failed instance was a co-master: true or false ({isCoMaster})
    #[arg(long, env = "ORC_IS_CO_MASTER", value_name = "BOOL")]
    pub is_co_master: Option<OsString>,

    /// Free-text description of the failure ({failureDescription})
    #[arg(long, env = "ORC_FAILURE_DESCRIPTION", value_name = "TEXT")]
    pub failure_description: Option<OsString>,

    /// Command hint: graceful-master-takeover, force-master-failover, ... ({command})
    #[arg(long, env = "ORC_COMMAND", value_name = "TEXT")]
    pub command: Option<OsString>,

    /// Host of the failed instance ({failedHost})
    #[arg(long, env = "ORC_FAILED_HOST", value_name = "HOST")]
    pub failed_host: Option<OsString>,

    /// Port of the failed instance, 1-65535 ({failedPort})
    #[arg(long, env = "ORC_FAILED_PORT", value_name = "PORT")]
    pub failed_port: Option<OsString>,

    /// Cluster name ({failureCluster})
    #[arg(long, env = "ORC_FAILURE_CLUSTER", value_name = "NAME")]
    pub failure_cluster: Option<OsString>,

    /// Cluster alias; keyspace.shard in Vitess ({failureClusterAlias})
    #[arg(long, env = "ORC_FAILURE_CLUSTER_ALIAS", value_name = "ALIAS")]
    pub failure_cluster_alias: Option<OsString>,

    /// Cluster domain ({failureClusterDomain})
    #[arg(long, env = "ORC_FAILURE_CLUSTER_DOMAIN", value_name = "DOMAIN")]
    pub failure_cluster_domain: Option<OsString>,

    /// Number of replicas of the failed instance ({countReplicas})
    #[arg(
        long,
        alias = "count-slaves",
        env = "ORC_COUNT_REPLICAS",
        value_name = "N"
    )]
    pub count_replicas: Option<OsString>,

    /// Number of replicas lost in the recovery ({countLostReplicas}; no variable)
    #[arg(long, value_name = "N")]
    pub count_lost_replicas: Option<OsString>,

    /// Whether the failed instance was downtimed: true or false ({isDowntimed})
    #[arg(long, env = "ORC_IS_DOWNTIMED", value_name = "BOOL")]
    pub is_downtimed: Option<OsString>,

    /// Whether automated master recovery was on: true or false ({autoMasterRecovery})
    #[arg(long, env = "ORC_AUTO_MASTER_RECOVERY", value_name = "BOOL")]
    pub auto_master_recovery: Option<OsString>,

    /// Whether automated intermediate-master recovery was on ({autoIntermediateMasterRecovery})
    #[arg(
        long,
        env = "ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY",
        value_name = "BOOL"
    )]
    pub auto_intermediate_master_recovery: Option<OsString>,

    /// Host running Orchestrator ({orchestratorHost})
    #[arg(long, env = "ORC_ORCHESTRATOR_HOST", value_name = "HOST")]
    pub orchestrator_host: Option<OsString>,

    /// Unique id of this recovery ({recoveryUID})
    #[arg(long, env = "ORC_RECOVERY_UID", value_name = "UID")]
    pub recovery_uid: Option<OsString>,

    /// Whether a successor was promoted: true or false ({isSuccessful})
    #[arg(long, env = "ORC_IS_SUCCESSFUL", value_name = "BOOL")]
    pub is_successful: Option<OsString>,

    /// Comma-separated host:port list of lost replicas ({lostReplicas})
    #[arg(
        long,
        alias = "lost-slaves",
        env = "ORC_LOST_REPLICAS",
        value_name = "LIST"
    )]
    pub lost_replicas: Option<OsString>,

    /// Comma-separated host:port list of the replicas ({replicaHosts})
    #[arg(
        long,
        alias = "slave-hosts",
        env = "ORC_REPLICA_HOSTS",
        value_name = "LIST"
    )]
    pub replica_hosts: Option<OsString>,

    /// Host of the promoted instance ({successorHost})
    #[arg(long, env = "ORC_SUCCESSOR_HOST", value_name = "HOST")]
    pub successor_host: Option<OsString>,

    /// MySQL port of the promoted instance, 1-65535 ({successorPort})
    #[arg(long, env = "ORC_SUCCESSOR_PORT", value_name = "PORT")]
    pub successor_port: Option<OsString>,

    /// Tablet alias of the promoted instance, e.g. zone1-0000000101 ({successorAlias})
    #[arg(long, env = "ORC_SUCCESSOR_ALIAS", value_name = "ALIAS")]
    pub successor_alias: Option<OsString>,

    /// Binary log coordinates of the successor, file:pos ({successorBinlogCoordinates})
    #[arg(
        long,
        env = "ORC_SUCCESSOR_BINLOG_COORDINATES",
        value_name = "FILE:POS"
    )]
    pub successor_binlog_coordinates: Option<OsString>,
}

/// Which tablets may become primary: shared by `reparent` and `check`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Safety")]
pub struct SafetyArgs {
    /// Tablet types besides REPLICA that may be made primary (e.g. RDONLY); repeat or comma-separate.
    #[arg(
        long = setting::ALLOW_TYPE.long,
        env = setting::ALLOW_TYPE.variable,
        value_name = "TYPE",
        value_delimiter = ',',
        value_parser = Choices(&[
            ("RDONLY", "also spelt BATCH"),
            ("SPARE", ""),
            ("EXPERIMENTAL", ""),
            ("BACKUP", ""),
            ("RESTORE", ""),
            ("DRAINED", ""),
        ])
    )]
    pub allow_types: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub log: LogArgs,

    #[command(flatten)]
    pub safety: SafetyArgs,

    /// Also say whether reparent would make this tablet primary were its shard's primary to fail.
    #[arg(long, value_name = "ALIAS")]
    pub tablet: Option<OsString>,

    #[command(flatten)]
    pub orchestrator: OrchestratorApiArgs,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The recovery log to read.
    #[arg(
        long = setting::LOG_FILE.long,
        env = setting::LOG_FILE.variable,
        value_name = "FILE",
        default_value = DEFAULT_LOG_FILE,
        value_parser = any_path()
    )]
    pub log_file: PathBuf,

    /// Only records since WHEN: a duration ago (24h, 30m, 7d) or an RFC 3339 time.
    #[arg(long = setting::SINCE.long, value_name = "WHEN")]
    pub since: Option<OsString>,

    /// Only records until WHEN: a duration ago or an RFC 3339 time.
    #[arg(long = setting::UNTIL.long, value_name = "WHEN")]
    pub until: Option<OsString>,

    /// Only failovers of this shard: keyspace.shard, keyspace/shard, or an Orchestrator cluster.
    #[arg(long = setting::CLUSTER.long, value_name = "CLUSTER", allow_hyphen_values = true)]
    pub cluster: Option<OsString>,

    /// Only failovers that ended with this outcome: ok, failed, rejected, superseded, duplicate.
    #[arg(long = setting::OUTCOME.long, value_name = "OUTCOME")]
    pub outcome: Option<OsString>,

    /// How many failovers to show, the newest, 1 to 100000.
    #[arg(long = setting::LAST.long, value_name = "N", default_value = "20")]
    pub last: OsString,

    /// Exit 1 when a shard's last settled failover did not end well, naming it.
    #[arg(long)]
    pub check: bool,

    /// Read the log's rotated siblings too, oldest first: FILE.1, FILE.2.gz, FILE-20261207(.gz).
    #[arg(long)]
    pub rotated: bool,

    /// After the table, show each failover again as its records are appended, until SIGTERM or
    /// SIGINT; a rotated log is followed into the new file.
    #[arg(long)]
    pub follow: bool,
}

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub orchestrator: OrchestratorApiArgs,

    #[command(flatten)]
    pub log: LogArgs,

    #[command(flatten)]
    pub safety: SafetyArgs,

    /// Only this keyspace's shards.
    #[arg(long = setting::KEYSPACE.long, value_name = "KEYSPACE", help_heading = "Which shards")]
    pub keyspace: Option<OsString>,

    /// Only this shard (with --keyspace).
    #[arg(
        long = setting::SHARD.long,
        value_name = "SHARD",
        help_heading = "Which shards",
        allow_hyphen_values = true
    )]
    pub shard: Option<OsString>,

    /// How long after a recovery ended before it may be acted on, 1s to 1d. Orchestrator ends a
    /// recovery before it runs the hooks: keep this above the hook's --deadline plus the time
    /// Orchestrator takes to start it.
    #[arg(
        long = setting::SETTLE.long,
        env = setting::SETTLE.variable,
        value_name = "DURATION",
        default_value = "5m"
    )]
    pub settle: OsString,

    /// Repeat the pass every DURATION (1s to 1d, varied by ±25 %) until SIGTERM or SIGINT.
    #[arg(
        long = setting::INTERVAL.long,
        env = setting::INTERVAL.variable,
        value_name = "DURATION"
    )]
    pub interval: Option<OsString>,

    #[command(flatten)]
    pub metrics: MetricsListenArgs,

    /// Say what would be done; send nothing, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub orchestrator: OrchestratorApiArgs,

    /// Only this keyspace's tablets.
    #[arg(long = setting::KEYSPACE.long, value_name = "KEYSPACE", help_heading = "Which tablets")]
    pub keyspace: Option<OsString>,

    /// Only this shard's tablets (with --keyspace).
    #[arg(
        long = setting::SHARD.long,
        value_name = "SHARD",
        help_heading = "Which tablets",
        allow_hyphen_values = true
    )]
    pub shard: Option<OsString>,

    /// Only tablets of these cells; repeat or comma-separate.
    #[arg(
        long = setting::CELL.long,
        value_name = "CELL",
        value_delimiter = ',',
        help_heading = "Which tablets"
    )]
    pub cells: Vec<OsString>,

    /// A tablet type's promotion rule (prefer, neutral, prefer_not, must_not), e.g. REPLICA=prefer;
    /// repeat or comma-separate.
    #[arg(
        long = setting::PROMOTION_RULE.long,
        env = setting::PROMOTION_RULE.variable,
        value_name = "TYPE=RULE",
        value_delimiter = ','
    )]
    pub promotion_rules: Vec<OsString>,

    /// Calls to Orchestrator at once, 1 to 256.
    #[arg(
        long = setting::CONCURRENCY.long,
        env = setting::CONCURRENCY.variable,
        value_name = "N",
        default_value = "8"
    )]
    pub concurrency: OsString,

    /// Repeat every DURATION (varied by ±25 %) until SIGTERM/SIGINT, logging only changes.
    #[arg(long = setting::INTERVAL.long, env = setting::INTERVAL.variable, value_name = "DURATION")]
    pub interval: Option<OsString>,

    #[command(flatten)]
    pub metrics: MetricsListenArgs,

    /// Orchestrator's CandidateInstanceExpireMinutes, as a duration: a longer interval lets
    /// promotion rules expire, and is warned about.
    #[arg(long = setting::CANDIDATE_EXPIRY.long, value_name = "DURATION", default_value = "60m")]
    pub candidate_expiry: OsString,

    /// Forget instances of clusters carrying our keyspace.shard aliases that are no longer a
    /// tablet and that Orchestrator has not reached for --forget-after (never a cluster's last
    /// instance; not with --cell; nothing after a failed step).
    #[arg(long)]
    pub forget_missing: bool,

    /// With --forget-missing: forget only an instance Orchestrator's own checks have not
    /// reached for at least DURATION (its IsLastCheckValid and SecondsSinceLastSeen).
    #[arg(
        long = setting::FORGET_AFTER.long,
        env = setting::FORGET_AFTER.variable,
        value_name = "DURATION",
        default_value = "10m"
    )]
    pub forget_after: OsString,

    /// With --forget-missing and --interval: forget nothing in a pass whose tablet list shrank
    /// by more than PERCENT since the previous pass.
    #[arg(
        long = setting::FORGET_MAX_SHRINK.long,
        env = setting::FORGET_MAX_SHRINK.variable,
        value_name = "PERCENT",
        default_value = "10%"
    )]
    pub forget_max_shrink: OsString,

    /// List what would be registered (instance, rule, alias); no call to Orchestrator.
    #[arg(long)]
    pub dry_run: bool,
}

/// How to reach Orchestrator's HTTP API: shared by the commands that call it.
#[derive(Debug, Args)]
#[command(next_help_heading = "Orchestrator API")]
pub struct OrchestratorApiArgs {
    /// Orchestrator's API root, e.g. http://orchestrator:3000/api/.
    #[arg(long = setting::ORC_API_URL.long, env = setting::ORC_API_URL.variable, value_name = "URL")]
    pub orc_api_url: Option<OsString>,

    /// Basic auth user (the password from --orc-api-password-file or
    /// ORC_VITESS_HOOK_ORC_API_PASSWORD).
    #[arg(long = setting::ORC_API_USER.long, env = setting::ORC_API_USER.variable, value_name = "USER")]
    pub orc_api_user: Option<OsString>,

    /// File holding the basic auth password (one line).
    #[arg(long, env = "ORC_VITESS_HOOK_ORC_API_PASSWORD_FILE", value_name = "FILE", value_parser = any_path())]
    pub orc_api_password_file: Option<PathBuf>,

    /// PEM file of the CA that signed Orchestrator's certificate (https URLs).
    #[arg(long, env = "ORC_VITESS_HOOK_ORC_API_TLS_CA", value_name = "FILE", value_parser = any_path())]
    pub orc_api_tls_ca: Option<PathBuf>,

    /// Bound on one call to the API, 10ms to 1h.
    #[arg(
        long = setting::ORC_TIMEOUT.long,
        env = setting::ORC_TIMEOUT.variable,
        value_name = "DURATION",
        default_value = "10s"
    )]
    pub orc_timeout: OsString,
}

#[derive(Debug, Args)]
pub struct OrchestratorConfigArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub log: LogArgs,

    /// Also record every other hook list's events (`record --hook NAME`).
    #[arg(long)]
    pub all_hooks: bool,

    /// Also emit the Detect*Query keys reading _vt.local_metadata (Vitess before v16 only).
    #[arg(long)]
    pub legacy_metadata_queries: bool,

    /// The MySQL the fleet runs, for DetectSemiSyncEnforcedQuery.
    #[arg(
        long = setting::MYSQL_FLAVOR.long,
        env = setting::MYSQL_FLAVOR.variable,
        value_name = "FLAVOR",
        default_value = "mysql",
        value_parser = Choices(&[
            ("mysql", "MySQL 8.0 and 8.4 (performance_schema.global_variables)"),
            ("mariadb", "MariaDB (information_schema.GLOBAL_VARIABLES)"),
        ])
    )]
    pub mysql_flavor: OsString,

    /// Print this orchestrator.conf.json with the keys merged in.
    #[arg(long, value_name = "FILE", value_parser = any_path())]
    pub merge: Option<PathBuf>,

    /// Replace the --merge FILE atomically instead of printing; the old one stays as FILE.bak.
    #[arg(long, requires = "merge")]
    pub in_place: bool,

    /// The executable Orchestrator runs the hook by: a path, or a name looked up on PATH; written
    /// absolute (default: this binary, as it was run).
    #[arg(long, value_name = "PATH", value_parser = any_path())]
    pub binary: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The Orchestrator hook list this runs from, without "Processes" (e.g. PreFailover).
    #[arg(
        long = setting::HOOK.long,
        env = setting::HOOK.variable,
        value_name = "NAME",
        value_parser = Choices(HOOKS)
    )]
    pub hook: Option<OsString>,

    #[command(flatten)]
    pub event: EventArgs,

    #[command(flatten)]
    pub log: LogArgs,

    /// How long the record may wait for the log's lock, 10ms to 10s (a Pre* hook holds the
    /// recovery while it waits).
    #[arg(
        long = setting::LOCK_WAIT.long,
        env = setting::LOCK_WAIT.variable,
        value_name = "DURATION",
        default_value = "2s"
    )]
    pub lock_wait: OsString,

    /// Exit with the usual statuses (65, 74, 78) instead of always 0.
    #[arg(
        long = setting::STRICT.long,
        env = setting::STRICT.variable,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BOOLEAN
    )]
    pub strict: Option<OsString>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Recovery log")]
pub struct LogArgs {
    /// File the records are appended to; its directory is created 0750 if missing.
    #[arg(
        long = setting::LOG_FILE.long,
        env = setting::LOG_FILE.variable,
        value_name = "FILE",
        default_value = DEFAULT_LOG_FILE,
        value_parser = any_path()
    )]
    pub log_file: PathBuf,

    /// Record format.
    #[arg(
        long = setting::LOG_FORMAT.long,
        env = setting::LOG_FORMAT.variable,
        value_name = "FORMAT",
        default_value = "logfmt",
        value_parser = Choices(&[
            ("logfmt", "key=value pairs, quoted where needed"),
            ("json", "one JSON object a line"),
        ])
    )]
    pub log_format: OsString,

    /// fsync the log after each record.
    #[arg(
        long = setting::FSYNC.long,
        env = setting::FSYNC.variable,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BOOLEAN
    )]
    pub fsync: Option<OsString>,

    /// After each final record, update this node_exporter textfile (*.prom): the last run's
    /// time, exit status and outcome per hook and shard, and runs by outcome. Written whole and
    /// renamed into place, under the log's lock and its own.
    #[arg(
        long = setting::METRICS_TEXTFILE.long,
        env = setting::METRICS_TEXTFILE.variable,
        value_name = "FILE",
        value_parser = any_path()
    )]
    pub metrics_textfile: Option<PathBuf>,
}

/// `--metrics-listen`: shared by the daemons (`discover` and `reconcile` with `--interval`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Metrics")]
pub struct MetricsListenArgs {
    /// With --interval: serve Prometheus metrics on http://ADDRESS/metrics and liveness on
    /// /healthz (failing once the daemon has not moved for three intervals, or twice the longest
    /// step). ADDRESS is HOST:PORT, [IPv6]:PORT, or :PORT for every IPv4 interface.
    #[arg(
        long = setting::METRICS_LISTEN.long,
        env = setting::METRICS_LISTEN.variable,
        value_name = "ADDRESS"
    )]
    pub metrics_listen: Option<OsString>,
}

/// How to reach vtctld: shared by every command that talks to it.
#[derive(Debug, Args)]
#[command(next_help_heading = "vtctld connection")]
pub struct ConnectionArgs {
    /// vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation.
    #[arg(
        long = setting::SERVER.long,
        env = setting::SERVER.variable,
        value_name = "HOST:PORT",
        value_delimiter = ','
    )]
    pub servers: Vec<OsString>,

    /// Which vtctld API to call.
    #[arg(
        long = setting::API.long,
        env = setting::API.variable,
        value_name = "API",
        default_value = "auto",
        value_parser = Choices(&[
            ("auto", "typed Vtctld API, the legacy Vtctl API where a server has no such service"),
            ("vtctld", "typed Vtctld API only (vtctldclient, current Vitess)"),
            ("vtctl", "legacy Vtctl API only (vtctlclient, old Vitess)"),
        ])
    )]
    pub api: OsString,

    /// Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s).
    #[arg(
        long = setting::DEADLINE.long,
        env = setting::DEADLINE.variable,
        value_name = "DURATION",
        default_value = "60s"
    )]
    pub deadline: OsString,

    /// Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy
    /// action_timeout.
    #[arg(
        long = setting::ATTEMPT_TIMEOUT.long,
        env = setting::ATTEMPT_TIMEOUT.variable,
        value_name = "DURATION",
        default_value = "15s"
    )]
    pub attempt_timeout: OsString,

    /// Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS.
    #[arg(
        long = setting::CONNECT_TIMEOUT.long,
        env = setting::CONNECT_TIMEOUT.variable,
        value_name = "DURATION",
        default_value = "3s"
    )]
    pub connect_timeout: OsString,

    /// PEM file of the CA that signed vtctld's certificate (turns TLS on).
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_TLS_CA",
        value_name = "FILE",
        value_parser = any_path(),
        aliases = ["vtctld-grpc-ca", "vtctld_grpc_ca"]
    )]
    pub tls_ca: Option<PathBuf>,

    /// PEM client certificate for mutual TLS (with --tls-key).
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_TLS_CERT",
        value_name = "FILE",
        value_parser = any_path(),
        aliases = ["vtctld-grpc-cert", "vtctld_grpc_cert"]
    )]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of the client certificate (with --tls-cert).
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_TLS_KEY",
        value_name = "FILE",
        value_parser = any_path(),
        aliases = ["vtctld-grpc-key", "vtctld_grpc_key"]
    )]
    pub tls_key: Option<PathBuf>,

    /// Server name expected in vtctld's certificate (turns TLS on).
    #[arg(
        long = setting::TLS_SERVER_NAME.long,
        env = setting::TLS_SERVER_NAME.variable,
        value_name = "NAME",
        aliases = ["vtctld-grpc-server-name", "vtctld_grpc_server_name"]
    )]
    pub tls_server_name: Option<OsString>,

    /// Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others.
    #[arg(
        long,
        env = "ORC_VITESS_HOOK_AUTH_STATIC_CREDS",
        value_name = "FILE",
        value_parser = any_path(),
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
        let Command::Reparent(args) = parsed.command else {
            panic!("the line names reparent");
        };
        assert_eq!(args.connection.servers, ["a:1"]);
        assert_eq!(
            args.connection.auth_static_creds,
            Some(PathBuf::from("c.json"))
        );
    }
}
