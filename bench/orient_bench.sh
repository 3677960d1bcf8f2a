#!/usr/bin/env bash
# Accuracy and CPU cost of the orient stage alone: every page of PAGES_DIR
# is turned 0, 90, 180 and 270 degrees clockwise (ImageMagick) and
# `ocrflow run --stages orient` must turn it back.
#
#   bench/orient_bench.sh PAGES_DIR [--lang chi_sim|eng] [--build DIR] [--work DIR] [--set STAGE.OPTION=VALUE]...
#
# PAGES_DIR: upright page images, e.g. the pages/ of bench/compare_pages.sh's
# work directory. Prints per turn how many pages came back upright, which
# ones did not (what the stage did and its note), and the CPU seconds per
# page of the run (user+sys, OMP_THREAD_LIMIT=1, --jobs 1; decoding included).
set -euo pipefail
cd "$(dirname "$0")/.."
pages="" lang=chi_sim build=build work=/tmp/ocrflow-orient-bench sets=()
while (($#)); do
  case "$1" in
    --lang) lang=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --set) sets+=(--set "$2"); shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) pages=$1; shift ;;
  esac
done
[ -d "$pages" ] || { echo "orient_bench: give a directory of page images" >&2; exit 2; }
im=""
for c in magick /usr/bin/convert convert; do  # a real ImageMagick, not a stand-in earlier on PATH
  if "$c" -version 2>/dev/null | grep -q ImageMagick; then im=$c; break; fi
done
[ -n "$im" ] || { echo "orient_bench: needs ImageMagick (apt-get install imagemagick)" >&2; exit 2; }
mkdir -p "$work/in"
rm -rf "$work/out"
for p in "$pages"/*; do
  n=$(basename "${p%.*}")
  for r in 0 90 180 270; do
    # Turned pages are kept between runs (they do not depend on the options).
    [ -f "$work/in/$n-r$r.png" ] || "$im" "$p" -rotate "$r" "$work/in/$n-r$r.png"
  done
done
count=$(ls "$work/in" | wc -l)
OMP_THREAD_LIMIT=1 /usr/bin/time -o "$work/cpu" -f "%U %S" \
  "$build/ocrflow" run "$work/in" -o "$work/out" --stages orient --format json --lang "$lang" --jobs 1 -q ${sets[@]+"${sets[@]}"}
python3 - "$work/out" <<'PY'
import glob, json, os, re, sys
ok, total, bad, conf = {}, {}, [], {}
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    r = int(re.search(r"-r(\d+)\.json$", f).group(1))
    o = json.load(open(f))["pages"][0]["orientation"]
    want = (360 - r) % 360  # the turn that makes a page turned r clockwise upright
    total[r] = total.get(r, 0) + 1
    conf.setdefault(r, []).append(o["confidence"] or 0)
    if o["degrees"] == want:
        ok[r] = ok.get(r, 0) + 1
    else:
        bad.append(f"  {os.path.basename(f)}: turned {o['degrees']} (want {want}), confidence {o['confidence']:.2f} {o['note']}")
print("upright after orient: " + ", ".join(f"{r} deg {ok.get(r, 0)}/{total[r]}" for r in sorted(total)))
print("OSD confidence (lowest, median) per turn: " +
      ", ".join(f"{r} deg {min(c):.2f} {sorted(c)[len(c) // 2]:.2f}" for r, c in sorted(conf.items())))
if bad: print("\n".join(bad))
PY
echo "CPU $(awk -v n="$count" '{printf "%.3f", ($1 + $2) / n}' "$work/cpu") s/page ($count pages, orient stage only)"
