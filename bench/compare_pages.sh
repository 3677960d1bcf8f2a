#!/usr/bin/env bash
# Quality and speed of `ocrflow run` against the `tesseract` CLI (and
# OCRmyPDF, when installed) on the same generated newspaper pages.
#
#   bench/compare_pages.sh [--count N] [--lang zh|en] [--work DIR] [--build DIR] [--ocrmypdf] [--jobs2] [--repeat N]
#
# --build: the build tree with ocrflow and bench/pagegen (default build/).
# Pages: bench/pagegen --scan (skew within +-5 deg, noise, blur, uneven
# light, dark border, JPEG), 2-5 columns, N pages in all. Baselines get their
# lines joined naively (lines of one blank-line-separated block joined: no
# separator between CJK, a space otherwise) since they do not reflow.
# Reports per system: CER, paragraph F1, exact-paragraph rate (ocrflow eval),
# pages whose output leaks running header/footer text, wall and CPU
# (user+sys) seconds per page; the speed ratios ocrflow --jobs 1 / tesseract
# CLI come from the same run (both with OMP_THREAD_LIMIT=1). On a shared
# machine the CPU ratio is the one to trust. --repeat N times ocrflow and
# the CLI N times each, alternately, and keeps each one's least CPU and wall
# time: on the 2-core VM one pair's CPU ratio moves by 0.2 from run to run.
# --jobs2 also times ocrflow --jobs 2 for the parallel speed-up, and the
# tesseract CLI two pages at a time for what this machine allows.
# Needs a built tree (scripts/setup.sh) and python3; OCRmyPDF with
# `apt-get install ocrmypdf unpaper`.
set -euo pipefail
cd "$(dirname "$0")/.."
count=8 lang=zh work=/tmp/ocrflow-compare ocrmypdf=0 jobs2=0 build=build repeat=1
while (($#)); do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --lang) lang=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --ocrmypdf) ocrmypdf=1; shift ;;
    --jobs2) jobs2=1; shift ;;
    --build) build=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "compare_pages: unknown argument $1" >&2; exit 2 ;;
  esac
done
tess_lang=$([ "$lang" = zh ] && echo chi_sim || echo eng)
bin=$build/ocrflow gen=$build/bench/pagegen
[ -x "$bin" ] && [ -x "$gen" ] || { echo "compare_pages: build first (scripts/setup.sh)" >&2; exit 2; }
rm -rf "$work"; mkdir -p "$work"/{pages,gold,truth,ocrflow,tesseract,ocrmypdf}
per=$(( (count + 3) / 4 ))
for c in 2 3 4 5; do
  "$gen" --out "$work/gen$c" --count "$per" --seed $((1000 * c)) --lang "$lang" --columns "$c" --scan >/dev/null
  for f in "$work/gen$c"/page-*.gold.txt; do
    n=$(basename "$f" .gold.txt)
    cp "$f" "$work/gold/c$c-$n.txt"
    cp "$work/gen$c/$n.truth.json" "$work/truth/c$c-$n.truth.json"
    for ext in png jpg; do [ -f "$work/gen$c/$n.$ext" ] && cp "$work/gen$c/$n.$ext" "$work/pages/c$c-$n.$ext"; done
  done
done
pages=$(ls "$work/pages" | wc -l)
echo "pages: $pages ($lang, 2-5 columns, scan look) in $work"

