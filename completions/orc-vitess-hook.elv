
use builtin;
use str;

set edit:completion:arg-completer[orc-vitess-hook] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'orc-vitess-hook'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'orc-vitess-hook'= {
            cand --output 'Output format of every command: text for Orchestrator''s log, json for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand reparent 'Record a failover and make its successor the shard primary in Vitess'
            cand record 'Record an Orchestrator event in the recovery log, from any other hook; no network'
            cand orchestrator-config 'Print the orchestrator.conf.json keys that run this tool, or merge them into a file'
            cand check 'Preflight: settings, every vtctld (TLS, auth, APIs, round trip), a tablet, the log'
            cand discover 'Register vtctld''s tablets with Orchestrator: instances, promotion rules, cluster aliases'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'orc-vitess-hook;reparent'= {
            cand --failure-type 'Analysis code: DeadMaster, DeadCoMaster, DeadPrimary, ... ({failureType})'
            cand --instance-type 'master, co-master or intermediate-master ({instanceType})'
            cand --is-master 'Whether the failed instance was a master: true or false ({isMaster})'
            cand --is-co-master 'Whether the failed instance was a co-master: true or false ({isCoMaster})'
            cand --failure-description 'Free-text description of the failure ({failureDescription})'
            cand --command 'Command hint: graceful-master-takeover, force-master-failover, ... ({command})'
            cand --failed-host 'Host of the failed instance ({failedHost})'
            cand --failed-port 'Port of the failed instance, 1-65535 ({failedPort})'
            cand --failure-cluster 'Cluster name ({failureCluster})'
            cand --failure-cluster-alias 'Cluster alias; keyspace.shard in Vitess ({failureClusterAlias})'
            cand --failure-cluster-domain 'Cluster domain ({failureClusterDomain})'
            cand --count-replicas 'Number of replicas of the failed instance ({countReplicas})'
            cand --count-lost-replicas 'Number of replicas lost in the recovery ({countLostReplicas}; no variable)'
            cand --is-downtimed 'Whether the failed instance was downtimed: true or false ({isDowntimed})'
            cand --auto-master-recovery 'Whether automated master recovery was on: true or false ({autoMasterRecovery})'
            cand --auto-intermediate-master-recovery 'Whether automated intermediate-master recovery was on ({autoIntermediateMasterRecovery})'
            cand --orchestrator-host 'Host running Orchestrator ({orchestratorHost})'
            cand --recovery-uid 'Unique id of this recovery ({recoveryUID})'
            cand --is-successful 'Whether a successor was promoted: true or false ({isSuccessful})'
            cand --lost-replicas 'Comma-separated host:port list of lost replicas ({lostReplicas})'
            cand --replica-hosts 'Comma-separated host:port list of the replicas ({replicaHosts})'
            cand --successor-host 'Host of the promoted instance ({successorHost})'
            cand --successor-port 'MySQL port of the promoted instance, 1-65535 ({successorPort})'
            cand --successor-alias 'Tablet alias of the promoted instance, e.g. zone1-0000000101 ({successorAlias})'
            cand --successor-binlog-coordinates 'Binary log coordinates of the successor, file:pos ({successorBinlogCoordinates})'
            cand --log-file 'File the records are appended to; its directory is created 0750 if missing'
            cand --log-format 'Record format'
            cand --fsync 'fsync the log after each record'
            cand --server 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation'
            cand --api 'Which vtctld API to call'
            cand --deadline 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)'
            cand --attempt-timeout 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout'
            cand --connect-timeout 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS'
            cand --tls-ca 'PEM file of the CA that signed vtctld''s certificate (turns TLS on)'
            cand --tls-cert 'PEM client certificate for mutual TLS (with --tls-key)'
            cand --tls-key 'PEM private key of the client certificate (with --tls-cert)'
            cand --tls-server-name 'Server name expected in vtctld''s certificate (turns TLS on)'
            cand --auth-static-creds 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others'
            cand --allow-type 'Tablet types besides REPLICA that may be made primary (e.g. RDONLY); repeat or comma-separate'
            cand --verify-alias 'Accepted for old command lines; the successor is always verified now'
            cand --dry-run 'Validate everything, check the log can be appended to, print the planned record and RPC; write nothing, connect nowhere. Command line only: ORC_VITESS_HOOK_DRY_RUN is ignored with a warning, so a dry run left in a unit file never turns failovers into no-ops'
            cand --output 'Output format of every command: text for Orchestrator''s log, json for scripts'
            cand --allow-unverified-alias 'Where vtctld cannot prove the successor (a cell it cannot read, a choice the never-strict legacy listing cannot prove, an old vtctl that cannot list tablets), send the listing''s choice or Orchestrator''s alias anyway, recorded as unverified. Command line only; never a tablet a listing shows to be the failed primary, nor one a listing contradicts'
            cand --allow-placeholders 'Run although an identifying value ({failureType}, {failedHost}, ...) is a literal, unsubstituted placeholder, which means Orchestrator did not run this line. Command line only'
            cand -v 'Also print the log lines vtctld streams back (legacy API)'
            cand --verbose 'Also print the log lines vtctld streams back (legacy API)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orc-vitess-hook;record'= {
            cand --hook 'The Orchestrator hook list this runs from, without "Processes" (e.g. PreFailover)'
            cand --failure-type 'Analysis code: DeadMaster, DeadCoMaster, DeadPrimary, ... ({failureType})'
            cand --instance-type 'master, co-master or intermediate-master ({instanceType})'
            cand --is-master 'Whether the failed instance was a master: true or false ({isMaster})'
            cand --is-co-master 'Whether the failed instance was a co-master: true or false ({isCoMaster})'
            cand --failure-description 'Free-text description of the failure ({failureDescription})'
            cand --command 'Command hint: graceful-master-takeover, force-master-failover, ... ({command})'
            cand --failed-host 'Host of the failed instance ({failedHost})'
            cand --failed-port 'Port of the failed instance, 1-65535 ({failedPort})'
            cand --failure-cluster 'Cluster name ({failureCluster})'
            cand --failure-cluster-alias 'Cluster alias; keyspace.shard in Vitess ({failureClusterAlias})'
            cand --failure-cluster-domain 'Cluster domain ({failureClusterDomain})'
            cand --count-replicas 'Number of replicas of the failed instance ({countReplicas})'
            cand --count-lost-replicas 'Number of replicas lost in the recovery ({countLostReplicas}; no variable)'
            cand --is-downtimed 'Whether the failed instance was downtimed: true or false ({isDowntimed})'
            cand --auto-master-recovery 'Whether automated master recovery was on: true or false ({autoMasterRecovery})'
            cand --auto-intermediate-master-recovery 'Whether automated intermediate-master recovery was on ({autoIntermediateMasterRecovery})'
            cand --orchestrator-host 'Host running Orchestrator ({orchestratorHost})'
            cand --recovery-uid 'Unique id of this recovery ({recoveryUID})'
            cand --is-successful 'Whether a successor was promoted: true or false ({isSuccessful})'
            cand --lost-replicas 'Comma-separated host:port list of lost replicas ({lostReplicas})'
            cand --replica-hosts 'Comma-separated host:port list of the replicas ({replicaHosts})'
            cand --successor-host 'Host of the promoted instance ({successorHost})'
            cand --successor-port 'MySQL port of the promoted instance, 1-65535 ({successorPort})'
            cand --successor-alias 'Tablet alias of the promoted instance, e.g. zone1-0000000101 ({successorAlias})'
            cand --successor-binlog-coordinates 'Binary log coordinates of the successor, file:pos ({successorBinlogCoordinates})'
            cand --log-file 'File the records are appended to; its directory is created 0750 if missing'
            cand --log-format 'Record format'
            cand --fsync 'fsync the log after each record'
            cand --lock-wait 'How long the record may wait for the log''s lock, 10ms to 10s (a Pre* hook holds the recovery while it waits)'
            cand --strict 'Exit with the usual statuses (65, 74, 78) instead of always 0'
            cand --output 'Output format of every command: text for Orchestrator''s log, json for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orc-vitess-hook;orchestrator-config'= {
            cand --server 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation'
            cand --api 'Which vtctld API to call'
            cand --deadline 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)'
            cand --attempt-timeout 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout'
            cand --connect-timeout 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS'
            cand --tls-ca 'PEM file of the CA that signed vtctld''s certificate (turns TLS on)'
            cand --tls-cert 'PEM client certificate for mutual TLS (with --tls-key)'
            cand --tls-key 'PEM private key of the client certificate (with --tls-cert)'
            cand --tls-server-name 'Server name expected in vtctld''s certificate (turns TLS on)'
            cand --auth-static-creds 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others'
            cand --log-file 'File the records are appended to; its directory is created 0750 if missing'
            cand --log-format 'Record format'
            cand --fsync 'fsync the log after each record'
            cand --mysql-flavor 'The MySQL the fleet runs, for DetectSemiSyncEnforcedQuery'
            cand --merge 'Print this orchestrator.conf.json with the keys merged in'
            cand --binary 'The executable Orchestrator runs the hook by: a path, or a name looked up on PATH; written absolute (default: this binary, as it was run)'
            cand --output 'Output format of every command: text for Orchestrator''s log, json for scripts'
            cand --all-hooks 'Also record every other hook list''s events (`record --hook NAME`)'
            cand --legacy-metadata-queries 'Also emit the Detect*Query keys reading _vt.local_metadata (Vitess before v16 only)'
            cand --in-place 'Replace the --merge FILE atomically instead of printing; the old one stays as FILE.bak'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orc-vitess-hook;check'= {
            cand --server 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation'
            cand --api 'Which vtctld API to call'
            cand --deadline 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)'
            cand --attempt-timeout 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout'
            cand --connect-timeout 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS'
            cand --tls-ca 'PEM file of the CA that signed vtctld''s certificate (turns TLS on)'
            cand --tls-cert 'PEM client certificate for mutual TLS (with --tls-key)'
            cand --tls-key 'PEM private key of the client certificate (with --tls-cert)'
            cand --tls-server-name 'Server name expected in vtctld''s certificate (turns TLS on)'
            cand --auth-static-creds 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others'
            cand --log-file 'File the records are appended to; its directory is created 0750 if missing'
            cand --log-format 'Record format'
            cand --fsync 'fsync the log after each record'
            cand --allow-type 'Tablet types besides REPLICA that may be made primary (e.g. RDONLY); repeat or comma-separate'
            cand --tablet 'Also say whether reparent would make this tablet primary were its shard''s primary to fail'
            cand --orc-api-url 'Orchestrator''s API root, e.g. http://orchestrator:3000/api/'
            cand --orc-api-user 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)'
            cand --orc-api-password-file 'File holding the basic auth password (one line)'
            cand --orc-api-tls-ca 'PEM file of the CA that signed Orchestrator''s certificate (https URLs)'
            cand --orc-timeout 'Bound on one call to the API, 10ms to 1h'
            cand --output 'Output format of every command: text for Orchestrator''s log, json for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orc-vitess-hook;discover'= {
            cand --server 'vtctld gRPC address HOST:PORT; repeat (or comma-separate) for several, tried in rotation'
            cand --api 'Which vtctld API to call'
            cand --deadline 'Bound on the whole run, 10ms to 1h: connects, attempts and back-off (e.g. 60s, 1m30s)'
            cand --attempt-timeout 'Bound on one call, 10ms to 1h, never beyond the remaining deadline; sent as the legacy action_timeout'
            cand --connect-timeout 'Bound on one connection attempt, 10ms to 10m: name resolution, TCP and TLS'
            cand --tls-ca 'PEM file of the CA that signed vtctld''s certificate (turns TLS on)'
            cand --tls-cert 'PEM client certificate for mutual TLS (with --tls-key)'
            cand --tls-key 'PEM private key of the client certificate (with --tls-cert)'
            cand --tls-server-name 'Server name expected in vtctld''s certificate (turns TLS on)'
            cand --auth-static-creds 'Vitess static auth JSON file {"Username": ..., "Password": ...}; must not be readable by others'
            cand --orc-api-url 'Orchestrator''s API root, e.g. http://orchestrator:3000/api/'
            cand --orc-api-user 'Basic auth user (the password from --orc-api-password-file or ORC_VITESS_HOOK_ORC_API_PASSWORD)'
            cand --orc-api-password-file 'File holding the basic auth password (one line)'
            cand --orc-api-tls-ca 'PEM file of the CA that signed Orchestrator''s certificate (https URLs)'
            cand --orc-timeout 'Bound on one call to the API, 10ms to 1h'
            cand --keyspace 'Only this keyspace''s tablets'
            cand --shard 'Only this shard''s tablets (with --keyspace)'
            cand --cell 'Only tablets of these cells; repeat or comma-separate'
            cand --promotion-rule 'A tablet type''s promotion rule (prefer, neutral, prefer_not, must_not), e.g. REPLICA=prefer; repeat or comma-separate'
            cand --concurrency 'Calls to Orchestrator at once, 1 to 256'
            cand --interval 'Repeat every DURATION (varied by ±25 %) until SIGTERM/SIGINT, logging only changes'
            cand --candidate-expiry 'Orchestrator''s CandidateInstanceExpireMinutes, as a duration: a longer interval lets promotion rules expire, and is warned about'
            cand --forget-after 'With --forget-missing: forget only an instance Orchestrator''s own checks have not reached for at least DURATION (its IsLastCheckValid and SecondsSinceLastSeen)'
            cand --forget-max-shrink 'With --forget-missing and --interval: forget nothing in a pass whose tablet list shrank by more than PERCENT since the previous pass'
            cand --output 'Output format of every command: text for Orchestrator''s log, json for scripts'
            cand --forget-missing 'Forget instances of clusters carrying our keyspace.shard aliases that are no longer a tablet and that Orchestrator has not reached for --forget-after (never a cluster''s last instance; not with --cell; nothing after a failed step)'
            cand --dry-run 'List what would be registered (instance, rule, alias); no call to Orchestrator'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orc-vitess-hook;help'= {
            cand reparent 'Record a failover and make its successor the shard primary in Vitess'
            cand record 'Record an Orchestrator event in the recovery log, from any other hook; no network'
            cand orchestrator-config 'Print the orchestrator.conf.json keys that run this tool, or merge them into a file'
            cand check 'Preflight: settings, every vtctld (TLS, auth, APIs, round trip), a tablet, the log'
            cand discover 'Register vtctld''s tablets with Orchestrator: instances, promotion rules, cluster aliases'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'orc-vitess-hook;help;reparent'= {
        }
        &'orc-vitess-hook;help;record'= {
        }
        &'orc-vitess-hook;help;orchestrator-config'= {
        }
        &'orc-vitess-hook;help;check'= {
        }
        &'orc-vitess-hook;help;discover'= {
        }
        &'orc-vitess-hook;help;help'= {
        }
    ]
    $completions[$command]
}
