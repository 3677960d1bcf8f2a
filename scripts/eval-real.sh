#!/usr/bin/env bash
# Optional: ocrflow on the third-party pages in ../shared/eval/real (not ours,
# never committed). Skips cleanly when that folder is absent.
#
#   scripts/eval-real.sh [WORKDIR]
#
# - omnidocbench_demo: Chinese newspaper/book/report pages (+1 English):
#   `ocrflow run` and the `tesseract` CLI (lines joined naively) scored with
#   `ocrflow eval` against the ground truth (one paragraph per line).
# - deskew_known_angle, nzz_black_letter: skew found vs the reference angle.
# Needs a built tree and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
real=${OCRFLOW_REAL:-../shared/eval/real}
if [ ! -d "$real" ]; then echo "eval-real: $real not found; skipped"; exit 0; fi
work=${1:-/tmp/ocrflow-real}
rm -rf "$work"; mkdir -p "$work"/{zh,en,gold-zh,gold-en,tess-zh,tess-en,skew}

naive_join() { scripts/naive-join.sh "$1"; }

echo "== omnidocbench_demo: CER / paragraph F1 =="
for img in "$real"/omnidocbench_demo/*.jpg; do
  n=$(basename "$img" .jpg)
  # The language is the ground truth's own page attribute, not the file name
  # (jiaocai..._en_3361 is a Chinese textbook page; newspaper_5e266... is English).
  lang=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["page_info"]["page_attribute"]["language"])' \
         "$real/omnidocbench_demo/$n.json" 2>/dev/null || echo simplified_chinese)
  case "$lang" in english) l=en tl=eng ;; *) l=zh tl=chi_sim ;; esac
  awk 'NF' "$real/omnidocbench_demo/$n.gt.txt" > "$work/gold-$l/$n.txt"
  build/ocrflow run "$img" -o "$work/$l" --lang "$tl" --format txt,json -q --jobs 2 || true
  OMP_THREAD_LIMIT=1 tesseract "$img" - -l "$tl" 2>/dev/null > "$work/tess-$l/$n.raw" || true
  naive_join "$work/tess-$l/$n.raw" > "$work/tess-$l/$n.txt"; rm -f "$work/tess-$l/$n.raw"
done
for l in zh en; do
  echo "-- ocrflow ($l)"; build/ocrflow eval "$work/$l" "$work/gold-$l"
  echo "-- tesseract CLI + naive join ($l)"; build/ocrflow eval "$work/tess-$l" "$work/gold-$l" | tail -1
done

echo "== skew: found vs reference (degrees, positive = text rises to the right) =="
printf "%-34s %8s %8s %8s %s\n" file reference found error note
skew_of() {  # image reference
  build/ocrflow run "$1" -o "$work/skew" --lang eng --format json -q --jobs 2 --stages orient,binarize,deskew >/dev/null 2>&1 ||
    build/ocrflow run "$1" -o "$work/skew" --lang eng --format json -q --jobs 2 >/dev/null 2>&1 || true
  local j="$work/skew/$(basename "${1%.*}").json"
  python3 - "$j" "$2" "$(basename "$1")" <<'PY'
import json, sys
path, ref, name = sys.argv[1], float(sys.argv[2]), sys.argv[3]
try:
    p = json.load(open(path))["pages"][0]
    s = p["skew"]
    print("%-34s %8.2f %8.2f %8.2f %s" % (name[:34], ref, s["degrees"], s["degrees"] - ref, s["note"]))
except Exception as e:
    print("%-34s %8.2f %8s %8s %s" % (name[:34], ref, "-", "-", "no result: %s" % e))
PY
}
while IFS=$'\t' read -r f _ skew _; do
  [ "$f" = file ] && continue
  skew_of "$real/deskew_known_angle/$f" "$skew"
done < "$real/deskew_known_angle/angles.tsv"
while IFS=$'\t' read -r f _ _ _ excl _; do
  [ "$f" = file ] && continue
  skew_of "$real/nzz_black_letter/$f" "$excl"
done < "$real/nzz_black_letter/skew.tsv"
