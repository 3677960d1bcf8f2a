#!/usr/bin/env bash
# Builds one libFuzzer target with clang (ASan + UBSan, build-fuzz/) and runs
# it for N seconds on its seed corpus. New inputs the fuzzer finds go to a
# scratch corpus (build-fuzz/corpus/TARGET), never into the tree; a crash
# leaves its input in build-fuzz/artifacts/TARGET/.
#
#   scripts/fuzz.sh TARGET [SECONDS=600] [extra libFuzzer flags...]
#   scripts/fuzz.sh decode_fuzz 600
#   scripts/fuzz.sh reflow_fuzz 60 -max_len=4096
#
# Seeds: tests/fuzz/decode_corpus for decode_fuzz, tests/fuzz/archive_corpus
# for archive_fuzz, tests/fuzz/corpus for the text targets. Former crashes in tests/fuzz/regressions/TARGET are replayed
# first. BUILD_DIR overrides build-fuzz; JOBS the build's -j (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET [SECONDS] [libFuzzer flags...]}"
seconds="${2:-600}"
shift $(( $# >= 2 ? 2 : 1 ))
build="${BUILD_DIR:-build-fuzz}"
command -v clang++ >/dev/null || { echo "fuzz.sh: needs clang++ (apt-get install clang)" >&2; exit 1; }
[ -f "$build/CMakeCache.txt" ] ||
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DOCRFLOW_FUZZ=ON -DOCRFLOW_TESTS=OFF
cmake --build "$build" --target "$target" -j"${JOBS:-2}"
case "$target" in
  decode_fuzz) seeds=tests/fuzz/decode_corpus ;;
  archive_fuzz) seeds=tests/fuzz/archive_corpus ;;
  *) seeds=tests/fuzz/corpus ;;
esac
scratch="$build/corpus/$target"
artifacts="$build/artifacts/$target"
mkdir -p "$scratch" "$artifacts"
regressions=()
[ -d "tests/fuzz/regressions/$target" ] && regressions=("tests/fuzz/regressions/$target")
# Sanitizer reports are fatal; the RSS limit catches decoders that trust a
# header's size (the targets set their own small pixel limits).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec "$build/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$scratch" "$seeds" "${regressions[@]}"
