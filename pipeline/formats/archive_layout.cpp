#include "pipeline/formats/archive_layout.h"

#include <algorithm>
#include <map>

#include "pipeline/core/geometry.h"
#include "pipeline/core/text_diff.h"
#include "stages/text/utf8.h"

namespace ocrflow::formats {
namespace {

// One code point of the OCR text of a paragraph's source lines.
struct SourceChar {
  int line = -1;        // index into the paragraph's source lines
  Box box;              // page coordinates
  bool has_box = false;
  float confidence = 0;
};

struct Source {
  std::u32string text;
  std::vector<SourceChar> chars;
};

std::u32string CodePoints(std::string_view s, std::vector<std::string>* pieces = nullptr) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    out.push_back(text::NextCodePoint(s, i));
    if (pieces) pieces->emplace_back(s.substr(start, i - start));
  }
  return out;
}

// `n` boxes cutting `b` evenly from left to right.
Box Slice(const Box& b, size_t i, size_t n) {
  const double w = static_cast<double>(b.w) / std::max<size_t>(1, n);
  const int x0 = b.x + static_cast<int>(i * w), x1 = b.x + static_cast<int>((i + 1) * w);
  return Box{x0, b.y, std::max(1, x1 - x0), b.h};
}

Box Union(const Box& a, const Box& b) {
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  return Box{x0, y0, std::max(a.right(), b.right()) - x0, std::max(a.bottom(), b.bottom()) - y0};
}

void AddLine(const Line& line, int index, Source& src) {
  auto add = [&](char32_t c, const Box* box, float conf) {
    src.text.push_back(c);
    SourceChar sc;
    sc.line = index;
    if (box) sc.box = *box, sc.has_box = true;
    sc.confidence = conf;
    src.chars.push_back(sc);
  };
  const float line_conf = line.confidence.value_or(0);
  if (line.words.empty()) {  // no words (plain text, an engine without them): the line box cut evenly
    const std::u32string cps = CodePoints(line.text);
    for (size_t i = 0; i < cps.size(); ++i) {
      Box b = line.box ? Slice(*line.box, i, cps.size()) : Box{};
      add(cps[i], line.box ? &b : nullptr, line_conf);
    }
    return;
  }
  char32_t last = 0;
  for (size_t k = 0; k < line.words.size(); ++k) {
    const Word& w = line.words[k];
    const std::u32string cps = CodePoints(w.text);
    if (cps.empty()) continue;
    if (last != 0 && !(text::IsCjk(last) && text::IsCjk(cps.front()))) {
      // The space between two words: the gap between their boxes.
      const Box& prev = line.words[k - 1].box;
      Box gap{prev.right(), std::min(prev.y, w.box.y), std::max(1, w.box.x - prev.right()),
              std::max(prev.bottom(), w.box.bottom()) - std::min(prev.y, w.box.y)};
      add(U' ', &gap, w.confidence);
    }
    for (size_t i = 0; i < cps.size(); ++i) {
      const Box b = Slice(w.box, i, cps.size());
      add(cps[i], &b, w.confidence);
    }
    last = cps.back();
  }
}

struct OutChar {
  std::string text;
  char32_t cp = 0;
  int line = -1;
  Box box;
  bool has_box = false;
  float confidence = 0;
};

// The pieces of a CJK word (ArchiveWord::pieces): each CJK character
// alone, each run of other characters together, with the union of their
// boxes mapped to the original image and their mean confidence. None when
// the word holds no strong CJK character or a character has no box.
std::vector<ArchiveWord> CjkPieces(const std::vector<const OutChar*>& chars, const ImageInfo& info) {
  std::vector<ArchiveWord> pieces;
  bool cjk = false;
  for (const OutChar* c : chars) {
    if (!c->has_box) return pieces;
    cjk |= text::IsCjkStrong(c->cp);
  }
  if (!cjk) return pieces;
  for (size_t i = 0; i < chars.size();) {
    size_t end = i + 1;
    if (!text::IsCjk(chars[i]->cp))
      while (end < chars.size() && !text::IsCjk(chars[end]->cp)) ++end;
    ArchiveWord piece;
    Box box = chars[i]->box;
    double conf = 0;
    for (size_t k = i; k < end; ++k) {
      piece.text += chars[k]->text;
      box = Union(box, chars[k]->box);
      conf += chars[k]->confidence;
    }
    piece.box = ToOriginal(info, box);
    piece.confidence = static_cast<float>(conf / static_cast<double>(end - i));
    pieces.push_back(std::move(piece));
    i = end;
  }
  return pieces;
}

