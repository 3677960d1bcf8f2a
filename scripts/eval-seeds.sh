#!/usr/bin/env bash
# Optional check on the team's seed files (real OCR output, ../shared/seeds):
# reflows each into out/seeds/ and counts what must not be left behind.
# Skips cleanly when ../shared is absent (a fresh clone has no ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-../shared/seeds}
if [ ! -d "$seeds" ]; then
  echo "eval-seeds: $seeds not found; skipped (optional check)"
  exit 0
fi
out=out/seeds
mkdir -p "$out"
build/ocrflow reflow "$seeds"/*.txt -o "$out" -q
build/ocrflow reflow "$seeds"/*.txt -o "$out/json" --format json -q
han='[\x{3400}-\x{9fff}]'
printf '%-28s %6s %6s %8s %10s %10s\n' file lines paras dropped halfwidth digitspace
for f in "$seeds"/*.txt; do
  name=$(basename "$f")
  o="$out/$name"
  j="$out/json/${name%.txt}.json"
  halfwidth=$(grep -oP "$han[,:;()!?]|[,:;()!?]$han" "$o" | wc -l || true)
  digitspace=$(grep -oP "[0-9A-Za-z] $han|$han [0-9A-Za-z]" "$o" | wc -l || true)
  dropped=$(grep -c '"reason"' "$j" || true)
  printf '%-28s %6s %6s %8s %10s %10s\n' "$name" "$(wc -l < "$f")" "$(wc -l < "$o")" "$dropped" "$halfwidth" "$digitspace"
done
echo "outputs in $out/, dropped pieces with reasons in $out/json/"
