#include "stages/ocr/words.h"

#include <algorithm>
#include <cmath>

#include "stages/ocr/ppocr.h"
#include "stages/text/utf8.h"

namespace ocrflow::ocr {
namespace {

struct Glyph {
  std::string text;
  char32_t cp = 0;
  double x0 = 0, x1 = 0;  // page x
  double prob = 0;
};

// Splits `text` into code points; each gets its place along the line.
std::vector<Glyph> Glyphs(const CtcReading& read, const std::string& text, const Box& crop, const Box& line_box) {
  std::vector<Glyph> g;
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    const char32_t c = text::NextCodePoint(text, i);
    g.push_back({text.substr(start, i - start), c, 0, 0, read.confidence});
  }
  // The reading's characters are the text's when nothing was trimmed away
  // inside; trimming takes spaces at the ends only.
  std::vector<const CtcChar*> chars;
  if (read.steps > 0 && !read.chars.empty()) {
    size_t k = 0, lead = 0;
    for (size_t i = 0; i < read.text.size() && read.text[i] == ' '; ++i) ++lead;
    for (size_t c = lead; c < read.chars.size() && k < g.size(); ++c, ++k) chars.push_back(&read.chars[c]);
  }
  if (chars.size() == g.size() && !g.empty()) {
    const int input = read.input_width > 0 ? read.input_width : PpOcrRecognizer::InputWidth(crop.w, crop.h);
    const double step_px = static_cast<double>(PpOcrRecognizer::PaddedWidth(input)) / read.steps * crop.w / input;
    std::vector<double> centre(g.size());
    for (size_t i = 0; i < g.size(); ++i) {
      centre[i] = crop.x + (0.5 * (chars[i]->first_step + chars[i]->last_step) + 0.5) * step_px;
      g[i].prob = chars[i]->probability;
    }
    for (size_t i = 0; i < g.size(); ++i) {
      const double left_gap = i > 0 ? centre[i] - centre[i - 1] : (i + 1 < g.size() ? centre[i + 1] - centre[i] : step_px * 4);
      const double right_gap = i + 1 < g.size() ? centre[i + 1] - centre[i] : left_gap;
      g[i].x0 = centre[i] - left_gap / 2;
      g[i].x1 = centre[i] + right_gap / 2;
    }
    // Inside the line's box: PP-OCR's crop has a margin around it. The
    // line's ink starts with the first character and ends with the last:
    // their outer edges are the line box's (a CTC spike is no glyph edge).
    for (Glyph& x : g) {
      x.x0 = std::clamp<double>(x.x0, line_box.x, line_box.right());
      x.x1 = std::clamp<double>(x.x1, line_box.x, line_box.right());
    }
    g.front().x0 = line_box.x;
    g.back().x1 = line_box.right();
  } else {
    const double w = g.empty() ? 0 : static_cast<double>(line_box.w) / g.size();
    for (size_t i = 0; i < g.size(); ++i) g[i].x0 = line_box.x + i * w, g[i].x1 = line_box.x + (i + 1) * w;
  }
  return g;
}

}  // namespace

std::vector<Word> PpOcrWords(const CtcReading& read, const std::string& text, const Box& crop, const Box& line_box) {
  const std::vector<Glyph> g = Glyphs(read, text, crop, line_box);
  std::vector<Word> words;
  double x0 = 0, x1 = 0, prob = 0;
  int n = 0;
  std::string cur;
  auto flush = [&]() {
    if (cur.empty()) return;
    Word w;
    w.text = std::move(cur);
    const int l = static_cast<int>(std::floor(x0)), r = static_cast<int>(std::ceil(x1));
    w.box = Box{l, line_box.y, std::max(1, r - l), line_box.h};
    w.confidence = static_cast<float>(100 * prob / std::max(1, n));
    words.push_back(std::move(w));
    cur.clear();
    prob = 0, n = 0;
  };
  for (const Glyph& c : g) {
    if (c.cp == U' ') {
      flush();
      continue;
    }
    const bool cjk = text::IsCjk(c.cp);
    if (cjk || (!cur.empty() && text::IsCjk(text::LastCodePoint(cur)))) flush();
    if (cur.empty()) x0 = c.x0;
    x1 = c.x1;
    cur += c.text;
    prob += c.prob;
    ++n;
    if (cjk) flush();
  }
  flush();
  return words;
}

}  // namespace ocrflow::ocr
