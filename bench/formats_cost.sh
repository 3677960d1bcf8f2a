#!/usr/bin/env bash
# The cost of the archive formats (`--format txt,alto,hocr,pdf`,
# docs/formats.md) against `--format txt`, on the same pages in the same
# session, run in turns (ABAB...) so that a busy machine weighs on both alike.
#
#   bench/formats_cost.sh [--pages DIR] [--rounds N] [--jobs N] [--build DIR] [--work DIR] [-- RUN ARGS...]
#
# Defaults: samples/pages, 3 rounds, --jobs 1, build/, /tmp/ocrflow-formats-bench.
# Prints per mode (txt, all) the median wall and CPU seconds (user+sys, the
# PP-OCR worker processes included) and the ratio. The .txt of both modes
# must be the same (the formats change nothing in it); the script fails
# otherwise. The loop: bench/ab_cost.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/ab_cost.sh
mode_flags() { [ "$1" = all ] && echo --format txt,alto,hocr,pdf || echo --format txt; }
same_outputs() {
  for t in "$work"/txt/*.txt; do
    cmp -s "$t" "$work/all/$(basename "$t")" || ab_fail "$(basename "$t") differs (round $1)"
  done
}
ab_args formats_cost /tmp/ocrflow-formats-bench "$@"
ab_rounds txt all
ab_report txt all
