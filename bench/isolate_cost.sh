#!/usr/bin/env bash
# The cost of `ocrflow run --isolate` (every input in a worker process,
# pipeline/app/worker.h) against the in-process run, on the same pages in
# the same session: the two are run in turns (ABAB...), so that a busy
# machine weighs on both alike.
#
#   bench/isolate_cost.sh [--pages DIR] [--rounds N] [--jobs N] [--build DIR] [--work DIR] [-- RUN ARGS...]
#
# Defaults: samples/pages, 3 rounds, --jobs 1 (2 shows how the page-level
# sharing of the in-process run compares), build/, /tmp/ocrflow-isolate-bench.
# Prints per mode the median wall seconds and CPU seconds (user+sys, worker
# processes included) of a run, per page, and the ratio isolated/in-process.
# The outputs of the two modes must be the same; the script fails otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=samples/pages rounds=3 jobs=1 build=build work=/tmp/ocrflow-isolate-bench extra=()
while (($#)); do
  case "$1" in
    --pages) pages=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "isolate_cost: unknown argument $1" >&2; exit 2 ;;
  esac
done
bin=$build/ocrflow
[ -x "$bin" ] || { echo "isolate_cost: no $bin (build first)" >&2; exit 2; }
n=$(find "$pages" -maxdepth 1 -type f \( -name '*.png' -o -name '*.jpg' -o -name '*.tif' -o -name '*.pdf' \) | wc -l)
mkdir -p "$work"
: > "$work/times"
for ((r = 1; r <= rounds; r++)); do
  for mode in inproc isolate; do
    flag=""
    [ "$mode" = isolate ] && flag=--isolate
    rm -rf "$work/$mode"
    # %e wall, %U+%S CPU of ocrflow and its waited-for children (the workers)
    /usr/bin/time -f "$mode %e %U %S" -a -o "$work/times" \
      "$bin" run "$pages" -o "$work/$mode" --format txt,json -q --jobs "$jobs" $flag "${extra[@]}"
  done
  diff -r "$work/inproc" "$work/isolate" > /dev/null || { echo "isolate_cost: the outputs differ (round $r)" >&2; exit 1; }
done
python3 - "$work/times" "$n" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
pages = int(sys.argv[2])
res = {}
for mode in ("inproc", "isolate"):
    w = [float(r[1]) for r in rows if r[0] == mode]
    c = [float(r[2]) + float(r[3]) for r in rows if r[0] == mode]
    res[mode] = (statistics.median(w), statistics.median(c))
    print(f"{mode:8s} runs {len(w)}  wall {res[mode][0]:6.2f} s ({res[mode][0]/pages:5.2f} s/page)  "
          f"cpu {res[mode][1]:6.2f} s ({res[mode][1]/pages:5.2f} s/page)   walls {w}")
print(f"isolate / inproc: wall x{res['isolate'][0]/res['inproc'][0]:.3f}, cpu x{res['isolate'][1]/res['inproc'][1]:.3f} "
      f"({pages} pages)")
EOF
