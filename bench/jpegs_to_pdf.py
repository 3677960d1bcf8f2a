#!/usr/bin/env python3
"""JPEG pages into one PDF, each page one image at its own size (DCTDecode:
the JPEG bytes are embedded as they are, no image library needed).

  bench/jpegs_to_pdf.py OUT.pdf --dpi 200 PAGE.jpg [PAGE.jpg ...] [--repeat N]

--repeat N lists the pages N times over (a long book from a few scans: the
image objects are shared, so the file stays small; every page is still
rasterised on its own). Grayscale and RGB baseline JPEGs.
"""
import argparse, struct

def jpeg_size(data):
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            raise ValueError("not a JPEG marker")
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h, data[i + 9]
        i += 2 + length
    raise ValueError("no SOF marker")

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("pages", nargs="+")
ap.add_argument("--dpi", type=float, default=300)
ap.add_argument("--repeat", type=int, default=1)
a = ap.parse_args()

objs = [None, None]  # 1: catalog, 2: pages
images = []
for p in a.pages:
    data = open(p, "rb").read()
    w, h, comps = jpeg_size(data)
    cs = "/DeviceGray" if comps == 1 else "/DeviceRGB"
    objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 "
                b"/Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, cs.encode(), len(data)) + data + b"\nendstream")
    images.append((len(objs), w, h))
kids = []
for _ in range(a.repeat):
    for num, w, h in images:
        pw, ph = w * 72.0 / a.dpi, h * 72.0 / a.dpi
        content = b"q %.2f 0 0 %.2f 0 0 cm /I Do Q" % (pw, ph)
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
                    b"/Resources << /XObject << /I %d 0 R >> >> >>" % (pw, ph, len(objs), num))
        kids.append(len(objs))
objs[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
pdf = bytearray(b"%PDF-1.4\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(pdf))
    pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    pdf += b"%010d 00000 n \n" % o
pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(a.out, "wb").write(pdf)
print(a.out, len(kids), "pages", len(pdf), "bytes")
