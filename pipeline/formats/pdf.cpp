#include "pipeline/formats/pdf.h"

#include "pipeline/core/geometry.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace ocrflow::formats {
namespace {

std::string Deflate(const unsigned char* data, size_t size) {
  uLongf bound = compressBound(static_cast<uLong>(size));
  std::string out(bound, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &bound, data, static_cast<uLong>(size), 6) != Z_OK) return {};
  out.resize(bound);
  return out;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// The text as UTF-16BE code units in hex: CIDs under Identity-H.
std::string Utf16Hex(std::string_view s) {
  std::string out;
  char buf[8];
  auto unit = [&](unsigned u) {
    std::snprintf(buf, sizeof buf, "%04X", u & 0xFFFF);
    out += buf;
  };
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    int len;
    if (c < 0x80) cp = c, len = 1;
    else if ((c >> 5) == 6) cp = c & 0x1F, len = 2;
    else if ((c >> 4) == 14) cp = c & 0x0F, len = 3;
    else cp = c & 0x07, len = 4;
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

size_t Utf16Units(std::string_view s) { return Utf16Hex(s).size() / 4; }

class PdfWriter {
 public:
  // Object numbers are handed out first, written in any order.
  int Reserve() { offsets_.push_back(0); return static_cast<int>(offsets_.size()); }
  void Object(int n, const std::string& body) {
    offsets_[n - 1] = out_.size();
    out_ += std::to_string(n) + " 0 obj\n" + body + "\nendobj\n";
  }
  void Stream(int n, const std::string& dict_entries, const std::string& data) {
    Object(n, "<< " + dict_entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data + "\nendstream");
  }
  std::string Finish(int root) {
    const size_t xref = out_.size();
    out_ += "xref\n0 " + std::to_string(offsets_.size() + 1) + "\n0000000000 65535 f \n";
    char buf[24];
    for (size_t off : offsets_) {
      std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
      out_ += buf;
    }
    out_ += "trailer\n<< /Size " + std::to_string(offsets_.size() + 1) + " /Root " + std::to_string(root) +
            " 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return std::move(out_);
  }
  std::string out_ = "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n";

 private:
  std::vector<size_t> offsets_;
};

constexpr char kToUnicode[] =
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    "1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
    "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

// The invisible text of one page, in points (y up), `scale` points per pixel.
// Text standing turned on the image (ArchivePage::text_angle: a turned or
// deskewed page) is set turned the same way: each word's baseline starts at
// the bottom-left corner of its upright box turned about the box's centre,
// the font size is its line's upright height.
std::string TextLayer(const ArchivePage& page, double scale) {
  std::string s = "BT\n3 Tr\n";
  const double H = page.height;
  const double a = page.text_angle * M_PI / 180, c = std::cos(a), sn = std::sin(a);
  char turn_buf[80];  // the rotation wants more digits than positions do
  std::snprintf(turn_buf, sizeof turn_buf, "%.5f %.5f %.5f %.5f ", c, sn, -sn, c);
  const std::string turn = turn_buf;
  for (const ArchiveBlock& block : page.blocks)
    for (const ArchiveLine& line : block.lines) {
      double line_w, line_h;
      UprightSize(line.box.w, line.box.h, page.text_angle, &line_w, &line_h);
      const double size = std::max(1.0, line_h * scale);
      s += "/F1 " + Num(size) + " Tf\n";
      for (const ArchiveWord& w : line.words) {
        const size_t units = Utf16Units(w.text);
        if (units == 0) continue;
        const Box& b = w.box.w > 0 ? w.box : line.box;
        double uw, uh;
        UprightSize(b.w, b.h, page.text_angle, &uw, &uh);
        const double cx = (b.x + b.w / 2.0) * scale, cy = (H - b.y - b.h / 2.0) * scale;
        const double hw = uw * scale / 2, hh = uh * scale / 2;
        const double x = cx - hw * c + hh * sn, y = cy - hw * sn - hh * c;
        // The glyphs are 0.5 em wide: stretched so the word fills its box.
        const double tz = std::clamp(100.0 * uw * scale / (units * size * 0.5), 1.0, 10000.0);
        s += turn + Num(x) + " " + Num(y) + " Tm " + Num(tz) + " Tz <" + Utf16Hex(w.text) +
             (w.space_after ? "0020" : "") + "> Tj\n";
      }
    }
  s += "ET\n";
  return s;
}

}  // namespace

bool JpegInfo(std::string_view b, int* width, int* height, int* components) {
  if (b.size() < 4 || static_cast<unsigned char>(b[0]) != 0xFF || static_cast<unsigned char>(b[1]) != 0xD8) return false;
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (static_cast<unsigned char>(b[i]) != 0xFF) return false;
    const unsigned char marker = static_cast<unsigned char>(b[i + 1]);
    if (marker == 0xFF) {
      ++i;
      continue;
    }
    const size_t len = (static_cast<unsigned char>(b[i + 2]) << 8) | static_cast<unsigned char>(b[i + 3]);
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC).
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      if (i + 10 > b.size()) return false;
      *height = (static_cast<unsigned char>(b[i + 5]) << 8) | static_cast<unsigned char>(b[i + 6]);
      *width = (static_cast<unsigned char>(b[i + 7]) << 8) | static_cast<unsigned char>(b[i + 8]);
      *components = static_cast<unsigned char>(b[i + 9]);
      return *width > 0 && *height > 0 && (*components == 1 || *components == 3);
    }
    if (marker == 0xDA) return false;  // scan data before any frame header
    i += 2 + len;
  }
  return false;
}

