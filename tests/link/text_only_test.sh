#!/usr/bin/env bash
# The text path links no image library, and writes what `ocrflow reflow`
# writes (tests/link/text_only_reflow.cpp).
#
#   text_only_test.sh TEXT_ONLY_BIN OCRFLOW_BIN SAMPLES_TEXT_DIR
set -euo pipefail
bin=$1 ocrflow=$2 samples=$3
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "NEEDED by $(basename "$bin"):" $needed
bad=$(echo "$needed" | grep -Ei 'tesseract|lept|opencv|poppler|tiff|jpeg|png|webp|openjp|sqlite|ssl|crypto' || true)
if [ -n "$bad" ]; then
  echo "FAIL: the text path links image (or daemon) libraries:" $bad >&2
  exit 1
fi
# The reference: the full program links them (else this test proves nothing).
readelf -d "$ocrflow" | grep -q 'NEEDED.*libtesseract' || { echo "FAIL: $ocrflow does not link libtesseract?" >&2; exit 1; }
n=0
for f in "$samples"/*.txt; do
  case "$f" in *.gold.txt) continue ;; esac
  cmp <("$bin" "$f") <("$ocrflow" reflow "$f") || { echo "FAIL: text of $f differs from ocrflow reflow" >&2; exit 1; }
  cmp <("$bin" "$f" --json) <("$ocrflow" reflow "$f" --format json) ||
    { echo "FAIL: JSON of $f differs from ocrflow reflow" >&2; exit 1; }
  n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no sample texts in $samples" >&2; exit 1; }
echo "ok: $n texts, the same as ocrflow reflow"
