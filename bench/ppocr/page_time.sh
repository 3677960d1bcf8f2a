#!/usr/bin/env bash
# Time and CER per page of `ocrflow run --jobs 1` against `tesseract IMG -
# -l LANG` on the OmniDocBench pages in ../shared/eval (not ours, never
# committed), one page after the other, each system right after the other so
# that both see the same load. Skips when the folder is absent.
#
#   bench/ppocr/page_time.sh [--bin BUILD/ocrflow] [--work DIR] [--pages zh|en|all] [-- OCRFLOW ARGS...]
#
# Per page: CER of ocrflow (`ocrflow eval` against the ground truth's
# non-blank lines, as scripts/eval-real.sh scores it), wall seconds and CPU
# seconds (user + sys of ocrflow and the node workers it reaps, from
# /usr/bin/time), the peak RSS of ocrflow and its workers together (the
# process tree sampled every 0.1 s; /usr/bin/time reports the largest single
# process only), and the CLI's wall and CPU seconds (OMP_THREAD_LIMIT=1
# for both). Set OCRFLOW_PPOCR_MODELS for PP-OCR.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=build/ocrflow work=/tmp/ocrflow-page-time pages=zh
while (($#)); do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --pages) pages=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "page_time: unknown argument $1" >&2; exit 2 ;;
  esac
done
shared=${OCRFLOW_SHARED_EVAL:-../shared/eval}/real/omnidocbench_demo
if [ ! -d "$shared" ]; then echo "page_time: $shared not found; skipped"; exit 0; fi
rm -rf "$work"; mkdir -p "$work"
cp "$bin" "$work/ocrflow"

# Peak summed RSS (MB) of process $1 and its descendants until it exits.
tree_rss() {
  local root=$1 peak=0
  while kill -0 "$root" 2>/dev/null; do
    local pids=$root sum=0 more
    more=$(ps -o pid= --ppid "$root" 2>/dev/null || true)
    while [ -n "$more" ]; do
      pids="$pids $more"
      more=$(for p in $more; do ps -o pid= --ppid "$p" 2>/dev/null || true; done)
    done
    for p in $pids; do
      local r
      r=$(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
      sum=$((sum + ${r:-0}))
    done
    ((sum > peak)) && peak=$sum
    sleep 0.1
  done
  echo $((peak / 1024))
}

printf 'page\tcer\twall_s\tcpu_s\trss_mb\tcli_wall_s\tcli_cpu_s\n' | tee "$work/pages.tsv"
for img in "$shared"/*.jpg; do
  n=$(basename "$img" .jpg)
  lang=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["page_info"]["page_attribute"]["language"])' \
         "${img%.jpg}.json" 2>/dev/null || echo simplified_chinese)
  case "$lang" in english) l=en tl=eng ;; *) l=zh tl=chi_sim ;; esac
  [ "$pages" = all ] || [ "$pages" = "$l" ] || continue
  d="$work/$n"; mkdir -p "$d/out"
  awk 'NF' "${img%.jpg}.gt.txt" > "$d/gold.txt"
  extra=(); [ "$l" = en ] && extra=(--lang eng)
  t0=$(date +%s.%N)
  OMP_THREAD_LIMIT=1 /usr/bin/time -o "$d/time" -f '%U %S' \
    "$work/ocrflow" run "$img" -o "$d/out" --format txt,json -q --jobs 1 --page-timeout 0 "${extra[@]}" "$@" &
  tp=$!
  sleep 0.05
  child=$(ps -o pid= --ppid "$tp" | head -1 | tr -d ' ')
  rss=$(tree_rss "${child:-$tp}")
  wait "$tp" || true
  t1=$(date +%s.%N)
  OMP_THREAD_LIMIT=1 /usr/bin/time -o "$d/cli_time" -f '%U %S' tesseract "$img" - -l "$tl" > /dev/null 2>&1 || true
  t2=$(date +%s.%N)
  cer=$("$work/ocrflow" eval "$d/out/$n.txt" "$d/gold.txt" --json |
        python3 -c 'import json,sys; print("%.2f" % (100 * json.load(sys.stdin)["total"]["cer"]))')
  printf '%s\t%s\t%.1f\t%.1f\t%s\t%.1f\t%.1f\n' "${n:0:40}" "$cer" \
    "$(echo "$t1 - $t0" | bc -l)" "$(awk '{print $1 + $2}' "$d/time")" "$rss" \
    "$(echo "$t2 - $t1" | bc -l)" "$(awk '{print $1 + $2}' "$d/cli_time")" | tee -a "$work/pages.tsv"
done
python3 - "$work/pages.tsv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
s = lambda k: sum(float(r[k]) for r in rows)
print("%d pages: mean CER %.2f %%; wall %.1f s vs CLI %.1f s (%.2fx); CPU %.1f s vs CLI %.1f s (%.2fx); peak RSS %d MB"
      % (len(rows), s("cer") / len(rows), s("wall_s"), s("cli_wall_s"), s("wall_s") / s("cli_wall_s"),
         s("cpu_s"), s("cli_cpu_s"), s("cpu_s") / s("cli_cpu_s"), max(int(r["rss_mb"]) for r in rows)))
PY