bool CompressGray(PdfImage& image) {
  if (image.gray.empty()) return !image.flate.empty();
  image.flate = Deflate(image.gray.data(), image.gray.size());
  std::vector<unsigned char>().swap(image.gray);
  return !image.flate.empty();
}

Result<std::string> GlyphlessFont(const std::string& tessdata_dir) {
  const std::string path = tessdata_dir + "/pdf.ttf";
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in || ss.str().empty())
    return Status(Code::kNotFound, path + ": Tesseract's glyphless font for the PDF text layer is missing (package libtesseract5)");
  return ss.str();
}

Result<std::string> RenderPdf(const std::vector<PdfPage>& pages, const std::string& font) {
  PdfWriter w;
  const int catalog = w.Reserve(), pages_obj = w.Reserve(), type0 = w.Reserve(), cidfont = w.Reserve(),
            cidmap = w.Reserve(), tounicode = w.Reserve(), descriptor = w.Reserve(), fontfile = w.Reserve();
  std::string kids;
  for (const PdfPage& p : pages) {
    const int page = w.Reserve(), contents = w.Reserve(), image = w.Reserve();
    kids += std::to_string(page) + " 0 R ";
    const double dpi = p.layout.dpi > 0 ? p.layout.dpi : 300;
    const double scale = 72.0 / dpi;  // points per pixel
    const int iw = p.image.width > 0 ? p.image.width : p.layout.width;
    const int ih = p.image.height > 0 ? p.image.height : p.layout.height;
    const double pw = p.layout.width * scale, ph = p.layout.height * scale;
    if (!p.image.jpeg.empty()) {
      w.Stream(image,
               "/Type /XObject /Subtype /Image /Width " + std::to_string(iw) + " /Height " + std::to_string(ih) +
                   " /ColorSpace " + (p.image.components == 3 ? "/DeviceRGB" : "/DeviceGray") +
                   " /BitsPerComponent 8 /Filter /DCTDecode",
               p.image.jpeg);
    } else {
      if (p.image.flate.empty() && p.image.gray.size() != static_cast<size_t>(iw) * ih)
        return Status(Code::kInternal, "pdf: page " + std::to_string(p.layout.number) + " has no image of its size");
      const std::string z = !p.image.flate.empty() ? p.image.flate : Deflate(p.image.gray.data(), p.image.gray.size());
      if (z.empty()) return Status(Code::kInternal, "pdf: zlib could not compress page " + std::to_string(p.layout.number));
      w.Stream(image,
               "/Type /XObject /Subtype /Image /Width " + std::to_string(iw) + " /Height " + std::to_string(ih) +
                   " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
               z);
    }
    const std::string content = "q " + Num(pw) + " 0 0 " + Num(ph) + " 0 0 cm /Im1 Do Q\n" + TextLayer(p.layout, scale);
    w.Stream(contents, "/Filter /FlateDecode",
             Deflate(reinterpret_cast<const unsigned char*>(content.data()), content.size()));
    w.Object(page, "<< /Type /Page /Parent " + std::to_string(pages_obj) + " 0 R /MediaBox [0 0 " + Num(pw) + " " +
                       Num(ph) + "] /Contents " + std::to_string(contents) + " 0 R /Resources << /Font << /F1 " +
                       std::to_string(type0) + " 0 R >> /XObject << /Im1 " + std::to_string(image) + " 0 R >> >> >>");
  }
  w.Object(catalog, "<< /Type /Catalog /Pages " + std::to_string(pages_obj) + " 0 R >>");
  w.Object(pages_obj, "<< /Type /Pages /Kids [ " + kids + "] /Count " + std::to_string(pages.size()) + " >>");
  w.Object(type0, "<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H /DescendantFonts [ " +
                      std::to_string(cidfont) + " 0 R ] /ToUnicode " + std::to_string(tounicode) + " 0 R >>");
  w.Object(cidfont, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont /CIDToGIDMap " +
                        std::to_string(cidmap) +
                        " 0 R /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor " +
                        std::to_string(descriptor) + " 0 R /DW 500 >>");
  // Every CID to glyph 1, the glyphless one (two bytes per CID, big-endian).
  std::vector<unsigned char> map(2 * 65536, 0);
  for (size_t i = 1; i < map.size(); i += 2) map[i] = 1;
  w.Stream(cidmap, "/Filter /FlateDecode", Deflate(map.data(), map.size()));
  w.Stream(tounicode, "", kToUnicode);
  w.Object(descriptor, "<< /Type /FontDescriptor /FontName /GlyphLessFont /FontBBox [ 0 0 500 1000 ] /Ascent 1000 "
                       "/Descent 0 /CapHeight 1000 /Flags 5 /ItalicAngle 0 /StemV 80 /FontFile2 " +
                           std::to_string(fontfile) + " 0 R >>");
  w.Stream(fontfile, "/Length1 " + std::to_string(font.size()), font);
  return w.Finish(catalog);
}

}  // namespace ocrflow::formats
