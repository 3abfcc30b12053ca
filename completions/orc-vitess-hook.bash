_orc__vitess__hook() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="orc__vitess__hook"
                ;;
            orc__vitess__hook,check)
                cmd="orc__vitess__hook__subcmd__check"
                ;;
            orc__vitess__hook,discover)
                cmd="orc__vitess__hook__subcmd__discover"
                ;;
            orc__vitess__hook,help)
                cmd="orc__vitess__hook__subcmd__help"
                ;;
            orc__vitess__hook,history)
                cmd="orc__vitess__hook__subcmd__history"
                ;;
            orc__vitess__hook,orchestrator-config)
                cmd="orc__vitess__hook__subcmd__orchestrator__subcmd__config"
                ;;
            orc__vitess__hook,reconcile)
                cmd="orc__vitess__hook__subcmd__reconcile"
                ;;
            orc__vitess__hook,record)
                cmd="orc__vitess__hook__subcmd__record"
                ;;
            orc__vitess__hook,reparent)
                cmd="orc__vitess__hook__subcmd__reparent"
                ;;
            orc__vitess__hook__subcmd__help,check)
                cmd="orc__vitess__hook__subcmd__help__subcmd__check"
                ;;
            orc__vitess__hook__subcmd__help,discover)
                cmd="orc__vitess__hook__subcmd__help__subcmd__discover"
                ;;
            orc__vitess__hook__subcmd__help,help)
                cmd="orc__vitess__hook__subcmd__help__subcmd__help"
                ;;
            orc__vitess__hook__subcmd__help,history)
                cmd="orc__vitess__hook__subcmd__help__subcmd__history"
                ;;
            orc__vitess__hook__subcmd__help,orchestrator-config)
                cmd="orc__vitess__hook__subcmd__help__subcmd__orchestrator__subcmd__config"
                ;;
            orc__vitess__hook__subcmd__help,reconcile)
                cmd="orc__vitess__hook__subcmd__help__subcmd__reconcile"
                ;;
            orc__vitess__hook__subcmd__help,record)
                cmd="orc__vitess__hook__subcmd__help__subcmd__record"
                ;;
            orc__vitess__hook__subcmd__help,reparent)
                cmd="orc__vitess__hook__subcmd__help__subcmd__reparent"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        orc__vitess__hook)
            opts="-h -V --output --help --version reparent record orchestrator-config check discover reconcile history help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__check)
            opts="-h -V --server --api --deadline --attempt-timeout --connect-timeout --tls-ca --tls-cert --tls-key --tls-server-name --auth-static-creds --log-file --log-format --fsync --metrics-textfile --allow-type --tablet --orc-api-url --orc-api-user --orc-api-password-file --orc-api-tls-ca --orc-timeout --output --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --api)
                    COMPREPLY=($(compgen -W "auto vtctld vtctl" -- "${cur}"))
                    return 0
                    ;;
                --deadline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --attempt-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-cert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auth-static-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --fsync)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --metrics-textfile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allow-type)
                    COMPREPLY=($(compgen -W "RDONLY SPARE EXPERIMENTAL BACKUP RESTORE DRAINED" -- "${cur}"))
                    return 0
                    ;;
                --tablet)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-tls-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__discover)
            opts="-h -V --server --api --deadline --attempt-timeout --connect-timeout --tls-ca --tls-cert --tls-key --tls-server-name --auth-static-creds --orc-api-url --orc-api-user --orc-api-password-file --orc-api-tls-ca --orc-timeout --keyspace --shard --cell --promotion-rule --concurrency --interval --metrics-listen --candidate-expiry --forget-missing --forget-after --forget-max-shrink --dry-run --output --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --api)
                    COMPREPLY=($(compgen -W "auto vtctld vtctl" -- "${cur}"))
                    return 0
                    ;;
                --deadline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --attempt-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-cert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auth-static-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-tls-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --keyspace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --shard)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cell)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --promotion-rule)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --concurrency)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metrics-listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --candidate-expiry)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --forget-after)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --forget-max-shrink)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__help)
            opts="reparent record orchestrator-config check discover reconcile history help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__help__subcmd__discover)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__help__subcmd__history)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__help__subcmd__orchestrator__subcmd__config)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__help__subcmd__reconcile)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__help__subcmd__record)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__help__subcmd__reparent)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__history)
            opts="-h -V --log-file --since --until --cluster --outcome --last --check --rotated --follow --output --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --outcome)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --last)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__orchestrator__subcmd__config)
            opts="-h -V --server --api --deadline --attempt-timeout --connect-timeout --tls-ca --tls-cert --tls-key --tls-server-name --auth-static-creds --log-file --log-format --fsync --metrics-textfile --all-hooks --legacy-metadata-queries --mysql-flavor --merge --in-place --binary --output --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --api)
                    COMPREPLY=($(compgen -W "auto vtctld vtctl" -- "${cur}"))
                    return 0
                    ;;
                --deadline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --attempt-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-cert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auth-static-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --fsync)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --metrics-textfile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --mysql-flavor)
                    COMPREPLY=($(compgen -W "mysql mariadb" -- "${cur}"))
                    return 0
                    ;;
                --merge)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --binary)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__reconcile)
            opts="-h -V --server --api --deadline --attempt-timeout --connect-timeout --tls-ca --tls-cert --tls-key --tls-server-name --auth-static-creds --orc-api-url --orc-api-user --orc-api-password-file --orc-api-tls-ca --orc-timeout --log-file --log-format --fsync --metrics-textfile --allow-type --keyspace --shard --settle --interval --metrics-listen --dry-run --output --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --api)
                    COMPREPLY=($(compgen -W "auto vtctld vtctl" -- "${cur}"))
                    return 0
                    ;;
                --deadline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --attempt-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-cert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auth-static-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-tls-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --fsync)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --metrics-textfile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allow-type)
                    COMPREPLY=($(compgen -W "RDONLY SPARE EXPERIMENTAL BACKUP RESTORE DRAINED" -- "${cur}"))
                    return 0
                    ;;
                --keyspace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --shard)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --settle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metrics-listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__record)
            opts="-h -V --hook --failure-type --instance-type --is-master --is-co-master --failure-description --command --failed-host --failed-port --failure-cluster --failure-cluster-alias --failure-cluster-domain --count-replicas --count-lost-replicas --is-downtimed --auto-master-recovery --auto-intermediate-master-recovery --orchestrator-host --recovery-uid --is-successful --lost-replicas --replica-hosts --successor-host --successor-port --successor-alias --successor-binlog-coordinates --log-file --log-format --fsync --metrics-textfile --lock-wait --strict --output --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --hook)
                    COMPREPLY=($(compgen -W "OnFailureDetection PreFailover PostFailover PostUnsuccessfulFailover PostMasterFailover PostIntermediateMasterFailover PreGracefulTakeover PostGracefulTakeover" -- "${cur}"))
                    return 0
                    ;;
                --failure-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --instance-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --is-master)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --is-co-master)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failure-description)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --command)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failed-host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failed-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failure-cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failure-cluster-alias)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failure-cluster-domain)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count-replicas)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count-lost-replicas)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --is-downtimed)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auto-master-recovery)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auto-intermediate-master-recovery)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orchestrator-host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --recovery-uid)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --is-successful)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lost-replicas)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --replica-hosts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --successor-host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --successor-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --successor-alias)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --successor-binlog-coordinates)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --fsync)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --metrics-textfile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --strict)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        orc__vitess__hook__subcmd__reparent)
            opts="-v -h -V --failure-type --instance-type --is-master --is-co-master --failure-description --command --failed-host --failed-port --failure-cluster --failure-cluster-alias --failure-cluster-domain --count-replicas --count-lost-replicas --is-downtimed --auto-master-recovery --auto-intermediate-master-recovery --orchestrator-host --recovery-uid --is-successful --lost-replicas --replica-hosts --successor-host --successor-port --successor-alias --successor-binlog-coordinates --log-file --log-format --fsync --metrics-textfile --server --api --deadline --attempt-timeout --connect-timeout --tls-ca --tls-cert --tls-key --tls-server-name --auth-static-creds --allow-type --orc-api-url --orc-api-user --orc-api-password-file --orc-api-tls-ca --orc-timeout --verify-alias --allow-unverified-alias --allow-placeholders --dry-run --verbose --output --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --failure-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --instance-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --is-master)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --is-co-master)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failure-description)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --command)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failed-host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failed-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failure-cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failure-cluster-alias)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --failure-cluster-domain)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count-replicas)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count-lost-replicas)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --is-downtimed)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auto-master-recovery)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auto-intermediate-master-recovery)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orchestrator-host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --recovery-uid)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --is-successful)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lost-replicas)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --replica-hosts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --successor-host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --successor-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --successor-alias)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --successor-binlog-coordinates)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --fsync)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --metrics-textfile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --api)
                    COMPREPLY=($(compgen -W "auto vtctld vtctl" -- "${cur}"))
                    return 0
                    ;;
                --deadline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --attempt-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-cert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auth-static-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allow-type)
                    COMPREPLY=($(compgen -W "RDONLY SPARE EXPERIMENTAL BACKUP RESTORE DRAINED" -- "${cur}"))
                    return 0
                    ;;
                --orc-api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-api-tls-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --orc-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verify-alias)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _orc__vitess__hook -o nosort -o bashdefault -o default orc-vitess-hook
else
    complete -F _orc__vitess__hook -o bashdefault -o default orc-vitess-hook
fi
