#!/usr/bin/env bash
# What the watch daemon costs with two builds of ocrflow (A and B: before
# and after a change), on the same pages in the same session: `ocrflow
# watch INBOX -o CORPUS --once --jobs J` with each in turns (ABAB...), so
# that a busy machine weighs on both alike.
#
#   bench/watch_once_cost.sh --a BIN --b BIN [--pages DIR] [--rounds N] [--jobs N] [--work DIR] [-- WATCH ARGS...]
#
# Defaults: samples/pages, 3 rounds, --jobs 2, /tmp/ocrflow-watch-once-bench.
# Each run starts from an empty corpus (no state: every page is OCR'd).
# Prints per build the median wall seconds and CPU seconds (user+sys, the
# worker processes included: the daemon reaps them) of a run, and B / A.
# The outputs of A and B (every file in the corpus but the manifest and the
# state, which hold times) must be the same; the script fails otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/ab_cost.sh
a="" b="" pages=samples/pages rounds=3 jobs=2 work=/tmp/ocrflow-watch-once-bench extra=()
while (($#)); do
  case "$1" in
    --a) a=$2; shift 2 ;;
    --b) b=$2; shift 2 ;;
    --pages) pages=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "watch_once_cost: unknown argument $1" >&2; exit 2 ;;
  esac
done
ab_name=watch_once_cost
[ -x "$a" ] && [ -x "$b" ] || ab_fail "give two ocrflow binaries: --a BIN --b BIN" 2
n=$(ab_page_files "$pages" | wc -l)
mkdir -p "$work"
: > "$work/times"
for ((r = 1; r <= rounds; r++)); do
  for mode in a b; do
    bin=${!mode}
    rm -rf "${work:?}/$mode" "$work/inbox"
    mkdir -p "$work/inbox"
    ab_page_files "$pages" | xargs -d '\n' -r cp -t "$work/inbox/"
    /usr/bin/time -f "$mode %e %U %S" -a -o "$work/times" \
      "$bin" watch "$work/inbox" -o "$work/$mode" --once --jobs "$jobs" --settle 0 "${extra[@]}" 2> "$work/$mode.log"
  done
  diff -r -x manifest.jsonl -x .ocrflow "$work/a" "$work/b" > /dev/null || ab_fail "the outputs differ (round $r)"
done
ab_report a b
