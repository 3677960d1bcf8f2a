#include "pipeline/formats/page_xml.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace ocrflow::formats {
namespace {

std::string Coords(const Box& b) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "<Coords points=\"%d,%d %d,%d %d,%d %d,%d\"/>", b.x, b.y, b.right(), b.y, b.right(),
                b.bottom(), b.x, b.bottom());
  return buf;
}

std::string Equiv(const std::string& text, double conf = -1) {
  std::string x = "<TextEquiv";
  if (conf >= 0) {
    char c[32];
    std::snprintf(c, sizeof c, " conf=\"%.2f\"", conf);
    x += c;
  }
  return x + "><Unicode>" + XmlEscape(text) + "</Unicode></TextEquiv>";
}

// PAGE's region types: a headline is a heading, a caption a caption; the
// rest is paragraph text (ocrflow's role stays in `custom`).
const char* RegionType(Role role) {
  switch (role) {
    case Role::kHeadline:
    case Role::kSubheadline: return "heading";
    case Role::kCaption: return "caption";
    case Role::kRunningHeader: return "header";
    case Role::kRunningFooter: return "footer";
    case Role::kListItem: return "list-label";
    default: return "paragraph";
  }
}

}  // namespace

std::vector<std::string> RenderPageXml(const std::vector<ArchivePage>& pages, const std::string& source) {
  std::vector<std::string> out;
  char now[32];
  // SOURCE_DATE_EPOCH (reproducible-builds.org) fixes the time, so that
  // two runs on the same input give the same bytes.
  std::time_t t = std::time(nullptr);
  if (const char* fixed = std::getenv("SOURCE_DATE_EPOCH"); fixed != nullptr && *fixed != '\0') {
    char* end = nullptr;
    const long long v = std::strtoll(fixed, &end, 10);
    if (*end == '\0' && v >= 0) t = static_cast<std::time_t>(v);
  }
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S", &utc);
  for (const ArchivePage& p : pages) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += "<PcGts xmlns=\"http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15 "
         "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15/pagecontent.xsd\">\n";
    x += std::string("  <Metadata><Creator>ocrflow</Creator><Created>") + now + "</Created><LastChange>" + now +
         "</LastChange></Metadata>\n";
    x += "  <Page imageFilename=\"" + XmlEscape(source) + "\" imageWidth=\"" + std::to_string(p.width) +
         "\" imageHeight=\"" + std::to_string(p.height) + "\">\n";
    const std::string pid = "p" + std::to_string(p.number);
    if (!p.blocks.empty()) {
      x += "    <ReadingOrder><OrderedGroup id=\"" + pid + "_ro\">";
      for (size_t b = 0; b < p.blocks.size(); ++b)
        x += "<RegionRefIndexed index=\"" + std::to_string(b) + "\" regionRef=\"" + pid + "_r" + std::to_string(b + 1) + "\"/>";
      x += "</OrderedGroup></ReadingOrder>\n";
    }
    for (size_t b = 0; b < p.blocks.size(); ++b) {
      const ArchiveBlock& block = p.blocks[b];
      const std::string rid = pid + "_r" + std::to_string(b + 1);
      // orientation: the degrees clockwise that right the text (as ALTO's
      // ROTATION: it stands turned that much counterclockwise).
      char orientation[48] = "";
      if (std::abs(p.text_angle) >= 0.005) std::snprintf(orientation, sizeof orientation, " orientation=\"%.2f\"", p.text_angle);
      x += "    <TextRegion id=\"" + rid + "\" type=\"" + RegionType(block.role) + "\" custom=\"role {type:" +
           RoleName(block.role) + ";}\"" + orientation + ">" + Coords(block.box) + "\n";
      std::string region_text;
      for (size_t l = 0; l < block.lines.size(); ++l) {
        const ArchiveLine& line = block.lines[l];
        const std::string lid = rid + "_l" + std::to_string(l + 1);
        x += "      <TextLine id=\"" + lid + "\">" + Coords(line.box) + "\n";
        std::string line_text;
        for (size_t w = 0; w < line.words.size(); ++w) {
          const ArchiveWord& word = line.words[w];
          x += "        <Word id=\"" + lid + "_w" + std::to_string(w + 1) + "\">" + Coords(word.box) +
               Equiv(word.text, word.confidence / 100.0) + "</Word>\n";
          line_text += word.text;
          if (word.space_after) line_text += ' ';
        }
        region_text += line_text;
        while (!line_text.empty() && line_text.back() == ' ') line_text.pop_back();
        x += "        " + Equiv(line_text) + "\n      </TextLine>\n";
      }
      x += "      " + Equiv(region_text) + "\n    </TextRegion>\n";
    }
    x += "  </Page>\n</PcGts>\n";
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace ocrflow::formats