ArchiveBlock BlockOf(const Paragraph& para, const std::vector<const Line*>& lines, const ImageInfo& info) {
  Source src;
  for (size_t i = 0; i < lines.size(); ++i) AddLine(*lines[i], static_cast<int>(i), src);
  std::vector<std::string> pieces;
  const std::u32string text = CodePoints(para.text, &pieces);
  const std::vector<int> match = AlignCodePoints(src.text, text);
  std::vector<OutChar> out(text.size());
  for (size_t j = 0; j < text.size(); ++j) {
    out[j].text = pieces[j];
    out[j].cp = text[j];
    if (match[j] >= 0) {
      const SourceChar& s = src.chars[static_cast<size_t>(match[j])];
      out[j].line = s.line, out[j].box = s.box, out[j].has_box = s.has_box, out[j].confidence = s.confidence;
    }
  }
  // Inserted or changed characters: the previous neighbour's place, else
  // the next one's. A space takes its line from before it, never a box.
  for (size_t j = 0; j < out.size(); ++j) {
    if (out[j].line >= 0 && out[j].cp != U' ') continue;
    if (j > 0 && out[j - 1].line >= 0) {
      out[j].line = out[j - 1].line;
      if (!out[j].has_box) out[j].box = out[j - 1].box, out[j].has_box = out[j - 1].has_box;
      if (out[j].confidence == 0) out[j].confidence = out[j - 1].confidence;
    }
  }
  for (size_t j = out.size(); j-- > 0;) {
    if (out[j].line >= 0) continue;
    if (j + 1 < out.size() && out[j + 1].line >= 0) {
      out[j].line = out[j + 1].line, out[j].box = out[j + 1].box, out[j].has_box = out[j + 1].has_box;
      out[j].confidence = out[j + 1].confidence;
    } else {
      out[j].line = 0;  // a paragraph with nothing aligned: its first source line
      if (!lines.empty() && lines[0]->box) out[j].box = *lines[0]->box, out[j].has_box = true;
    }
  }
  ArchiveBlock block;
  block.role = para.role;
  std::vector<Box> line_boxes;  // page coordinates, for the line boxes
  std::vector<bool> line_has;
  int cur_line = -2;
  ArchiveWord word;
  Box word_box;
  bool word_has = false;
  double conf_sum = 0;
  int conf_n = 0;
  std::vector<const OutChar*> word_chars;
  auto flush_word = [&](bool space_after) {
    if (word.text.empty()) {
      if (space_after && !block.lines.empty() && !block.lines.back().words.empty())
        block.lines.back().words.back().space_after = true;
      return;
    }
    word.space_after = space_after;
    word.confidence = conf_n ? static_cast<float>(conf_sum / conf_n) : 0;
    word.box = word_has ? ToOriginal(info, word_box) : Box{};
    word.pieces = CjkPieces(word_chars, info);
    word_chars.clear();
    if (word_has) {
      if (line_has.back()) line_boxes.back() = Union(line_boxes.back(), word_box);
      else line_boxes.back() = word_box, line_has.back() = true;
    }
    block.lines.back().words.push_back(std::move(word));
    word = ArchiveWord{};
    word_has = false;
    conf_sum = 0, conf_n = 0;
  };
  for (const OutChar& c : out) {
    if (c.cp == U' ') {
      flush_word(true);
      continue;
    }
    if (c.line != cur_line) {
      if (!block.lines.empty()) flush_word(false);
      block.lines.emplace_back();
      line_boxes.emplace_back();
      line_has.push_back(false);
      cur_line = c.line;
    }
    word.text += c.text;
    word_chars.push_back(&c);
    if (c.has_box) word_box = word_has ? Union(word_box, c.box) : c.box, word_has = true;
    conf_sum += c.confidence, ++conf_n;
  }
  if (!block.lines.empty()) flush_word(false);
  bool block_has = false;
  Box block_box;
  for (size_t i = 0; i < block.lines.size(); ++i) {
    if (!line_has[i]) continue;
    block.lines[i].box = ToOriginal(info, line_boxes[i]);
    block_box = block_has ? Union(block_box, line_boxes[i]) : line_boxes[i];
    block_has = true;
  }
  if (block_has) block.box = ToOriginal(info, block_box);
  return block;
}

}  // namespace

ArchivePage LayoutForArchive(const Page& page) {
  ArchivePage out;
  out.number = page.number;
  out.width = page.info.width;
  out.height = page.info.height;
  out.dpi = page.info.dpi > 0 ? page.info.dpi * OriginalPixelsPerPagePixel(page.info) : 0;
  bool rotated = false;
  for (const ImageStep& st : page.info.steps) rotated |= st.stage == "deskew";
  out.text_angle = page.info.orientation + (rotated ? page.info.skew_degrees : 0);
  std::map<int, const Line*> by_number;
  for (const Block& b : page.blocks)
    for (const Line& l : b.lines)
      if (l.source_line > 0) by_number.emplace(l.source_line, &l);
  for (const Paragraph& para : page.paragraphs) {
    if (para.text.empty()) continue;  // not in the .txt either (RenderParagraphs)
    std::vector<const Line*> lines;
    for (auto it = by_number.lower_bound(para.first_line); it != by_number.end() && it->first <= para.last_line; ++it)
      lines.push_back(it->second);
    out.blocks.push_back(BlockOf(para, lines, page.info));
  }
  return out;
}

std::string ArchiveText(const std::vector<ArchivePage>& pages) {
  std::string out;
  for (const ArchivePage& p : pages)
    for (const ArchiveBlock& b : p.blocks) {
      for (const ArchiveLine& l : b.lines)
        for (const ArchiveWord& w : l.words) {
          out += w.text;
          if (w.space_after) out += ' ';
        }
      out += '\n';
    }
  return out;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
        out += ch;
    }
  }
  return out;
}

}  // namespace ocrflow::formats
