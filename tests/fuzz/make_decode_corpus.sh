#!/usr/bin/env bash
# Makes the seed corpus of the decoder fuzzer (tests/fuzz/decode_fuzz.cpp):
# one tiny page of text in every format the decoder reads, and the TIFF
# variants that take different paths (multi-page, G4, 1-bit, colormap).
# Each file is a few hundred bytes to a few KB, so the committed corpus stays
# small. Needs ImageMagick (convert, with its webp and openjp2 delegates),
# tiffcp and python3.
#
#   tests/fuzz/make_decode_corpus.sh [OUT_DIR]   # default tests/fuzz/decode_corpus
set -euo pipefail
out="${1:-$(dirname "$0")/decode_corpus}"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A 96x40 page: two words of text and a rule, 8-bit gray, 150 dpi.
convert -size 96x40 xc:white -fill black -font DejaVu-Sans -pointsize 11 \
  -draw "text 4,14 'Page one'" -draw "line 4,20 90,20" -draw "text 4,34 'ocrflow'" \
  -colorspace Gray -depth 8 -density 150 -units PixelsPerInch "$tmp/page.pgm"
convert -size 96x40 xc:white -fill black -font DejaVu-Sans -pointsize 11 \
  -draw "text 4,14 'Page two'" -draw "text 4,34 'second'" \
  -colorspace Gray -depth 8 "$tmp/page2.pgm"
c() { convert "$@"; }
c "$tmp/page.pgm" -strip "$out/gray.png"
c "$tmp/page.pgm" -fill red -draw "rectangle 70,2 90,10" -type TrueColor -strip "PNG24:$out/rgb.png"
c "$tmp/page.pgm" -colors 4 -type Palette -strip "$out/palette.png"
c "$tmp/page.pgm" -quality 60 -strip "$out/gray.jpg"
c "$tmp/page.pgm" -type TrueColor -quality 60 -sampling-factor 2x2 -strip "$out/rgb.jpg"
c "$tmp/page.pgm" -quality 60 -interlace JPEG -strip "$out/progressive.jpg"
c "$tmp/page.pgm" -compress lzw "$out/gray-lzw.tif"
c "$tmp/page.pgm" -threshold 50% -type Bilevel -compress Group4 "$out/g4.tif"
c "$tmp/page.pgm" -monochrome -depth 1 -compress None "$out/bilevel.tif"
c "$tmp/page.pgm" -type TrueColor -compress zip "$out/rgb-zip.tif"
c "$tmp/page.pgm" -colors 4 -type Palette -compress None "$out/palette.tif"
c "$tmp/page.pgm" -threshold 50% -type Bilevel -compress Group4 "$tmp/a.tif"
c "$tmp/page2.pgm" -threshold 50% -type Bilevel -compress Group4 "$tmp/b.tif"
c "$tmp/page2.pgm" -compress lzw "$tmp/c.tif"
tiffcp "$tmp/a.tif" "$tmp/b.tif" "$tmp/c.tif" "$out/multipage.tif"  # G4, G4, gray LZW
c "$tmp/page.pgm" "$out/gray.pgm"
c "$tmp/page.pgm" -crop 40x20+0+0 +repage -compress None "$out/ascii.pgm"  # plain PNM is 4 bytes a pixel
c "$tmp/page.pgm" -threshold 50% "$out/bitmap.pbm"
c "$tmp/page.pgm" -crop 48x20+0+0 +repage -type TrueColor "$out/rgb.ppm"
c "$tmp/page.pgm" -quality 50 "$out/lossy.webp"
c "$tmp/page.pgm" -define webp:lossless=true "$out/lossless.webp"
c "$tmp/page.pgm" -quality 40 "$out/page.jp2"
c "$tmp/page.pgm" -quality 40 "$out/codestream.j2k"
c "$tmp/page.pgm" -type Palette -compress None "$out/page.bmp"  # RLE8 (the default) is refused
c "$tmp/page.pgm" "$out/page.gif"

# PDF: two pages drawn with the standard Helvetica font and vector strokes,
# one with an 8x8 gray image XObject (ImageMagick's PDF writer is usually
# disabled by policy, and a hand-made file is smaller).
python3 - "$out/twopage.pdf" <<'PY'
import sys, zlib
img = bytes((x * 32) ^ (y * 32) for y in range(8) for x in range(8))
objs = [
  b"<< /Type /Catalog /Pages 2 0 R >>",
  b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
  b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 144 72] /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
  b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 144] /Rotate 90 /Contents 6 0 R /Resources << /XObject << /I1 8 0 R >> >> >>",
]
c1 = b"BT /F1 12 Tf 8 40 Td (Page one) Tj ET 8 30 m 130 30 l S"
c2 = b"q 40 0 0 40 16 50 cm /I1 Do Q"
objs.append(b"<< /Length %d >>\nstream\n" % len(c1) + c1 + b"\nendstream")
objs.append(b"<< /Length %d >>\nstream\n" % len(c2) + c2 + b"\nendstream")
objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
z = zlib.compress(img)
objs.append(b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % len(z) + z + b"\nendstream")
pdf = bytearray(b"%PDF-1.4\n")
offs = []
for i, o in enumerate(objs, 1):
  offs.append(len(pdf))
  pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs: pdf += b"%010d 00000 n \n" % o
pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(sys.argv[1], "wb").write(pdf)
PY
ls -l "$out" >&2
