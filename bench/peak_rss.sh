#!/usr/bin/env bash
# Peak memory of a command with all its processes (ocrflow, its worker
# processes, PP-OCR's node workers): the summed RSS of the command and its
# descendants, sampled every 0.5 s. `/usr/bin/time -v` reports the largest
# single process only.
#
#   bench/peak_rss.sh LOG -- COMMAND [ARGS...]
#
# Prints and appends to LOG: "rc N peak_rss_mb N wall_s N".
set -u
log=$1
shift
[ "${1:-}" = "--" ] && shift
start=$(date +%s.%N)
"$@" &
pid=$!
peak=0
descendants() {
  local p=$1
  echo "$p"
  for c in $(pgrep -P "$p"); do descendants "$c"; done
}
while kill -0 "$pid" 2>/dev/null; do
  sum=0
  for p in $(descendants "$pid"); do
    r=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null)
    sum=$((sum + ${r:-0}))
  done
  ((sum > peak)) && peak=$sum
  sleep 0.5
done
wait "$pid"
rc=$?
end=$(date +%s.%N)
echo "rc $rc peak_rss_mb $((peak / 1024)) wall_s $(echo "$end - $start" | bc)" | tee -a "$log"
exit $rc
