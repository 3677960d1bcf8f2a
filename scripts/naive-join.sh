#!/usr/bin/env bash
# The baseline reflow for benchmarks: the lines of each blank-line-separated
# block joined into one paragraph (no separator between CJK, one space
# otherwise), as a user of the plain tesseract CLI would do it.
#   scripts/naive-join.sh FILE > OUT
LC_ALL=C awk 'function flush(){ if (buf != "") print buf; buf="" }
  /^[ \t]*$/ { flush(); next }
  { sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "");
    if (buf == "") buf = $0
    else if (substr(buf, length(buf), 1) > "\177" || substr($0, 1, 1) > "\177") buf = buf $0
    else buf = buf " " $0 }
  END { flush() }' "$1"
