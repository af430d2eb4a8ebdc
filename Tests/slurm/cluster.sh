#!/usr/bin/env bash
# A real one-node Slurm (munge, slurmctld, slurmd) on loopback, for `make test-slurm`.
#   bash Tests/slurm/cluster.sh start DIR   # installs the Debian packages if missing, starts, waits for idle
#   bash Tests/slurm/cluster.sh stop DIR    # cancels what is left, stops the daemons it started
# DIR holds slurm.conf, state, logs and the daemons' pids. Run as root (the daemons need it).
set -euo pipefail
action=${1:?start or stop}
dir=$(realpath -m "${2:?scratch directory}")
host=$(hostname -s)
export SLURM_CONF=$dir/slurm.conf

start() {
    local missing=""
    for package in slurm-wlm slurmctld slurmd slurm-client munge; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing="$missing $package"
    done
    if [ -n "$missing" ]; then
        echo "installing:$missing"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
    fi
    mkdir -p "$dir"/{state,spool,log}

    # munge: the key, its run directory, the daemon as the munge user.
    install -d -o munge -g munge -m0755 /run/munge
    [ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey -c
    if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        runuser -u munge -- /usr/sbin/munged
        echo started > "$dir/munged.started"
    fi

    # The host name must resolve to loopback: the daemons bind there only.
    if [ "$(getent hosts "$host" | awk '{print $1}')" != 127.0.0.1 ]; then
        echo "127.0.0.1 $host # lora-sweep test-slurm" >> /etc/hosts
    fi

    local layout memory
    layout=$(slurmd -C | head -1 | grep -o 'CPUs=.*ThreadsPerCore=[0-9]*')
    memory=$(( $(slurmd -C | head -1 | sed 's/.*RealMemory=\([0-9]*\).*/\1/') * 9 / 10 ))
    cat > "$SLURM_CONF" <<EOF
ClusterName=lora-sweep-test
SlurmctldHost=$host(127.0.0.1)
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
NodeName=$host NodeAddr=127.0.0.1 $layout RealMemory=$memory State=UNKNOWN
PartitionName=cpu Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    slurmctld -f "$SLURM_CONF"
    slurmd -f "$SLURM_CONF"
    for _ in $(seq 1 100); do
        sinfo -h -o %T 2>/dev/null | grep -q '^idle' && { echo "slurm is up: $(sinfo -h -o '%P %D %T %C')"; return 0; }
        sleep 0.2
    done
    echo "slurm did not come up; logs in $dir/log" >&2
    exit 1
}

stop() {
    scancel --user=root 2>/dev/null || true
    for daemon in slurmd slurmctld; do
        [ -s "$dir/$daemon.pid" ] || continue
        pid=$(cat "$dir/$daemon.pid")
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [ -e "$dir/munged.started" ]; then
        pkill -u munge munged 2>/dev/null || true
        rm -f "$dir/munged.started"
    fi
    sed -i '/# lora-sweep test-slurm$/d' /etc/hosts
}

case $action in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
