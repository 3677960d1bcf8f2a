#!/usr/bin/env bash
# The main job on the bundled samples:
#   1. `ocrflow run` on the sample page images (samples/pages/) into
#      out/samples/pages/, scored against each page's expected text;
#   2. `ocrflow reflow` on the sample OCR'd text (samples/text/) into
#      out/samples/text/, scored the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/samples}
rm -rf "$out"
mkdir -p "$out/pages" "$out/pages-gold" "$out/text" "$out/gold"

pages=()
for f in samples/pages/*.png samples/pages/*.jpg; do
  [ -f "$f" ] || continue
  pages+=("$f")
  n=$(basename "${f%.*}")
  cp "samples/pages/$n.gold.txt" "$out/pages-gold/$n.txt"
done
# Default settings: --lang auto reads each block with the model of its script.
build/ocrflow run "${pages[@]}" -o "$out/pages" --format txt,json --debug-dir "$out/pages-debug" -q
echo "ocrflow run: ${#pages[@]} sample page(s) into $out/pages (json beside; debug images in $out/pages-debug); scores against samples/pages/*.gold.txt:"
build/ocrflow eval "$out/pages" "$out/pages-gold"

inputs=()
for f in samples/text/*.txt; do
  case "$f" in *.gold.txt) continue ;; esac
  inputs+=("$f")
  cp "${f%.txt}.gold.txt" "$out/gold/$(basename "$f")"
done
build/ocrflow reflow "${inputs[@]}" -o "$out/text"
echo
echo "ocrflow reflow: ${#inputs[@]} sample text(s) into $out/text; scores against samples/text/*.gold.txt:"
build/ocrflow eval "$out/text" "$out/gold"
