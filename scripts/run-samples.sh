#!/usr/bin/env bash
# The main job on the bundled samples: reflow every sample input into
# out/samples/ and score it against the sample's expected output.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/samples}
mkdir -p "$out/text" "$out/gold"
inputs=()
for f in samples/text/*.txt; do
  case "$f" in *.gold.txt) continue ;; esac
  inputs+=("$f")
  cp "${f%.txt}.gold.txt" "$out/gold/$(basename "$f")"
done
build/ocrflow reflow "${inputs[@]}" -o "$out/text"
echo "reflowed ${#inputs[@]} sample(s) into $out/text; scores against samples/text/*.gold.txt:"
build/ocrflow eval "$out/text" "$out/gold"
