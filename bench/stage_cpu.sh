#!/usr/bin/env bash
# CPU seconds per page of each `ocrflow run` stage, from `perf` samples (no
# timing code in ocrflow): the run is sampled with call graphs, and each
# stage's adapter function gets the share of samples it (or anything it
# calls) was on the stack for, times the run's user+sys CPU time. Samples
# count only time on a CPU, so other load on the machine does not inflate it.
#
#   bench/stage_cpu.sh PAGES_DIR [--lang chi_sim|eng] [--build DIR] [--work DIR] [--freq HZ]
#
# PAGES_DIR: page images (e.g. the pages/ of bench/compare_pages.sh's work
# directory). Runs ocrflow with --jobs 1 and OMP_THREAD_LIMIT=1. Needs perf
# (linux-perf) and kernel.perf_event_paranoid <= 2.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="" lang=chi_sim build=build work=/tmp/ocrflow-stage-cpu freq=499
while (($#)); do
  case "$1" in
    --lang) lang=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --freq) freq=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) pages=$1; shift ;;
  esac
done
[ -d "$pages" ] || { echo "stage_cpu: give a directory of page images" >&2; exit 2; }
command -v perf >/dev/null || { echo "stage_cpu: needs perf" >&2; exit 2; }
rm -rf "$work"; mkdir -p "$work/out"
n=$(ls "$pages" | wc -l)
OMP_THREAD_LIMIT=1 /usr/bin/time -o "$work/cpu" -f "%U %S" \
  perf record -q -F "$freq" --call-graph dwarf,16384 -o "$work/perf.data" -- \
  "$build/ocrflow" run "$pages" -o "$work/out" --lang "$lang" --jobs 1 2> "$work/ocrflow.log"
cpu=$(awk '{print $1 + $2}' "$work/cpu")
# Inclusive ("children") share of each symbol, one line per symbol.
perf report -i "$work/perf.data" --children --stdio -g none --sort symbol --percent-limit 0.3 2>/dev/null \
  > "$work/report.txt"
echo "pages: $n   ocrflow CPU (user+sys, includes perf's overhead): $(printf "%.2f" "$(echo "$cpu / $n" | bc -l)") s/page"
printf "%-12s %8s %9s\n" stage share cpu-s/page
stage() {  # name symbol-regex
  local pct
  pct=$(grep -E "\] ($2)( |\(|$)" "$work/report.txt" | head -1 | awk '{gsub("%","",$1); print $1}' || true)
  [ -n "$pct" ] || pct=0
  printf "%-12s %7.1f%% %9.3f\n" "$1" "$pct" "$(echo "$cpu * $pct / 100 / $n" | bc -l)"
}
stage load 'ocrflow::io::DecodePages'
stage orient 'ocrflow::ocr::OrientPage'
stage rescale 'ocrflow::image::RescalePage'
stage binarize 'ocrflow::image::BinarizePage'
stage deskew 'ocrflow::image::DeskewPage'
stage layout 'ocrflow::image::LayoutPage|ocrflow::image::AnalyzeLayout'
stage ocr 'ocrflow::ocr::OcrPage'
stage engine-init 'tesseract::TessBaseAPI::Init'
echo "(full report: $work/report.txt)"
