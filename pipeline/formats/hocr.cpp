#include "pipeline/formats/hocr.h"

#include <cmath>
#include <cstdio>

#include "stages/text/utf8.h"

namespace ocrflow::formats {
namespace {

std::string Bbox(const Box& b) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "bbox %d %d %d %d", b.x, b.y, b.right(), b.bottom());
  return buf;
}

bool HoldsHan(const ArchiveBlock& b) {
  for (const ArchiveLine& l : b.lines)
    for (const ArchiveWord& w : l.words)
      for (size_t i = 0; i < w.text.size();)
        if (text::IsHan(text::NextCodePoint(w.text, i))) return true;
  return false;
}

}  // namespace

std::string RenderHocr(const std::vector<ArchivePage>& pages, const std::string& source) {
  std::string x;
  x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
       "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n";
  x += "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n<head>\n";
  x += "<title>" + XmlEscape(source) + "</title>\n";
  x += "<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n";
  x += "<meta name=\"ocr-system\" content=\"ocrflow\"/>\n";
  x += "<meta name=\"ocr-capabilities\" content=\"ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf\"/>\n";
  x += "</head>\n<body>\n";
  // The file name inside title="image "...""; quotes in it escaped as hOCR's
  // property syntax wants (\"), then as XML.
  std::string image;
  for (char c : source) {
    if (c == '"' || c == '\\') image += '\\';
    image += c;
  }
  for (const ArchivePage& p : pages) {
    const std::string pn = std::to_string(p.number);
    x += "<div class=\"ocr_page\" id=\"page_" + pn + "\" title=\"" +
         XmlEscape("image \"" + image + "\"; " + Bbox(Box{0, 0, p.width, p.height}) + "; ppageno " +
                   std::to_string(p.number - 1)) +
         "\">\n";
    for (size_t b = 0; b < p.blocks.size(); ++b) {
      const ArchiveBlock& block = p.blocks[b];
      const std::string bn = pn + "_" + std::to_string(b + 1);
      char angle[40] = "";
      if (std::abs(p.text_angle) >= 0.005) std::snprintf(angle, sizeof angle, "; textangle %.2f", p.text_angle);
      x += "<div class=\"ocr_carea\" id=\"block_" + bn + "\" title=\"" + Bbox(block.box) + angle + "\">";
      x += "<p class=\"ocr_par\" id=\"par_" + bn + "\" lang=\"" + (HoldsHan(block) ? "zh" : "en") + "\" title=\"" +
           Bbox(block.box) + "\" data-role=\"" + RoleName(block.role) + "\">";
      for (size_t l = 0; l < block.lines.size(); ++l) {
        const ArchiveLine& line = block.lines[l];
        const std::string ln = bn + "_" + std::to_string(l + 1);
        x += "<span class=\"ocr_line\" id=\"line_" + ln + "\" title=\"" + Bbox(line.box) + "\">";
        for (size_t w = 0; w < line.words.size(); ++w) {
          const ArchiveWord& word = line.words[w];
          char conf[32];
          std::snprintf(conf, sizeof conf, "; x_wconf %.0f", word.confidence);
          x += "<span class=\"ocrx_word\" id=\"word_" + ln + "_" + std::to_string(w + 1) + "\" title=\"" +
               Bbox(word.box) + conf + "\">" + XmlEscape(word.text) + "</span>";
          if (word.space_after) x += ' ';
        }
        x += "</span>";
      }
      x += "</p></div>\n";
    }
    x += "</div>\n";
  }
  x += "</body>\n</html>\n";
  return x;
}

}  // namespace ocrflow::formats
