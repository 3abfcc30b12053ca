# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_orc_vitess_hook_global_optspecs
    string join \n output= h/help V/version
end

function __fish_orc_vitess_hook_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_orc_vitess_hook_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_orc_vitess_hook_using_subcommand
    set -l cmd (__fish_orc_vitess_hook_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -l output -d 'Output format of every command: text for Orchestrator\'s log, json for scripts' -r -f -a "text\t'One line for a human or Orchestrator\'s log'
json\t'One JSON object on stdout'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -s V -l version -d 'Print version'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -f -a "reparent" -d 'Record a failover and make its successor the shard primary in Vitess'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -f -a "record" -d 'Record an Orchestrator event in the recovery log, from any other hook; no network'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -f -a "orchestrator-config" -d 'Print the orchestrator.conf.json keys that run this tool, or merge them into a file'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -f -a "check" -d 'Preflight: settings, every vtctld (TLS, auth, APIs, round trip), a tablet, the log'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -f -a "discover" -d 'Register vtctld\'s tablets with Orchestrator: instances, promotion rules, cluster aliases'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -f -a "reconcile" -d 'Finish a failover whose hook was lost; never undo a newer one'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -f -a "history" -d 'Show the failovers the recovery log holds, newest last; --check for monitoring'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l failure-type -d 'Analysis code: DeadMaster, DeadCoMaster, DeadPrimary, ... ({failureType})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l instance-type -d 'master, co-master or intermediate-master ({instanceType})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l is-master -d 'Whether the failed instance was a master: true or false ({isMaster})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l is-co-master -d 'Whether the failed instance was a co-master: true or false ({isCoMaster})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l failure-description -d 'Free-text description of the failure ({failureDescription})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l command -d 'Command hint: graceful-master-takeover, force-master-failover, ... ({command})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l failed-host -d 'Host of the failed instance ({failedHost})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l failed-port -d 'Port of the failed instance, 1-65535 ({failedPort})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l failure-cluster -d 'Cluster name ({failureCluster})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l failure-cluster-alias -d 'Cluster alias; keyspace.shard in Vitess ({failureClusterAlias})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l failure-cluster-domain -d 'Cluster domain ({failureClusterDomain})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l count-replicas -d 'Number of replicas of the failed instance ({countReplicas})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l count-lost-replicas -d 'Number of replicas lost in the recovery ({countLostReplicas}; no variable)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l is-downtimed -d 'Whether the failed instance was downtimed: true or false ({isDowntimed})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l auto-master-recovery -d 'Whether automated master recovery was on: true or false ({autoMasterRecovery})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l auto-intermediate-master-recovery -d 'Whether automated intermediate-master recovery was on ({autoIntermediateMasterRecovery})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l orchestrator-host -d 'Host running Orchestrator ({orchestratorHost})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l recovery-uid -d 'Unique id of this recovery ({recoveryUID})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l is-successful -d 'Whether a successor was promoted: true or false ({isSuccessful})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l lost-replicas -d 'Comma-separated host:port list of lost replicas ({lostReplicas})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l replica-hosts -d 'Comma-separated host:port list of the replicas ({replicaHosts})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l successor-host -d 'Host of the promoted instance ({successorHost})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l successor-port -d 'MySQL port of the promoted instance, 1-65535 ({successorPort})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l successor-alias -d 'Tablet alias of the promoted instance, e.g. zone1-0000000101 ({successorAlias})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l successor-binlog-coordinates -d 'Binary log coordinates of the successor, file:pos ({successorBinlogCoordinates})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l log-file -d 'File the records are appended to; its directory is created 0750 if missing' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l log-format -d 'Record format' -r -f -a "logfmt\t'key=value pairs, quoted where needed'
json\t'one JSON object a line'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l fsync -d 'fsync the log after each record' -r -f -a "true\t'on'
false\t'off'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l metrics-textfile -d 'After each final record, update this node_exporter textfile (*.prom): the last run\'s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log\'s lock and its own' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l server -d 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l api -d 'Which vtctld API to call' -r -f -a "auto\t'typed Vtctld API, the legacy Vtctl API where a server has no such service'
vtctld\t'typed Vtctld API only (vtctldclient, current Vitess)'
vtctl\t'legacy Vtctl API only (vtctlclient, old Vitess)'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l deadline -d 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l attempt-timeout -d 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l connect-timeout -d 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l tls-ca -d 'PEM file of the CA that signed vtctld\'s certificate (turns TLS on)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l tls-cert -d 'PEM client certificate for mutual TLS (with --tls-key)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l tls-key -d 'PEM private key of the client certificate (with --tls-cert)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l tls-server-name -d 'Server name expected in vtctld\'s certificate (turns TLS on)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l auth-static-creds -d 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l allow-type -d 'Tablet types besides REPLICA that may be made primary (e.g. RDONLY); repeat or comma-separate' -r -f -a "RDONLY\t'also spelt BATCH'
SPARE\t''
EXPERIMENTAL\t''
BACKUP\t''
RESTORE\t''
DRAINED\t''"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l orc-api-url -d 'Orchestrator\'s API root, e.g. http://orchestrator:3000/api/' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l orc-api-user -d 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l orc-api-password-file -d 'File holding the basic auth password (one line)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l orc-api-tls-ca -d 'PEM file of the CA that signed Orchestrator\'s certificate (https URLs)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l orc-timeout -d 'Bound on one call to the API, 10ms to 1h' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l verify-alias -d 'Accepted for old command lines; the successor is always verified now' -r -f -a "true\t'on'
false\t'off'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l dry-run -d 'Validate everything, check the log can be appended to, print the planned record and RPC; write nothing, connect nowhere. Command line only: ORC_VITESS_HOOK_DRY_RUN is ignored with a warning, so a dry run left in a unit file never turns failovers into no-ops' -r -f -a "true\t'on'
false\t'off'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l output -d 'Output format of every command: text for Orchestrator\'s log, json for scripts' -r -f -a "text\t'One line for a human or Orchestrator\'s log'
json\t'One JSON object on stdout'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l allow-unverified-alias -d 'Where vtctld cannot prove the successor (a cell it cannot read, a choice the never-strict legacy listing cannot prove, an old vtctl that cannot list tablets), send the listing\'s choice or Orchestrator\'s alias anyway, recorded as unverified. Command line only; never a tablet a listing shows to be the failed primary, nor one a listing contradicts'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -l allow-placeholders -d 'Run although an identifying value ({failureType}, {failedHost}, ...) is a literal, unsubstituted placeholder, which means Orchestrator did not run this line. Command line only'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -s v -l verbose -d 'Also print the log lines vtctld streams back (legacy API)'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reparent" -s V -l version -d 'Print version'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l hook -d 'The Orchestrator hook list this runs from, without "Processes" (e.g. PreFailover)' -r -f -a "OnFailureDetection\t'a failure was detected'
PreFailover\t'before a recovery; a non-zero exit would abort it'
PostFailover\t'after any recovery'
PostUnsuccessfulFailover\t'after a recovery that failed'
PostMasterFailover\t'after a master recovery (reparent records it already)'
PostIntermediateMasterFailover\t'after an intermediate-master recovery'
PreGracefulTakeover\t'before a graceful takeover; a non-zero exit would abort it'
PostGracefulTakeover\t'after a graceful takeover'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l failure-type -d 'Analysis code: DeadMaster, DeadCoMaster, DeadPrimary, ... ({failureType})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l instance-type -d 'master, co-master or intermediate-master ({instanceType})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l is-master -d 'Whether the failed instance was a master: true or false ({isMaster})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l is-co-master -d 'Whether the failed instance was a co-master: true or false ({isCoMaster})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l failure-description -d 'Free-text description of the failure ({failureDescription})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l command -d 'Command hint: graceful-master-takeover, force-master-failover, ... ({command})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l failed-host -d 'Host of the failed instance ({failedHost})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l failed-port -d 'Port of the failed instance, 1-65535 ({failedPort})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l failure-cluster -d 'Cluster name ({failureCluster})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l failure-cluster-alias -d 'Cluster alias; keyspace.shard in Vitess ({failureClusterAlias})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l failure-cluster-domain -d 'Cluster domain ({failureClusterDomain})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l count-replicas -d 'Number of replicas of the failed instance ({countReplicas})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l count-lost-replicas -d 'Number of replicas lost in the recovery ({countLostReplicas}; no variable)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l is-downtimed -d 'Whether the failed instance was downtimed: true or false ({isDowntimed})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l auto-master-recovery -d 'Whether automated master recovery was on: true or false ({autoMasterRecovery})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l auto-intermediate-master-recovery -d 'Whether automated intermediate-master recovery was on ({autoIntermediateMasterRecovery})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l orchestrator-host -d 'Host running Orchestrator ({orchestratorHost})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l recovery-uid -d 'Unique id of this recovery ({recoveryUID})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l is-successful -d 'Whether a successor was promoted: true or false ({isSuccessful})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l lost-replicas -d 'Comma-separated host:port list of lost replicas ({lostReplicas})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l replica-hosts -d 'Comma-separated host:port list of the replicas ({replicaHosts})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l successor-host -d 'Host of the promoted instance ({successorHost})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l successor-port -d 'MySQL port of the promoted instance, 1-65535 ({successorPort})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l successor-alias -d 'Tablet alias of the promoted instance, e.g. zone1-0000000101 ({successorAlias})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l successor-binlog-coordinates -d 'Binary log coordinates of the successor, file:pos ({successorBinlogCoordinates})' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l log-file -d 'File the records are appended to; its directory is created 0750 if missing' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l log-format -d 'Record format' -r -f -a "logfmt\t'key=value pairs, quoted where needed'
json\t'one JSON object a line'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l fsync -d 'fsync the log after each record' -r -f -a "true\t'on'
false\t'off'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l metrics-textfile -d 'After each final record, update this node_exporter textfile (*.prom): the last run\'s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log\'s lock and its own' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l lock-wait -d 'How long the record may wait for the log\'s lock, 10ms to 10s (a Pre* hook holds the recovery while it waits)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l strict -d 'Exit with the usual statuses (65, 74, 78) instead of always 0' -r -f -a "true\t'on'
false\t'off'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -l output -d 'Output format of every command: text for Orchestrator\'s log, json for scripts' -r -f -a "text\t'One line for a human or Orchestrator\'s log'
json\t'One JSON object on stdout'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand record" -s V -l version -d 'Print version'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l server -d 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l api -d 'Which vtctld API to call' -r -f -a "auto\t'typed Vtctld API, the legacy Vtctl API where a server has no such service'
vtctld\t'typed Vtctld API only (vtctldclient, current Vitess)'
vtctl\t'legacy Vtctl API only (vtctlclient, old Vitess)'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l deadline -d 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l attempt-timeout -d 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l connect-timeout -d 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l tls-ca -d 'PEM file of the CA that signed vtctld\'s certificate (turns TLS on)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l tls-cert -d 'PEM client certificate for mutual TLS (with --tls-key)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l tls-key -d 'PEM private key of the client certificate (with --tls-cert)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l tls-server-name -d 'Server name expected in vtctld\'s certificate (turns TLS on)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l auth-static-creds -d 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l log-file -d 'File the records are appended to; its directory is created 0750 if missing' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l log-format -d 'Record format' -r -f -a "logfmt\t'key=value pairs, quoted where needed'
json\t'one JSON object a line'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l fsync -d 'fsync the log after each record' -r -f -a "true\t'on'
false\t'off'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l metrics-textfile -d 'After each final record, update this node_exporter textfile (*.prom): the last run\'s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log\'s lock and its own' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l mysql-flavor -d 'The MySQL the fleet runs, for DetectSemiSyncEnforcedQuery' -r -f -a "mysql\t'MySQL 8.0 and 8.4 (performance_schema.global_variables)'
mariadb\t'MariaDB (information_schema.GLOBAL_VARIABLES)'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l merge -d 'Print this orchestrator.conf.json with the keys merged in' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l binary -d 'The executable Orchestrator runs the hook by: a path, or a name looked up on PATH; written absolute (default: this binary, as it was run)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l output -d 'Output format of every command: text for Orchestrator\'s log, json for scripts' -r -f -a "text\t'One line for a human or Orchestrator\'s log'
json\t'One JSON object on stdout'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l all-hooks -d 'Also record every other hook list\'s events (`record --hook NAME`)'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l legacy-metadata-queries -d 'Also emit the Detect*Query keys reading _vt.local_metadata (Vitess before v16 only)'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -l in-place -d 'Replace the --merge FILE atomically instead of printing; the old one stays as FILE.bak'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand orchestrator-config" -s V -l version -d 'Print version'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l server -d 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l api -d 'Which vtctld API to call' -r -f -a "auto\t'typed Vtctld API, the legacy Vtctl API where a server has no such service'
vtctld\t'typed Vtctld API only (vtctldclient, current Vitess)'
vtctl\t'legacy Vtctl API only (vtctlclient, old Vitess)'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l deadline -d 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l attempt-timeout -d 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l connect-timeout -d 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l tls-ca -d 'PEM file of the CA that signed vtctld\'s certificate (turns TLS on)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l tls-cert -d 'PEM client certificate for mutual TLS (with --tls-key)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l tls-key -d 'PEM private key of the client certificate (with --tls-cert)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l tls-server-name -d 'Server name expected in vtctld\'s certificate (turns TLS on)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l auth-static-creds -d 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l log-file -d 'File the records are appended to; its directory is created 0750 if missing' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l log-format -d 'Record format' -r -f -a "logfmt\t'key=value pairs, quoted where needed'
json\t'one JSON object a line'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l fsync -d 'fsync the log after each record' -r -f -a "true\t'on'
false\t'off'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l metrics-textfile -d 'After each final record, update this node_exporter textfile (*.prom): the last run\'s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log\'s lock and its own' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l allow-type -d 'Tablet types besides REPLICA that may be made primary (e.g. RDONLY); repeat or comma-separate' -r -f -a "RDONLY\t'also spelt BATCH'
SPARE\t''
EXPERIMENTAL\t''
BACKUP\t''
RESTORE\t''
DRAINED\t''"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l tablet -d 'Also say whether reparent would make this tablet primary were its shard\'s primary to fail' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l orc-api-url -d 'Orchestrator\'s API root, e.g. http://orchestrator:3000/api/' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l orc-api-user -d 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l orc-api-password-file -d 'File holding the basic auth password (one line)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l orc-api-tls-ca -d 'PEM file of the CA that signed Orchestrator\'s certificate (https URLs)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l orc-timeout -d 'Bound on one call to the API, 10ms to 1h' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -l output -d 'Output format of every command: text for Orchestrator\'s log, json for scripts' -r -f -a "text\t'One line for a human or Orchestrator\'s log'
json\t'One JSON object on stdout'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand check" -s V -l version -d 'Print version'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l server -d 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l api -d 'Which vtctld API to call' -r -f -a "auto\t'typed Vtctld API, the legacy Vtctl API where a server has no such service'
vtctld\t'typed Vtctld API only (vtctldclient, current Vitess)'
vtctl\t'legacy Vtctl API only (vtctlclient, old Vitess)'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l deadline -d 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l attempt-timeout -d 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l connect-timeout -d 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l tls-ca -d 'PEM file of the CA that signed vtctld\'s certificate (turns TLS on)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l tls-cert -d 'PEM client certificate for mutual TLS (with --tls-key)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l tls-key -d 'PEM private key of the client certificate (with --tls-cert)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l tls-server-name -d 'Server name expected in vtctld\'s certificate (turns TLS on)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l auth-static-creds -d 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l orc-api-url -d 'Orchestrator\'s API root, e.g. http://orchestrator:3000/api/' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l orc-api-user -d 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l orc-api-password-file -d 'File holding the basic auth password (one line)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l orc-api-tls-ca -d 'PEM file of the CA that signed Orchestrator\'s certificate (https URLs)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l orc-timeout -d 'Bound on one call to the API, 10ms to 1h' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l keyspace -d 'Only this keyspace\'s tablets' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l shard -d 'Only this shard\'s tablets (with --keyspace)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l cell -d 'Only tablets of these cells; repeat or comma-separate' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l promotion-rule -d 'A tablet type\'s promotion rule (prefer, neutral, prefer_not, must_not), e.g. REPLICA=prefer; repeat or comma-separate' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l concurrency -d 'Calls to Orchestrator at once, 1 to 256' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l interval -d 'Repeat every DURATION (varied by ±25 %) until SIGTERM/SIGINT, logging only changes' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l metrics-listen -d 'With --interval: serve Prometheus metrics on http://ADDRESS/metrics and liveness on /healthz (failing once the daemon has not moved for three intervals, or twice the longest step). ADDRESS is HOST:PORT, [IPv6]:PORT, or :PORT for every IPv4 interface' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l candidate-expiry -d 'Orchestrator\'s CandidateInstanceExpireMinutes, as a duration: a longer interval lets promotion rules expire, and is warned about' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l forget-after -d 'With --forget-missing: forget only an instance Orchestrator\'s own checks have not reached for at least DURATION (its IsLastCheckValid and SecondsSinceLastSeen)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l forget-max-shrink -d 'With --forget-missing and --interval: forget nothing in a pass whose tablet list shrank by more than PERCENT since the previous pass' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l output -d 'Output format of every command: text for Orchestrator\'s log, json for scripts' -r -f -a "text\t'One line for a human or Orchestrator\'s log'
json\t'One JSON object on stdout'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l forget-missing -d 'Forget instances of clusters carrying our keyspace.shard aliases that are no longer a tablet and that Orchestrator has not reached for --forget-after (never a cluster\'s last instance; not with --cell; nothing after a failed step)'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -l dry-run -d 'List what would be registered (instance, rule, alias); no call to Orchestrator'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand discover" -s V -l version -d 'Print version'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l server -d 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l api -d 'Which vtctld API to call' -r -f -a "auto\t'typed Vtctld API, the legacy Vtctl API where a server has no such service'
vtctld\t'typed Vtctld API only (vtctldclient, current Vitess)'
vtctl\t'legacy Vtctl API only (vtctlclient, old Vitess)'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l deadline -d 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l attempt-timeout -d 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l connect-timeout -d 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l tls-ca -d 'PEM file of the CA that signed vtctld\'s certificate (turns TLS on)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l tls-cert -d 'PEM client certificate for mutual TLS (with --tls-key)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l tls-key -d 'PEM private key of the client certificate (with --tls-cert)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l tls-server-name -d 'Server name expected in vtctld\'s certificate (turns TLS on)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l auth-static-creds -d 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l orc-api-url -d 'Orchestrator\'s API root, e.g. http://orchestrator:3000/api/' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l orc-api-user -d 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l orc-api-password-file -d 'File holding the basic auth password (one line)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l orc-api-tls-ca -d 'PEM file of the CA that signed Orchestrator\'s certificate (https URLs)' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l orc-timeout -d 'Bound on one call to the API, 10ms to 1h' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l log-file -d 'File the records are appended to; its directory is created 0750 if missing' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l log-format -d 'Record format' -r -f -a "logfmt\t'key=value pairs, quoted where needed'
json\t'one JSON object a line'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l fsync -d 'fsync the log after each record' -r -f -a "true\t'on'
false\t'off'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l metrics-textfile -d 'After each final record, update this node_exporter textfile (*.prom): the last run\'s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log\'s lock and its own' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l allow-type -d 'Tablet types besides REPLICA that may be made primary (e.g. RDONLY); repeat or comma-separate' -r -f -a "RDONLY\t'also spelt BATCH'
SPARE\t''
EXPERIMENTAL\t''
BACKUP\t''
RESTORE\t''
DRAINED\t''"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l keyspace -d 'Only this keyspace\'s shards' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l shard -d 'Only this shard (with --keyspace)' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l settle -d 'How long after a recovery ended before it may be acted on, 1s to 1d. Orchestrator ends a recovery before it runs the hooks: keep this above the hook\'s --deadline plus the time Orchestrator takes to start it' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l interval -d 'Repeat the pass every DURATION (1s to 1d, varied by ±25 %) until SIGTERM or SIGINT' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l metrics-listen -d 'With --interval: serve Prometheus metrics on http://ADDRESS/metrics and liveness on /healthz (failing once the daemon has not moved for three intervals, or twice the longest step). ADDRESS is HOST:PORT, [IPv6]:PORT, or :PORT for every IPv4 interface' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l output -d 'Output format of every command: text for Orchestrator\'s log, json for scripts' -r -f -a "text\t'One line for a human or Orchestrator\'s log'
json\t'One JSON object on stdout'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -l dry-run -d 'Say what would be done; send nothing, write nothing'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand reconcile" -s V -l version -d 'Print version'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l log-file -d 'The recovery log to read' -r -F
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l since -d 'Only records since WHEN: a duration ago (24h, 30m, 7d) or an RFC 3339 time' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l until -d 'Only records until WHEN: a duration ago or an RFC 3339 time' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l cluster -d 'Only failovers of this shard: keyspace.shard, keyspace/shard, or an Orchestrator cluster' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l outcome -d 'Only failovers that ended with this outcome: ok, failed, rejected, superseded, duplicate' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l last -d 'How many failovers to show, the newest, 1 to 100000' -r
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l output -d 'Output format of every command: text for Orchestrator\'s log, json for scripts' -r -f -a "text\t'One line for a human or Orchestrator\'s log'
json\t'One JSON object on stdout'"
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l check -d 'Exit 1 when a shard\'s last settled failover did not end well, naming it'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l rotated -d 'Read the log\'s rotated siblings too, oldest first: FILE.1, FILE.2.gz, FILE-20261207(.gz)'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -l follow -d 'After the table, show each failover again as its records are appended, until SIGTERM or SIGINT; a rotated log is followed into the new file'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand history" -s V -l version -d 'Print version'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand help; and not __fish_seen_subcommand_from reparent record orchestrator-config check discover reconcile history help" -f -a "reparent" -d 'Record a failover and make its successor the shard primary in Vitess'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand help; and not __fish_seen_subcommand_from reparent record orchestrator-config check discover reconcile history help" -f -a "record" -d 'Record an Orchestrator event in the recovery log, from any other hook; no network'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand help; and not __fish_seen_subcommand_from reparent record orchestrator-config check discover reconcile history help" -f -a "orchestrator-config" -d 'Print the orchestrator.conf.json keys that run this tool, or merge them into a file'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand help; and not __fish_seen_subcommand_from reparent record orchestrator-config check discover reconcile history help" -f -a "check" -d 'Preflight: settings, every vtctld (TLS, auth, APIs, round trip), a tablet, the log'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand help; and not __fish_seen_subcommand_from reparent record orchestrator-config check discover reconcile history help" -f -a "discover" -d 'Register vtctld\'s tablets with Orchestrator: instances, promotion rules, cluster aliases'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand help; and not __fish_seen_subcommand_from reparent record orchestrator-config check discover reconcile history help" -f -a "reconcile" -d 'Finish a failover whose hook was lost; never undo a newer one'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand help; and not __fish_seen_subcommand_from reparent record orchestrator-config check discover reconcile history help" -f -a "history" -d 'Show the failovers the recovery log holds, newest last; --check for monitoring'
complete -c orc-vitess-hook -n "__fish_orc_vitess_hook_using_subcommand help; and not __fish_seen_subcommand_from reparent record orchestrator-config check discover reconcile history help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
