#!/usr/bin/env bash
# The Slurm route end to end, on a real single-node Slurm started here
# (docs/cluster.md): munged, slurmctld and slurmd on localhost with their
# config, keys, state and logs in a temporary folder; a 2-task array of
# scripts/slurm/ocrflow-array.sbatch over the bundled sample pages; the
# shard manifests merged; every output and the merged manifest byte-identical
# to one `ocrflow run --manifest` of the same inputs. The daemons are stopped
# on every exit.
#
#   tests/e2e/slurm_array_test.sh BUILD/ocrflow
#
# Exit 77 (ctest: skipped) when Slurm cannot start here: not root, slurm-wlm
# or munge not installed (scripts/setup.sh installs them), a daemon that does
# not come up; the reason is printed. Set OCRFLOW_SLURM_REQUIRED=1 to make
# those a failure instead (exit 1).
set -uo pipefail

bin=${1:?usage: $0 PATH/TO/ocrflow}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
repo=$(cd "$(dirname "$0")/../.." && pwd)

skip() {
  echo "SKIP: $*" >&2
  if [ "${OCRFLOW_SLURM_REQUIRED:-0}" = 1 ]; then exit 1; fi
  exit 77
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || skip "not root: slurmd must run as root to start jobs"
for t in munged slurmctld slurmd sbatch squeue scontrol; do
  command -v "$t" >/dev/null || skip "$t not found (apt-get install slurm-wlm munge; scripts/setup.sh does)"
done

tmp=$(mktemp -d /tmp/ocrflow-slurm.XXXXXX)
chmod 700 "$tmp"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  if [ "${OCRFLOW_SLURM_KEEP:-0}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
dump_logs() {
  local f
  for f in "$tmp"/log/*; do echo "--- $f" >&2; tail -n 30 "$f" >&2; done
}

# Two free TCP ports for slurmctld and slurmd (never the defaults: a Slurm
# of the machine's own may be there).
read -r ctld_port slurmd_port < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
) || skip "could not find free ports"

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$tmp"/{munge,state,spool,log,in,single,sharded}

# munge: a key of our own, its socket in the temp folder.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
munged --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.sock" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/log/munged.log" --seed-file="$tmp/munge/munged.seed" \
  || skip "munged did not start: $(tail -n 3 "$tmp/log/munged.log" 2>/dev/null)"
pids+=("$(cat "$tmp/munge/munged.pid")")

cat >"$tmp/slurm.conf" <<CONF
ClusterName=ocrflowci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tmp/slurm.conf

slurmctld -D -i -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)

# Up when the node is idle (slurmd registered with slurmctld).
up=0
for _ in $(seq 150); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -n 1)
  if [ "$state" = idle ]; then up=1; break; fi
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || { dump_logs; skip "a Slurm daemon exited at start (logs above)"; }; done
  sleep 0.2
done
[ "$up" = 1 ] || { dump_logs; skip "the node did not become idle in 30 s (state: ${state:-none}; logs above)"; }

# Inputs: the bundled pages, under names that fall in both shards of 2
# (checked below from the shard manifests).
cp "$repo/samples/pages/en-2col-001.png" "$tmp/in/page-1.png"
cp "$repo/samples/pages/zh-clean-001.png" "$tmp/in/page-2.png"
cp "$repo/samples/pages/zh-scan-001.jpg" "$tmp/in/page-3.jpg"
run_opts=(--engine tesseract --format txt,json)

cd "$tmp" || exit 1
# --array=1-2, not 0-1: the script must map task IDs to shards from
# SLURM_ARRAY_TASK_MIN (K = ID - MIN), not take the ID as K.
OCRFLOW=$bin timeout 240 sbatch --wait --parsable --array=1-2 --cpus-per-task=1 --chdir="$tmp" \
  --output="$tmp/log/task-%a.log" "$repo/scripts/slurm/ocrflow-array.sbatch" "$tmp/in" "$tmp/sharded" "${run_opts[@]}" \
  >"$tmp/log/sbatch.out" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  dump_logs
  fail "sbatch --wait exited $rc (task logs above)"
fi

for k in 0 1; do
  m="$tmp/sharded/manifest.$k-of-2.jsonl"
  [ -s "$m" ] || { dump_logs; fail "shard $k wrote no manifest lines ($m)"; }
  grep -q "shard $k of 2" "$tmp/log/task-$((k + 1)).log" || { dump_logs; fail "task $((k + 1)) did not run shard $k/2"; }
done
"$bin" manifest merge "$tmp/sharded" --inputs "$tmp/in" || fail "manifest merge reported problems"

"$bin" run "$tmp/in" -o "$tmp/single" --manifest "${run_opts[@]}" -q || fail "the single run failed"
for f in "$tmp"/single/*; do
  name=$(basename "$f")
  cmp "$f" "$tmp/sharded/$name" || fail "$name differs between the single run and the merged shards"
done
extra=$(cd "$tmp/sharded" && ls | grep -v -e '^manifest\.[0-9]*-of-2\.jsonl$' | while read -r n; do [ -e "$tmp/single/$n" ] || echo "$n"; done)
[ -z "$extra" ] || fail "the shards wrote files the single run did not: $extra"
[ "$(wc -l <"$tmp/single/manifest.jsonl")" -eq 3 ] || fail "the single run's manifest should have 3 lines"
echo "PASS: 2-task Slurm array == one run ($(ls "$tmp/single" | wc -l) files byte-identical)"
