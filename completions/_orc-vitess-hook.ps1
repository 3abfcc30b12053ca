
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'orc-vitess-hook' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'orc-vitess-hook'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'orc-vitess-hook' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of every command: text for Orchestrator''s log, json for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('reparent', 'reparent', [CompletionResultType]::ParameterValue, 'Record a failover and make its successor the shard primary in Vitess')
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record an Orchestrator event in the recovery log, from any other hook; no network')
            [CompletionResult]::new('orchestrator-config', 'orchestrator-config', [CompletionResultType]::ParameterValue, 'Print the orchestrator.conf.json keys that run this tool, or merge them into a file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Preflight: settings, every vtctld (TLS, auth, APIs, round trip), a tablet, the log')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'Register vtctld''s tablets with Orchestrator: instances, promotion rules, cluster aliases')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Finish a failover whose hook was lost; never undo a newer one')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show the failovers the recovery log holds, newest last; --check for monitoring')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orc-vitess-hook;reparent' {
            [CompletionResult]::new('--failure-type', '--failure-type', [CompletionResultType]::ParameterName, 'Analysis code: DeadMaster, DeadCoMaster, DeadPrimary, ... ({failureType})')
            [CompletionResult]::new('--instance-type', '--instance-type', [CompletionResultType]::ParameterName, 'master, co-master or intermediate-master ({instanceType})')
            [CompletionResult]::new('--is-master', '--is-master', [CompletionResultType]::ParameterName, 'Whether the failed instance was a master: true or false ({isMaster})')
            [CompletionResult]::new('--is-co-master', '--is-co-master', [CompletionResultType]::ParameterName, 'Whether the failed instance was a co-master: true or false ({isCoMaster})')
            [CompletionResult]::new('--failure-description', '--failure-description', [CompletionResultType]::ParameterName, 'Free-text description of the failure ({failureDescription})')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Command hint: graceful-master-takeover, force-master-failover, ... ({command})')
            [CompletionResult]::new('--failed-host', '--failed-host', [CompletionResultType]::ParameterName, 'Host of the failed instance ({failedHost})')
            [CompletionResult]::new('--failed-port', '--failed-port', [CompletionResultType]::ParameterName, 'Port of the failed instance, 1-65535 ({failedPort})')
            [CompletionResult]::new('--failure-cluster', '--failure-cluster', [CompletionResultType]::ParameterName, 'Cluster name ({failureCluster})')
            [CompletionResult]::new('--failure-cluster-alias', '--failure-cluster-alias', [CompletionResultType]::ParameterName, 'Cluster alias; keyspace.shard in Vitess ({failureClusterAlias})')
            [CompletionResult]::new('--failure-cluster-domain', '--failure-cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain ({failureClusterDomain})')
            [CompletionResult]::new('--count-replicas', '--count-replicas', [CompletionResultType]::ParameterName, 'Number of replicas of the failed instance ({countReplicas})')
            [CompletionResult]::new('--count-lost-replicas', '--count-lost-replicas', [CompletionResultType]::ParameterName, 'Number of replicas lost in the recovery ({countLostReplicas}; no variable)')
            [CompletionResult]::new('--is-downtimed', '--is-downtimed', [CompletionResultType]::ParameterName, 'Whether the failed instance was downtimed: true or false ({isDowntimed})')
            [CompletionResult]::new('--auto-master-recovery', '--auto-master-recovery', [CompletionResultType]::ParameterName, 'Whether automated master recovery was on: true or false ({autoMasterRecovery})')
            [CompletionResult]::new('--auto-intermediate-master-recovery', '--auto-intermediate-master-recovery', [CompletionResultType]::ParameterName, 'Whether automated intermediate-master recovery was on ({autoIntermediateMasterRecovery})')
            [CompletionResult]::new('--orchestrator-host', '--orchestrator-host', [CompletionResultType]::ParameterName, 'Host running Orchestrator ({orchestratorHost})')
            [CompletionResult]::new('--recovery-uid', '--recovery-uid', [CompletionResultType]::ParameterName, 'Unique id of this recovery ({recoveryUID})')
            [CompletionResult]::new('--is-successful', '--is-successful', [CompletionResultType]::ParameterName, 'Whether a successor was promoted: true or false ({isSuccessful})')
            [CompletionResult]::new('--lost-replicas', '--lost-replicas', [CompletionResultType]::ParameterName, 'Comma-separated host:port list of lost replicas ({lostReplicas})')
            [CompletionResult]::new('--replica-hosts', '--replica-hosts', [CompletionResultType]::ParameterName, 'Comma-separated host:port list of the replicas ({replicaHosts})')
            [CompletionResult]::new('--successor-host', '--successor-host', [CompletionResultType]::ParameterName, 'Host of the promoted instance ({successorHost})')
            [CompletionResult]::new('--successor-port', '--successor-port', [CompletionResultType]::ParameterName, 'MySQL port of the promoted instance, 1-65535 ({successorPort})')
            [CompletionResult]::new('--successor-alias', '--successor-alias', [CompletionResultType]::ParameterName, 'Tablet alias of the promoted instance, e.g. zone1-0000000101 ({successorAlias})')
            [CompletionResult]::new('--successor-binlog-coordinates', '--successor-binlog-coordinates', [CompletionResultType]::ParameterName, 'Binary log coordinates of the successor, file:pos ({successorBinlogCoordinates})')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'File the records are appended to; its directory is created 0750 if missing')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Record format')
            [CompletionResult]::new('--fsync', '--fsync', [CompletionResultType]::ParameterName, 'fsync the log after each record')
            [CompletionResult]::new('--metrics-textfile', '--metrics-textfile', [CompletionResultType]::ParameterName, 'After each final record, update this node_exporter textfile (*.prom): the last run''s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log''s lock and its own')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'Which vtctld API to call')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the CA that signed vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for mutual TLS (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of the client certificate (with --tls-cert)')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name expected in vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--auth-static-creds', '--auth-static-creds', [CompletionResultType]::ParameterName, 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others')
            [CompletionResult]::new('--allow-type', '--allow-type', [CompletionResultType]::ParameterName, 'Tablet types besides REPLICA that may be made primary (e.g. RDONLY); repeat or comma-separate')
            [CompletionResult]::new('--orc-api-url', '--orc-api-url', [CompletionResultType]::ParameterName, 'Orchestrator''s API root, e.g. http://orchestrator:3000/api/')
            [CompletionResult]::new('--orc-api-user', '--orc-api-user', [CompletionResultType]::ParameterName, 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)')
            [CompletionResult]::new('--orc-api-password-file', '--orc-api-password-file', [CompletionResultType]::ParameterName, 'File holding the basic auth password (one line)')
            [CompletionResult]::new('--orc-api-tls-ca', '--orc-api-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the CA that signed Orchestrator''s certificate (https URLs)')
            [CompletionResult]::new('--orc-timeout', '--orc-timeout', [CompletionResultType]::ParameterName, 'Bound on one call to the API, 10ms to 1h')
            [CompletionResult]::new('--verify-alias', '--verify-alias', [CompletionResultType]::ParameterName, 'Accepted for old command lines; the successor is always verified now')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Validate everything, check the log can be appended to, print the planned record and RPC; write nothing, connect nowhere. Command line only: ORC_VITESS_HOOK_DRY_RUN is ignored with a warning, so a dry run left in a unit file never turns failovers into no-ops')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of every command: text for Orchestrator''s log, json for scripts')
            [CompletionResult]::new('--allow-unverified-alias', '--allow-unverified-alias', [CompletionResultType]::ParameterName, 'Where vtctld cannot prove the successor (a cell it cannot read, a choice the never-strict legacy listing cannot prove, an old vtctl that cannot list tablets), send the listing''s choice or Orchestrator''s alias anyway, recorded as unverified. Command line only; never a tablet a listing shows to be the failed primary, nor one a listing contradicts')
            [CompletionResult]::new('--allow-placeholders', '--allow-placeholders', [CompletionResultType]::ParameterName, 'Run although an identifying value ({failureType}, {failedHost}, ...) is a literal, unsubstituted placeholder, which means Orchestrator did not run this line. Command line only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print the log lines vtctld streams back (legacy API)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print the log lines vtctld streams back (legacy API)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orc-vitess-hook;record' {
            [CompletionResult]::new('--hook', '--hook', [CompletionResultType]::ParameterName, 'The Orchestrator hook list this runs from, without "Processes" (e.g. PreFailover)')
            [CompletionResult]::new('--failure-type', '--failure-type', [CompletionResultType]::ParameterName, 'Analysis code: DeadMaster, DeadCoMaster, DeadPrimary, ... ({failureType})')
            [CompletionResult]::new('--instance-type', '--instance-type', [CompletionResultType]::ParameterName, 'master, co-master or intermediate-master ({instanceType})')
            [CompletionResult]::new('--is-master', '--is-master', [CompletionResultType]::ParameterName, 'Whether the failed instance was a master: true or false ({isMaster})')
            [CompletionResult]::new('--is-co-master', '--is-co-master', [CompletionResultType]::ParameterName, 'Whether the failed instance was a co-master: true or false ({isCoMaster})')
            [CompletionResult]::new('--failure-description', '--failure-description', [CompletionResultType]::ParameterName, 'Free-text description of the failure ({failureDescription})')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Command hint: graceful-master-takeover, force-master-failover, ... ({command})')
            [CompletionResult]::new('--failed-host', '--failed-host', [CompletionResultType]::ParameterName, 'Host of the failed instance ({failedHost})')
            [CompletionResult]::new('--failed-port', '--failed-port', [CompletionResultType]::ParameterName, 'Port of the failed instance, 1-65535 ({failedPort})')
            [CompletionResult]::new('--failure-cluster', '--failure-cluster', [CompletionResultType]::ParameterName, 'Cluster name ({failureCluster})')
            [CompletionResult]::new('--failure-cluster-alias', '--failure-cluster-alias', [CompletionResultType]::ParameterName, 'Cluster alias; keyspace.shard in Vitess ({failureClusterAlias})')
            [CompletionResult]::new('--failure-cluster-domain', '--failure-cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain ({failureClusterDomain})')
            [CompletionResult]::new('--count-replicas', '--count-replicas', [CompletionResultType]::ParameterName, 'Number of replicas of the failed instance ({countReplicas})')
            [CompletionResult]::new('--count-lost-replicas', '--count-lost-replicas', [CompletionResultType]::ParameterName, 'Number of replicas lost in the recovery ({countLostReplicas}; no variable)')
            [CompletionResult]::new('--is-downtimed', '--is-downtimed', [CompletionResultType]::ParameterName, 'Whether the failed instance was downtimed: true or false ({isDowntimed})')
            [CompletionResult]::new('--auto-master-recovery', '--auto-master-recovery', [CompletionResultType]::ParameterName, 'Whether automated master recovery was on: true or false ({autoMasterRecovery})')
            [CompletionResult]::new('--auto-intermediate-master-recovery', '--auto-intermediate-master-recovery', [CompletionResultType]::ParameterName, 'Whether automated intermediate-master recovery was on ({autoIntermediateMasterRecovery})')
            [CompletionResult]::new('--orchestrator-host', '--orchestrator-host', [CompletionResultType]::ParameterName, 'Host running Orchestrator ({orchestratorHost})')
            [CompletionResult]::new('--recovery-uid', '--recovery-uid', [CompletionResultType]::ParameterName, 'Unique id of this recovery ({recoveryUID})')
            [CompletionResult]::new('--is-successful', '--is-successful', [CompletionResultType]::ParameterName, 'Whether a successor was promoted: true or false ({isSuccessful})')
            [CompletionResult]::new('--lost-replicas', '--lost-replicas', [CompletionResultType]::ParameterName, 'Comma-separated host:port list of lost replicas ({lostReplicas})')
            [CompletionResult]::new('--replica-hosts', '--replica-hosts', [CompletionResultType]::ParameterName, 'Comma-separated host:port list of the replicas ({replicaHosts})')
            [CompletionResult]::new('--successor-host', '--successor-host', [CompletionResultType]::ParameterName, 'Host of the promoted instance ({successorHost})')
            [CompletionResult]::new('--successor-port', '--successor-port', [CompletionResultType]::ParameterName, 'MySQL port of the promoted instance, 1-65535 ({successorPort})')
            [CompletionResult]::new('--successor-alias', '--successor-alias', [CompletionResultType]::ParameterName, 'Tablet alias of the promoted instance, e.g. zone1-0000000101 ({successorAlias})')
            [CompletionResult]::new('--successor-binlog-coordinates', '--successor-binlog-coordinates', [CompletionResultType]::ParameterName, 'Binary log coordinates of the successor, file:pos ({successorBinlogCoordinates})')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'File the records are appended to; its directory is created 0750 if missing')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Record format')
            [CompletionResult]::new('--fsync', '--fsync', [CompletionResultType]::ParameterName, 'fsync the log after each record')
            [CompletionResult]::new('--metrics-textfile', '--metrics-textfile', [CompletionResultType]::ParameterName, 'After each final record, update this node_exporter textfile (*.prom): the last run''s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log''s lock and its own')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'How long the record may wait for the log''s lock, 10ms to 10s (a Pre* hook holds the recovery while it waits)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit with the usual statuses (65, 74, 78) instead of always 0')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of every command: text for Orchestrator''s log, json for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orc-vitess-hook;orchestrator-config' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'Which vtctld API to call')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the CA that signed vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for mutual TLS (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of the client certificate (with --tls-cert)')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name expected in vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--auth-static-creds', '--auth-static-creds', [CompletionResultType]::ParameterName, 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'File the records are appended to; its directory is created 0750 if missing')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Record format')
            [CompletionResult]::new('--fsync', '--fsync', [CompletionResultType]::ParameterName, 'fsync the log after each record')
            [CompletionResult]::new('--metrics-textfile', '--metrics-textfile', [CompletionResultType]::ParameterName, 'After each final record, update this node_exporter textfile (*.prom): the last run''s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log''s lock and its own')
            [CompletionResult]::new('--mysql-flavor', '--mysql-flavor', [CompletionResultType]::ParameterName, 'The MySQL the fleet runs, for DetectSemiSyncEnforcedQuery')
            [CompletionResult]::new('--merge', '--merge', [CompletionResultType]::ParameterName, 'Print this orchestrator.conf.json with the keys merged in')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'The executable Orchestrator runs the hook by: a path, or a name looked up on PATH; written absolute (default: this binary, as it was run)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of every command: text for Orchestrator''s log, json for scripts')
            [CompletionResult]::new('--all-hooks', '--all-hooks', [CompletionResultType]::ParameterName, 'Also record every other hook list''s events (`record --hook NAME`)')
            [CompletionResult]::new('--legacy-metadata-queries', '--legacy-metadata-queries', [CompletionResultType]::ParameterName, 'Also emit the Detect*Query keys reading _vt.local_metadata (Vitess before v16 only)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace the --merge FILE atomically instead of printing; the old one stays as FILE.bak')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orc-vitess-hook;check' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'Which vtctld API to call')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the CA that signed vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for mutual TLS (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of the client certificate (with --tls-cert)')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name expected in vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--auth-static-creds', '--auth-static-creds', [CompletionResultType]::ParameterName, 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'File the records are appended to; its directory is created 0750 if missing')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Record format')
            [CompletionResult]::new('--fsync', '--fsync', [CompletionResultType]::ParameterName, 'fsync the log after each record')
            [CompletionResult]::new('--metrics-textfile', '--metrics-textfile', [CompletionResultType]::ParameterName, 'After each final record, update this node_exporter textfile (*.prom): the last run''s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log''s lock and its own')
            [CompletionResult]::new('--allow-type', '--allow-type', [CompletionResultType]::ParameterName, 'Tablet types besides REPLICA that may be made primary (e.g. RDONLY); repeat or comma-separate')
            [CompletionResult]::new('--tablet', '--tablet', [CompletionResultType]::ParameterName, 'Also say whether reparent would make this tablet primary were its shard''s primary to fail')
            [CompletionResult]::new('--orc-api-url', '--orc-api-url', [CompletionResultType]::ParameterName, 'Orchestrator''s API root, e.g. http://orchestrator:3000/api/')
            [CompletionResult]::new('--orc-api-user', '--orc-api-user', [CompletionResultType]::ParameterName, 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)')
            [CompletionResult]::new('--orc-api-password-file', '--orc-api-password-file', [CompletionResultType]::ParameterName, 'File holding the basic auth password (one line)')
            [CompletionResult]::new('--orc-api-tls-ca', '--orc-api-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the CA that signed Orchestrator''s certificate (https URLs)')
            [CompletionResult]::new('--orc-timeout', '--orc-timeout', [CompletionResultType]::ParameterName, 'Bound on one call to the API, 10ms to 1h')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of every command: text for Orchestrator''s log, json for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orc-vitess-hook;discover' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'Which vtctld API to call')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the CA that signed vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for mutual TLS (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of the client certificate (with --tls-cert)')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name expected in vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--auth-static-creds', '--auth-static-creds', [CompletionResultType]::ParameterName, 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others')
            [CompletionResult]::new('--orc-api-url', '--orc-api-url', [CompletionResultType]::ParameterName, 'Orchestrator''s API root, e.g. http://orchestrator:3000/api/')
            [CompletionResult]::new('--orc-api-user', '--orc-api-user', [CompletionResultType]::ParameterName, 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)')
            [CompletionResult]::new('--orc-api-password-file', '--orc-api-password-file', [CompletionResultType]::ParameterName, 'File holding the basic auth password (one line)')
            [CompletionResult]::new('--orc-api-tls-ca', '--orc-api-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the CA that signed Orchestrator''s certificate (https URLs)')
            [CompletionResult]::new('--orc-timeout', '--orc-timeout', [CompletionResultType]::ParameterName, 'Bound on one call to the API, 10ms to 1h')
            [CompletionResult]::new('--keyspace', '--keyspace', [CompletionResultType]::ParameterName, 'Only this keyspace''s tablets')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Only this shard''s tablets (with --keyspace)')
            [CompletionResult]::new('--cell', '--cell', [CompletionResultType]::ParameterName, 'Only tablets of these cells; repeat or comma-separate')
            [CompletionResult]::new('--promotion-rule', '--promotion-rule', [CompletionResultType]::ParameterName, 'A tablet type''s promotion rule (prefer, neutral, prefer_not, must_not), e.g. REPLICA=prefer; repeat or comma-separate')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Calls to Orchestrator at once, 1 to 256')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Repeat every DURATION (varied by ±25 %) until SIGTERM/SIGINT, logging only changes')
            [CompletionResult]::new('--metrics-listen', '--metrics-listen', [CompletionResultType]::ParameterName, 'With --interval: serve Prometheus metrics on http://ADDRESS/metrics and liveness on /healthz (failing once the daemon has not moved for three intervals, or twice the longest step). ADDRESS is HOST:PORT, [IPv6]:PORT, or :PORT for every IPv4 interface')
            [CompletionResult]::new('--candidate-expiry', '--candidate-expiry', [CompletionResultType]::ParameterName, 'Orchestrator''s CandidateInstanceExpireMinutes, as a duration: a longer interval lets promotion rules expire, and is warned about')
            [CompletionResult]::new('--forget-after', '--forget-after', [CompletionResultType]::ParameterName, 'With --forget-missing: forget only an instance Orchestrator''s own checks have not reached for at least DURATION (its IsLastCheckValid and SecondsSinceLastSeen)')
            [CompletionResult]::new('--forget-max-shrink', '--forget-max-shrink', [CompletionResultType]::ParameterName, 'With --forget-missing and --interval: forget nothing in a pass whose tablet list shrank by more than PERCENT since the previous pass')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of every command: text for Orchestrator''s log, json for scripts')
            [CompletionResult]::new('--forget-missing', '--forget-missing', [CompletionResultType]::ParameterName, 'Forget instances of clusters carrying our keyspace.shard aliases that are no longer a tablet and that Orchestrator has not reached for --forget-after (never a cluster''s last instance; not with --cell; nothing after a failed step)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be registered (instance, rule, alias); no call to Orchestrator')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orc-vitess-hook;reconcile' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'Which vtctld API to call')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the CA that signed vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for mutual TLS (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of the client certificate (with --tls-cert)')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name expected in vtctld''s certificate (turns TLS on)')
            [CompletionResult]::new('--auth-static-creds', '--auth-static-creds', [CompletionResultType]::ParameterName, 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others')
            [CompletionResult]::new('--orc-api-url', '--orc-api-url', [CompletionResultType]::ParameterName, 'Orchestrator''s API root, e.g. http://orchestrator:3000/api/')
            [CompletionResult]::new('--orc-api-user', '--orc-api-user', [CompletionResultType]::ParameterName, 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)')
            [CompletionResult]::new('--orc-api-password-file', '--orc-api-password-file', [CompletionResultType]::ParameterName, 'File holding the basic auth password (one line)')
            [CompletionResult]::new('--orc-api-tls-ca', '--orc-api-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the CA that signed Orchestrator''s certificate (https URLs)')
            [CompletionResult]::new('--orc-timeout', '--orc-timeout', [CompletionResultType]::ParameterName, 'Bound on one call to the API, 10ms to 1h')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'File the records are appended to; its directory is created 0750 if missing')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Record format')
            [CompletionResult]::new('--fsync', '--fsync', [CompletionResultType]::ParameterName, 'fsync the log after each record')
            [CompletionResult]::new('--metrics-textfile', '--metrics-textfile', [CompletionResultType]::ParameterName, 'After each final record, update this node_exporter textfile (*.prom): the last run''s time, exit status and outcome per hook and shard, and runs by outcome. Written whole and renamed into place, under the log''s lock and its own')
            [CompletionResult]::new('--allow-type', '--allow-type', [CompletionResultType]::ParameterName, 'Tablet types besides REPLICA that may be made primary (e.g. RDONLY); repeat or comma-separate')
            [CompletionResult]::new('--keyspace', '--keyspace', [CompletionResultType]::ParameterName, 'Only this keyspace''s shards')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Only this shard (with --keyspace)')
            [CompletionResult]::new('--settle', '--settle', [CompletionResultType]::ParameterName, 'How long after a recovery ended before it may be acted on, 1s to 1d. Orchestrator ends a recovery before it runs the hooks: keep this above the hook''s --deadline plus the time Orchestrator takes to start it')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Repeat the pass every DURATION (1s to 1d, varied by ±25 %) until SIGTERM or SIGINT')
            [CompletionResult]::new('--metrics-listen', '--metrics-listen', [CompletionResultType]::ParameterName, 'With --interval: serve Prometheus metrics on http://ADDRESS/metrics and liveness on /healthz (failing once the daemon has not moved for three intervals, or twice the longest step). ADDRESS is HOST:PORT, [IPv6]:PORT, or :PORT for every IPv4 interface')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of every command: text for Orchestrator''s log, json for scripts')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be done; send nothing, write nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orc-vitess-hook;history' {
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'The recovery log to read')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records since WHEN: a duration ago (24h, 30m, 7d) or an RFC 3339 time')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only records until WHEN: a duration ago or an RFC 3339 time')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Only failovers of this shard: keyspace.shard, keyspace/shard, or an Orchestrator cluster')
            [CompletionResult]::new('--outcome', '--outcome', [CompletionResultType]::ParameterName, 'Only failovers that ended with this outcome: ok, failed, rejected, superseded, duplicate')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'How many failovers to show, the newest, 1 to 100000')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of every command: text for Orchestrator''s log, json for scripts')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit 1 when a shard''s last settled failover did not end well, naming it')
            [CompletionResult]::new('--rotated', '--rotated', [CompletionResultType]::ParameterName, 'Read the log''s rotated siblings too, oldest first: FILE.1, FILE.2.gz, FILE-20261207(.gz)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'After the table, show each failover again as its records are appended, until SIGTERM or SIGINT; a rotated log is followed into the new file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orc-vitess-hook;help' {
            [CompletionResult]::new('reparent', 'reparent', [CompletionResultType]::ParameterValue, 'Record a failover and make its successor the shard primary in Vitess')
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record an Orchestrator event in the recovery log, from any other hook; no network')
            [CompletionResult]::new('orchestrator-config', 'orchestrator-config', [CompletionResultType]::ParameterValue, 'Print the orchestrator.conf.json keys that run this tool, or merge them into a file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Preflight: settings, every vtctld (TLS, auth, APIs, round trip), a tablet, the log')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'Register vtctld''s tablets with Orchestrator: instances, promotion rules, cluster aliases')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Finish a failover whose hook was lost; never undo a newer one')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show the failovers the recovery log holds, newest last; --check for monitoring')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orc-vitess-hook;help;reparent' {
            break
        }
        'orc-vitess-hook;help;record' {
            break
        }
        'orc-vitess-hook;help;orchestrator-config' {
            break
        }
        'orc-vitess-hook;help;check' {
            break
        }
        'orc-vitess-hook;help;discover' {
            break
        }
        'orc-vitess-hook;help;reconcile' {
            break
        }
        'orc-vitess-hook;help;history' {
            break
        }
        'orc-vitess-hook;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