now() { date +%s.%N; }
cpu() { awk '{print $1 + $2}' "$1"; }  # user + sys seconds from /usr/bin/time -f "%U %S"
time_ocrflow() {  # OUT CPUFILE LOG: prints wall seconds
  local a b
  a=$(now)
  OMP_THREAD_LIMIT=1 /usr/bin/time -o "$2" -f "%U %S" "$bin" run "$work/pages" -o "$1" --lang "$tess_lang" --jobs 1 2> "$3"
  b=$(now); echo "$b - $a" | bc -l
}
time_cli() {  # OUT CPUFILE: prints wall seconds
  local a b
  a=$(now)
  OMP_THREAD_LIMIT=1 /usr/bin/time -o "$2" -f "%U %S" bash -c '
    for p in "$1"/pages/*; do
      n=$(basename "${p%.*}")
      tesseract "$p" - -l "$2" 2>/dev/null > "$3/$n.raw"
    done' _ "$work" "$tess_lang" "$1"
  b=$(now); echo "$b - $a" | bc -l
}
min() { echo "if ($1 < $2) $1 else $2" | bc -l; }
wall_o=$(time_ocrflow "$work/ocrflow" "$work/ocrflow.cpu" "$work/ocrflow.log")
wall_t=$(time_cli "$work/tesseract" "$work/tesseract.cpu")
cpu_o=$(cpu "$work/ocrflow.cpu") cpu_t=$(cpu "$work/tesseract.cpu")
for ((r = 2; r <= repeat; r++)); do
  rm -rf "$work/again"; mkdir -p "$work/again/o" "$work/again/t"
  w=$(time_ocrflow "$work/again/o" "$work/again/o.cpu" "$work/again/o.log"); wall_o=$(min "$wall_o" "$w")
  cpu_o=$(min "$cpu_o" "$(cpu "$work/again/o.cpu")")
  w=$(time_cli "$work/again/t" "$work/again/t.cpu"); wall_t=$(min "$wall_t" "$w")
  cpu_t=$(min "$cpu_t" "$(cpu "$work/again/t.cpu")")
done
rm -rf "$work/again"
naive_join() { scripts/naive-join.sh "$1"; }
for r in "$work/tesseract"/*.raw; do naive_join "$r" > "${r%.raw}.txt"; rm "$r"; done
if ((ocrmypdf)) && command -v ocrmypdf >/dev/null; then
  t2=$(now)
  for p in "$work/pages"/*; do
    n=$(basename "${p%.*}")
    OMP_THREAD_LIMIT=1 ocrmypdf -q --deskew --clean --rotate-pages --image-dpi 300 -l "$tess_lang" \
      --sidecar "$work/ocrmypdf/$n.raw" "$p" "$work/ocrmypdf/$n.pdf" 2>/dev/null || echo "ocrmypdf failed on $n" >&2
  done
  t3=$(now)
  for r in "$work/ocrmypdf"/*.raw; do naive_join "$r" > "${r%.raw}.txt"; rm "$r"; done
  rm -f "$work/ocrmypdf"/*.pdf
fi
if ((jobs2)); then
  # ocrflow --jobs 2, and the machine's own ceiling: the tesseract CLI on
  # two pages at a time against one at a time (wall_t). Least of --repeat.
  wall_j2="" wall_t2=""
  for ((r = 1; r <= repeat; r++)); do
    rm -rf "$work/ocrflow-j2"
    a=$(now)
    OMP_THREAD_LIMIT=1 "$bin" run "$work/pages" -o "$work/ocrflow-j2" --lang "$tess_lang" --jobs 2 2> "$work/ocrflow-j2.log"
    b=$(now); w=$(echo "$b - $a" | bc -l); wall_j2=$([ -z "$wall_j2" ] && echo "$w" || min "$wall_j2" "$w")
    a=$(now)
    ls "$work/pages"/* | OMP_THREAD_LIMIT=1 xargs -P 2 -I{} tesseract {} - -l "$tess_lang" >/dev/null 2>&1
    b=$(now); w=$(echo "$b - $a" | bc -l); wall_t2=$([ -z "$wall_t2" ] && echo "$w" || min "$wall_t2" "$w")
  done
fi

leaks() {  # pages whose output contains a running header/footer line
  python3 - "$work/truth" "$1" <<'PY'
import json, os, sys, glob
gold, out = sys.argv[1], sys.argv[2]
n = 0
for t in glob.glob(os.path.join(gold, "*.truth.json")):
    name = os.path.basename(t)[:-len(".truth.json")]
    path = os.path.join(out, name + ".txt")
    text = open(path, encoding="utf-8", errors="replace").read() if os.path.exists(path) else ""
    flat = "".join(text.split())
    heads = [b["text"] for b in json.load(open(t))["blocks"] if b["role"] in ("running-header", "running-footer")]
    n += any("".join(h.split()) in flat for h in heads if len("".join(h.split())) >= 3)
print(n)
PY
}
score() {  # system dir seconds [cpu-seconds]
  local line
  line=$("$bin" eval "$2" "$work/gold" --json | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print("%.2f %.3f %.3f" % (100*t["cer"], t["f1"], t["exact_rate"]))')
  printf "%-22s %7s %7s %7s %8s %9.2f %9s\n" "$1" $line "$(leaks "$2")/$pages" "$(echo "$3 / $pages" | bc -l)" \
    "$([ -n "${4:-}" ] && printf "%.2f" "$(echo "$4 / $pages" | bc -l)" || echo -)"
}
printf "%-22s %7s %7s %7s %8s %9s %9s\n" system CER% F1 exact leaks s/page cpu-s/page
score "ocrflow --jobs 1" "$work/ocrflow" "$wall_o" "$cpu_o"
score "tesseract CLI+join" "$work/tesseract" "$wall_t" "$cpu_t"
if ((ocrmypdf)) && command -v ocrmypdf >/dev/null; then score "ocrmypdf+join" "$work/ocrmypdf" "$(echo "$t3 - $t2" | bc -l)"; fi
printf "speed ratio ocrflow --jobs 1 / tesseract CLI: wall %.2f, CPU %.2f (target <= 1.1; least of %d runs each)\n" \
  "$(echo "$wall_o / $wall_t" | bc -l)" "$(echo "$cpu_o / $cpu_t" | bc -l)" "$repeat"
echo "peak RSS, ocrflow --jobs 1: $(grep -o 'peak RSS [0-9]* MB' "$work/ocrflow.log")"
if ((jobs2)); then
  echo "peak RSS, ocrflow --jobs 2: $(grep -o 'peak RSS [0-9]* MB' "$work/ocrflow-j2.log")"
  printf "pages/min --jobs 1: %.1f  --jobs 2: %.1f  speed-up %.2fx (target >= 1.8; least of %d runs each)\n" \
    "$(echo "60 * $pages / $wall_o" | bc -l)" "$(echo "60 * $pages / $wall_j2" | bc -l)" \
    "$(echo "$wall_o / $wall_j2" | bc -l)" "$repeat"
  printf "machine ceiling, tesseract CLI 2 pages at a time / 1 at a time: %.2fx\n" "$(echo "$wall_t / $wall_t2" | bc -l)"
fi
