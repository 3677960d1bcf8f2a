#include "pipeline/formats/alto.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

namespace ocrflow::formats {
namespace {

std::string Geometry(const Box& b) {
  char buf[96];
  std::snprintf(buf, sizeof buf, " HPOS=\"%d\" VPOS=\"%d\" WIDTH=\"%d\" HEIGHT=\"%d\"", b.x, b.y, b.w, b.h);
  return buf;
}

std::string TagId(Role role) { return std::string("TAG_") + RoleName(role); }

// A Latin word cut at a line end (not CJK, which is cut anywhere).
bool NeedsHyphen(const std::string& word) {
  const unsigned char c = static_cast<unsigned char>(word.back());
  return std::isalpha(c) != 0;
}

}  // namespace

std::string RenderAlto(const std::vector<ArchivePage>& pages, const std::string& source) {
  std::string x;
  x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "xsi:schemaLocation=\"http://www.loc.gov/standards/alto/ns-v4# "
       "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd\">\n";
  x += "  <Description>\n    <MeasurementUnit>pixel</MeasurementUnit>\n";
  x += "    <sourceImageInformation>\n      <fileName>" + XmlEscape(source) + "</fileName>\n    </sourceImageInformation>\n";
  x += "    <OCRProcessing ID=\"OCR_0\">\n      <ocrProcessingStep>\n        <processingSoftware>\n"
       "          <softwareName>ocrflow</softwareName>\n        </processingSoftware>\n      </ocrProcessingStep>\n"
       "    </OCRProcessing>\n  </Description>\n";
  std::set<std::string> roles;
  for (const ArchivePage& p : pages)
    for (const ArchiveBlock& b : p.blocks) roles.insert(RoleName(b.role));
  if (!roles.empty()) {
    x += "  <Tags>\n";
    for (const std::string& r : roles)
      x += "    <StructureTag ID=\"TAG_" + r + "\" TYPE=\"role\" LABEL=\"" + r + "\"/>\n";
    x += "  </Tags>\n";
  }
  x += "  <Layout>\n";
  for (const ArchivePage& p : pages) {
    const std::string pid = "P" + std::to_string(p.number);
    x += "    <Page ID=\"" + pid + "\" PHYSICAL_IMG_NR=\"" + std::to_string(p.number) + "\" WIDTH=\"" +
         std::to_string(p.width) + "\" HEIGHT=\"" + std::to_string(p.height) + "\">\n";
    x += "      <PrintSpace" + Geometry(Box{0, 0, p.width, p.height}) + ">\n";
    for (size_t b = 0; b < p.blocks.size(); ++b) {
      const ArchiveBlock& block = p.blocks[b];
      const std::string bid = pid + "_B" + std::to_string(b + 1);
      char rotation[40] = "";
      if (std::abs(p.text_angle) >= 0.005) std::snprintf(rotation, sizeof rotation, " ROTATION=\"%.2f\"", p.text_angle);
      x += "        <TextBlock ID=\"" + bid + "\"" + Geometry(block.box) + rotation + " TAGREFS=\"" + TagId(block.role) + "\">\n";
      for (size_t l = 0; l < block.lines.size(); ++l) {
        const ArchiveLine& line = block.lines[l];
        const std::string lid = bid + "_L" + std::to_string(l + 1);
        x += "          <TextLine ID=\"" + lid + "\"" + Geometry(line.box) + ">\n";
        int strings = 0;
        auto emit_string = [&](const ArchiveWord& s) {
          char wc[16];
          std::snprintf(wc, sizeof wc, "%.2f", s.confidence / 100.0);
          x += "            <String ID=\"" + lid + "_W" + std::to_string(++strings) + "\"" + Geometry(s.box) +
               " CONTENT=\"" + XmlEscape(s.text) + "\" WC=\"" + wc + "\"/>\n";
        };
        for (size_t w = 0; w < line.words.size(); ++w) {
          const ArchiveWord& word = line.words[w];
          // A CJK word: a String per character (no SP between them).
          if (word.pieces.empty()) emit_string(word);
          for (const ArchiveWord& piece : word.pieces) emit_string(piece);
          if (word.space_after) {
            // Between this word and the next on the line, or at its end.
            const int sx = word.box.right();
            const int sw = w + 1 < line.words.size() ? std::max(0, line.words[w + 1].box.x - sx) : 0;
            x += "            <SP HPOS=\"" + std::to_string(sx) + "\" VPOS=\"" + std::to_string(word.box.y) +
                 "\" WIDTH=\"" + std::to_string(sw) + "\"/>\n";
          }
        }
        // A word that goes on on the next line (no space between): a hyphen
        // there, for readers; not part of the text (the .txt has none).
        if (l + 1 < block.lines.size() && !line.words.empty() && !line.words.back().space_after &&
            NeedsHyphen(line.words.back().text))
          x += "            <HYP CONTENT=\"-\"/>\n";
        x += "          </TextLine>\n";
      }
      x += "        </TextBlock>\n";
    }
    x += "      </PrintSpace>\n    </Page>\n";
  }
  x += "  </Layout>\n</alto>\n";
  return x;
}

}  // namespace ocrflow::formats
