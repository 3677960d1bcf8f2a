#!/usr/bin/env bash
# Throughput of the watch daemon (`ocrflow watch`, docs/watch.md) on
# generated newspaper page scans, per number of workers.
#
#   bench/watch_bench.sh [--count N] [--lang zh|en] [--jobs-list "1 2"] [--build DIR] [--work DIR]
#
# Pages: bench/pagegen --scan (realistic scans: skew, noise, blur, uneven
# light, border, JPEG), N pages made once. For each jobs value J: a fresh
# INBOX and CORPUS, `ocrflow watch INBOX --out CORPUS --jobs J` started and
# left to come up, then every page moved in by rename (as a scanner's ingest
# job would), and the clock runs from the first rename until the state says
# every page is done or failed (`ocrflow status --json`). Prints pages per
# minute per J and the speed-up of the last J over the first.
# The daemon is stopped with SIGTERM (and killed by the exit trap if the
# script fails). Needs a built tree (build/ocrflow, build/bench/pagegen).
set -euo pipefail
cd "$(dirname "$0")/.."
count=8 lang=en jobs_list="1 2" build=build work=/tmp/ocrflow-watch-bench
while (($#)); do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --lang) lang=$2; shift 2 ;;
    --jobs-list) jobs_list=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "watch_bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$lang" in
  zh) tess_lang=chi_sim ;;
  en) tess_lang=eng ;;
  *) echo "watch_bench: --lang is zh or en" >&2; exit 2 ;;
esac
bin=$build/ocrflow gen=$build/bench/pagegen
[ -x "$bin" ] && [ -x "$gen" ] || { echo "watch_bench: build first ($bin, $gen)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "watch_bench: needs python3 (reads status --json)" >&2; exit 2; }

daemon_pid=""
cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -KILL "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run() { echo "+ $*"; "$@"; }
now() { date +%s.%N; }

rm -rf "$work"; mkdir -p "$work"
run "$gen" --out "$work/gen" --count "$count" --lang "$lang" --scan --seed 4242 >/dev/null
mapfile -t pages < <(find "$work/gen" -maxdepth 1 \( -name 'page-*.png' -o -name 'page-*.jpg' \) | sort)
n=${#pages[@]}
((n > 0)) || { echo "watch_bench: pagegen made no pages" >&2; exit 1; }
echo "pages: $n ($lang, pagegen --scan) in $work/gen; OMP_THREAD_LIMIT=1 (one thread per Tesseract engine)"
cores=$(nproc)  # before the export: nproc honours OMP_THREAD_LIMIT
export OMP_THREAD_LIMIT=1
echo "cores: $cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"

# done + failed, from the daemon's state ("" while there is no state yet).
finished() {
  "$bin" status --out "$1" --json 2>/dev/null |
    python3 -c 'import json,sys; c=json.load(sys.stdin)["counts"]; print(c["done"]+c["failed"], c["failed"])' 2>/dev/null || true
}

declare -A ppm
first="" last=""
for j in $jobs_list; do
  inbox=$work/inbox-$j corpus=$work/corpus-$j stage=$work/stage-$j log=$work/watch-$j.log
  mkdir -p "$inbox" "$stage"
  for p in "${pages[@]}"; do cp "$p" "$stage/"; done
  echo "+ $bin watch $inbox --out $corpus --lang $tess_lang --jobs $j 2> $log &"
  "$bin" watch "$inbox" --out "$corpus" --lang "$tess_lang" --jobs "$j" 2>"$log" &
  daemon_pid=$!
  # Wait until it is up (its state database exists), engines loaded or not:
  # the first page pays for the model load either way.
  for _ in $(seq 1 100); do [ -f "$corpus/.ocrflow/state.db" ] && break; sleep 0.1; done
  kill -0 "$daemon_pid" 2>/dev/null || { echo "watch_bench: the daemon exited; see $log" >&2; tail -5 "$log" >&2; exit 1; }
  sleep 1
  t0=$(now)
  for p in "$stage"/*; do mv "$p" "$inbox/"; done
  deadline=$(( $(date +%s) + 600 + 120 * n ))
  # Done inputs are counted from the manifest without starting a process;
  # `ocrflow status` (which also counts failures) runs every 2 s only. Run
  # every 0.2 s, it and python3 took a good part of a core: free at --jobs 1,
  # taken from the workers at --jobs 2 (measured on 8 zh pages: speed-up
  # 1.50x with that poll, 1.70x with this one).
  polls=0 failed=0
  while :; do
    done_lines=0
    [ -f "$corpus/manifest.jsonl" ] && { mapfile -t _lines <"$corpus/manifest.jsonl"; done_lines=${#_lines[@]}; }
    [ "$done_lines" -ge "$n" ] && break
    if (( ++polls % 10 == 0 )); then
      read -r fin failed <<<"$(finished "$corpus")" || true
      [ "${fin:-0}" -ge "$n" ] && break
    fi
    kill -0 "$daemon_pid" 2>/dev/null || { echo "watch_bench: the daemon died; see $log" >&2; tail -5 "$log" >&2; exit 1; }
    (( $(date +%s) < deadline )) || { echo "watch_bench: timed out (${fin:-0} of $n finished)" >&2; exit 1; }
    sleep 0.2
  done
  t1=$(now)
  read -r fin failed <<<"$(finished "$corpus")" || true
  kill -TERM "$daemon_pid"
  wait "$daemon_pid" && rc=0 || rc=$?
  daemon_pid=""
  secs=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  ppm[$j]=$(python3 -c "print(f'{$n * 60 / ($t1 - $t0):.2f}')")
  echo "jobs $j: $n pages ($failed failed) in $secs s = ${ppm[$j]} pages/min (exit $rc after SIGTERM; log $log)"
  [ -n "$first" ] || first=$j
  last=$j
done

if [ "$first" != "$last" ]; then
  ratio=$(python3 -c "print(f'{${ppm[$last]} / ${ppm[$first]}:.2f}')")
  echo "speed-up jobs $last / jobs $first: ${ratio}x ($cores cores; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
fi
