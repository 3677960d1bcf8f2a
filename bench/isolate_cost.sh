#!/usr/bin/env bash
# The cost of `ocrflow run --isolate` (every page in a worker process,
# pipeline/app/worker.h; run's default) against `run --no-isolate` (the
# pages on threads of the run's own process), on the same pages in
# the same session: the two are run in turns (ABAB...), so that a busy
# machine weighs on both alike.
#
#   bench/isolate_cost.sh [--pages DIR] [--rounds N] [--jobs N] [--build DIR] [--work DIR] [-- RUN ARGS...]
#
# Defaults: samples/pages, 3 rounds, --jobs 1 (2 forks two worker
# processes: their own model loads and heaps are the cost), build/,
# /tmp/ocrflow-isolate-bench. A multi-page TIFF in a --pages DIR weighs the
# sharing of one input's pages among them.
# Prints per mode the median wall seconds and CPU seconds (user+sys, worker
# processes included) of a run, per page, and the ratio isolated/in-process.
# The outputs of the two modes must be the same; the script fails otherwise.
# The loop: bench/ab_cost.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/ab_cost.sh
# Both modes named: isolation is run's default (since 2026-12-07).
mode_flags() { [ "$1" = isolate ] && echo --format txt,json --isolate || echo --format txt,json --no-isolate; }
same_outputs() { diff -r "$work/inproc" "$work/isolate" > /dev/null || ab_fail "the outputs differ (round $1)"; }
ab_args isolate_cost /tmp/ocrflow-isolate-bench "$@"
ab_rounds inproc isolate
ab_report inproc isolate
