#!/usr/bin/env bash
# The cost of the archive formats (`--format txt,alto,hocr,pdf`,
# docs/formats.md) against `--format txt`, on the same pages in the same
# session, run in turns (ABAB...) so that a busy machine weighs on both alike.
#
#   bench/formats_cost.sh [--pages DIR] [--rounds N] [--jobs N] [--build DIR] [--work DIR]
#
# Defaults: samples/pages, 3 rounds, --jobs 1, build/, /tmp/ocrflow-formats-bench.
# Prints per mode the median wall and CPU seconds (user+sys, the PP-OCR
# worker processes included) and the ratio. The .txt of both modes must be
# the same (the formats change nothing in it); the script fails otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=samples/pages rounds=3 jobs=1 build=build work=/tmp/ocrflow-formats-bench
while (($#)); do
  case "$1" in
    --pages) pages=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "formats_cost: unknown argument $1" >&2; exit 2 ;;
  esac
done
bin=$build/ocrflow
[ -x "$bin" ] || { echo "formats_cost: no $bin (build first)" >&2; exit 2; }
mkdir -p "$work"
: > "$work/times"
for ((r = 1; r <= rounds; r++)); do
  for mode in txt all; do
    formats=txt
    [ "$mode" = all ] && formats=txt,alto,hocr,pdf
    rm -rf "${work:?}/$mode"
    /usr/bin/time -f "$mode %e %U %S" -a -o "$work/times" \
      "$bin" run "$pages" -o "$work/$mode" --format "$formats" -q --jobs "$jobs"
  done
  for t in "$work"/txt/*.txt; do
    cmp -s "$t" "$work/all/$(basename "$t")" || { echo "formats_cost: $(basename "$t") differs (round $r)" >&2; exit 1; }
  done
done
python3 - "$work/times" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
res = {}
for mode in ("txt", "all"):
    w = [float(r[1]) for r in rows if r[0] == mode]
    c = [float(r[2]) + float(r[3]) for r in rows if r[0] == mode]
    res[mode] = (statistics.median(w), statistics.median(c))
    print(f"{mode:4s} runs {len(w)}  wall {res[mode][0]:6.2f} s  cpu {res[mode][1]:6.2f} s   walls {w}  cpus {c}")
print(f"txt,alto,hocr,pdf / txt: wall x{res['all'][0]/res['txt'][0]:.3f}, cpu x{res['all'][1]/res['txt'][1]:.3f}")
PY
