# The loop of the benches that weigh two ways of running `ocrflow run` on
# the same pages, in turns (ABAB...) so that a busy machine weighs on both
# alike (formats_cost.sh, isolate_cost.sh). Sourced; the bench defines
# `mode_flags MODE` (prints MODE's run flags) and `same_outputs ROUND`
# (ab_fail when the modes' outputs differ), then calls
#   ab_args NAME WORK "$@"  --pages --rounds --jobs --build --work [-- RUN ARGS]
#   ab_rounds A B           per round A then B into $work/MODE, timed (%e wall,
#                           %U+%S CPU, waited-for children included), same_outputs
#   ab_report A B           median wall and CPU per run and per page, B / A
# watch_once_cost.sh times `watch --once` instead and uses ab_fail,
# ab_page_files and ab_report only.

ab_fail() { echo "$ab_name: $1" >&2; exit "${2:-1}"; }

# The page files directly in DIR (png, jpg, tif, pdf), one per line.
ab_page_files() { find "$1" -maxdepth 1 -type f \( -name '*.png' -o -name '*.jpg' -o -name '*.tif' -o -name '*.pdf' \); }

ab_args() {
  ab_name=$1 work=$2
  shift 2
  pages=samples/pages rounds=3 jobs=1 build=build extra=()
  while (($#)); do
    case "$1" in
      --pages) pages=$2; shift 2 ;;
      --rounds) rounds=$2; shift 2 ;;
      --jobs) jobs=$2; shift 2 ;;
      --build) build=$2; shift 2 ;;
      --work) work=$2; shift 2 ;;
      --) shift; extra=("$@"); break ;;
      -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
      *) ab_fail "unknown argument $1" 2 ;;
    esac
  done
  bin=$build/ocrflow
  [ -x "$bin" ] || ab_fail "no $bin (build first)" 2
  n=$(ab_page_files "$pages" | wc -l)
}

ab_rounds() {
  mkdir -p "$work"
  : > "$work/times"
  local r mode flags
  for ((r = 1; r <= rounds; r++)); do
    for mode in "$@"; do
      read -ra flags <<< "$(mode_flags "$mode")"
      rm -rf "${work:?}/$mode"
      /usr/bin/time -f "$mode %e %U %S" -a -o "$work/times" \
        "$bin" run "$pages" -o "$work/$mode" -q --jobs "$jobs" "${flags[@]}" "${extra[@]}"
    done
    same_outputs "$r"
  done
}

ab_report() {
  python3 - "$work/times" "$n" "$1" "$2" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
pages, a, b = int(sys.argv[2]), sys.argv[3], sys.argv[4]
res = {}
for mode in (a, b):
    w = [float(r[1]) for r in rows if r[0] == mode]
    c = [round(float(r[2]) + float(r[3]), 2) for r in rows if r[0] == mode]
    res[mode] = (statistics.median(w), statistics.median(c))
    print(f"{mode:8s} runs {len(w)}  wall {res[mode][0]:6.2f} s ({res[mode][0]/pages:5.2f} s/page)  "
          f"cpu {res[mode][1]:6.2f} s ({res[mode][1]/pages:5.2f} s/page)   walls {w}  cpus {c}")
print(f"{b} / {a}: wall x{res[b][0]/res[a][0]:.3f}, cpu x{res[b][1]/res[a][1]:.3f} ({pages} pages)")
PY
}
