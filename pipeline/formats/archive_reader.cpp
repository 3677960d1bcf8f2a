#include "pipeline/formats/archive_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "pipeline/core/geometry.h"
#include "stages/text/utf8.h"

namespace ocrflow::formats {
namespace {

// --- a small XML scanner ----------------------------------------------------

struct Tag {
  std::string name;  // local name (prefix dropped)
  std::map<std::string, std::string> attrs;
  bool closing = false, self_closing = false;
};

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6)), out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12)), out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18)), out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F)), out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    const std::string_view e = s.substr(i + 1, semi - i - 1);
    if (e == "amp") out += '&';
    else if (e == "lt") out += '<';
    else if (e == "gt") out += '>';
    else if (e == "quot") out += '"';
    else if (e == "apos") out += '\'';
    else if (e.size() > 1 && e[0] == '#') {
      const bool hex = e[1] == 'x' || e[1] == 'X';
      const long v = std::strtol(std::string(e.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
      if (v > 0 && v < 0x110000) AppendUtf8(out, static_cast<char32_t>(v));
    } else {
      out.append(s.substr(i, semi - i + 1));  // unknown: kept as written
    }
    i = semi;
  }
  return out;
}

// Calls on_tag for each element tag and on_text for the text between tags,
// in document order. Comments, declarations and processing instructions
// are skipped. False when a tag never ends.
template <typename OnTag, typename OnText>
bool Scan(std::string_view x, OnTag on_tag, OnText on_text) {
  size_t i = 0;
  while (i < x.size()) {
    const size_t lt = x.find('<', i);
    if (lt == std::string_view::npos) {
      on_text(x.substr(i));
      return true;
    }
    if (lt > i) on_text(x.substr(i, lt - i));
    if (x.compare(lt, 4, "<!--") == 0) {
      const size_t end = x.find("-->", lt);
      if (end == std::string_view::npos) return false;
      i = end + 3;
      continue;
    }
    if (x.compare(lt, 9, "<![CDATA[") == 0) {
      const size_t end = x.find("]]>", lt);
      if (end == std::string_view::npos) return false;
      on_text(x.substr(lt + 9, end - lt - 9));
      i = end + 3;
      continue;
    }
    // A tag ends at the first '>' outside quotes.
    size_t j = lt + 1;
    char quote = 0;
    for (; j < x.size(); ++j) {
      if (quote) {
        if (x[j] == quote) quote = 0;
      } else if (x[j] == '"' || x[j] == '\'') {
        quote = x[j];
      } else if (x[j] == '>') {
        break;
      }
    }
    if (j >= x.size()) return false;
    const std::string_view body = x.substr(lt + 1, j - lt - 1);
    i = j + 1;
    if (body.empty() || body[0] == '?' || body[0] == '!') continue;
    Tag t;
    size_t k = 0;
    if (body[0] == '/') t.closing = true, k = 1;
    size_t n = k;
    while (n < body.size() && !std::isspace(static_cast<unsigned char>(body[n])) && body[n] != '/') ++n;
    t.name = std::string(body.substr(k, n - k));
    if (const size_t colon = t.name.find(':'); colon != std::string::npos) t.name = t.name.substr(colon + 1);
    t.self_closing = body.back() == '/';
    while (n < body.size()) {
      while (n < body.size() && (std::isspace(static_cast<unsigned char>(body[n])) || body[n] == '/')) ++n;
      const size_t a = n;
      while (n < body.size() && body[n] != '=' && !std::isspace(static_cast<unsigned char>(body[n]))) ++n;
      std::string name(body.substr(a, n - a));
      while (n < body.size() && std::isspace(static_cast<unsigned char>(body[n]))) ++n;
      if (n >= body.size() || body[n] != '=') continue;
      ++n;
      while (n < body.size() && std::isspace(static_cast<unsigned char>(body[n]))) ++n;
      if (n >= body.size() || (body[n] != '"' && body[n] != '\'')) continue;
      const char q = body[n++];
      const size_t v = n;
      while (n < body.size() && body[n] != q) ++n;
      t.attrs[name] = Unescape(body.substr(v, n - v));
      ++n;
    }
    on_tag(t);
  }
  return true;
}

// A coordinate or size as written in an archive file, when it is a number a
// page can have (within kMaxCoordinate: box arithmetic on it cannot
// overflow an int); nullopt for NaN, infinity or 1e24.
constexpr double kMaxCoordinate = 1e7;
std::optional<int> Coordinate(double v) {
  if (!std::isfinite(v) || std::abs(v) > kMaxCoordinate) return std::nullopt;
  return static_cast<int>(std::lround(v));
}

// An attribute as a coordinate; 0 when missing or out of range.
int Int(const Tag& t, const char* name) {
  auto it = t.attrs.find(name);
  return it == t.attrs.end() ? 0 : Coordinate(std::strtod(it->second.c_str(), nullptr)).value_or(0);
}

std::optional<Role> RoleByName(const std::string& name) {
  for (Role r : {Role::kBody, Role::kHeadline, Role::kSubheadline, Role::kByline, Role::kCaption, Role::kListItem,
                 Role::kBoilerplate, Role::kRunningHeader, Role::kRunningFooter, Role::kJump, Role::kPullQuote,
                 Role::kInset})
    if (name == RoleName(r)) return r;
  return std::nullopt;
}

// --- geometry ---------------------------------------------------------------

Box UnionOf(const std::vector<Word>& words) {
  Box b = words.front().box;
  for (const Word& w : words) {
    const int x0 = std::min(b.x, w.box.x), y0 = std::min(b.y, w.box.y);
    b = Box{x0, y0, std::max(b.right(), w.box.right()) - x0, std::max(b.bottom(), w.box.bottom()) - y0};
  }
  return b;
}

// The box `b` of text standing turned `degrees` counterclockwise on a
// width x height page, upright: its centre turned back about the page's
// centre, its size the upright box whose bounding box `b` is.
Box Upright(const Box& b, double degrees, int width, int height) {
  if (std::abs(degrees) < 0.005) return b;
  const double a = degrees * M_PI / 180, c = std::cos(a), s = std::sin(a);
  const double cx = width / 2.0, cy = height / 2.0;
  const double dx = b.x + b.w / 2.0 - cx, dy = b.y + b.h / 2.0 - cy;
  // Turning the page clockwise by `degrees` (y down).
  const double x = cx + dx * c - dy * s, y = cy + dx * s + dy * c;
  double w, h;
  UprightSize(b.w, b.h, degrees, &w, &h);
  return Box{static_cast<int>(std::lround(x - w / 2)), static_cast<int>(std::lround(y - h / 2)),
             static_cast<int>(std::lround(w)), static_cast<int>(std::lround(h))};
}

// A block of an archive file may run over a column break (ocrflow writes a
// block per paragraph, and a paragraph goes on at the top of the next
// column): the reflow measures indents and widths per column, so a block
// is cut where a line starts above the one before it.
void SplitAtColumnBreaks(std::vector<Block>& blocks) {
  std::vector<Block> out;
  for (Block& b : blocks) {
    Block cur = b;
    cur.lines.clear();
    for (Line& l : b.lines) {
      if (!cur.lines.empty() && l.box && cur.lines.back().box && l.box->bottom() <= cur.lines.back().box->y) {
        out.push_back(cur);
        cur.lines.clear();
        cur.box.reset();
      }
      if (l.box) {
        const Box& lb = *l.box;
        if (!cur.box) cur.box = lb;
        const int x0 = std::min(cur.box->x, lb.x), y0 = std::min(cur.box->y, lb.y);
        cur.box = Box{x0, y0, std::max(cur.box->right(), lb.right()) - x0, std::max(cur.box->bottom(), lb.bottom()) - y0};
      }
      cur.lines.push_back(std::move(l));
    }
    out.push_back(std::move(cur));
  }
  blocks = std::move(out);
}

// --- building pages -----------------------------------------------------------

struct Builder {
  std::vector<Page> pages;
  double angle = 0;  // of the current block
  int line_no = 0;

  Page* page() { return pages.empty() ? nullptr : &pages.back(); }
  void StartPage(int width, int height) {
    pages.emplace_back();
    pages.back().number = static_cast<int>(pages.size());
    pages.back().info.width = width, pages.back().info.height = height;
    line_no = 0;
  }
  Block* block() {
    if (pages.empty()) StartPage(0, 0);
    if (page()->blocks.empty()) page()->blocks.emplace_back();
    return &page()->blocks.back();
  }
  void StartBlock(std::optional<Box> box, std::optional<Role> role, double degrees) {
    if (pages.empty()) StartPage(0, 0);
    Block b;
    angle = degrees;
    if (box && box->w > 0) b.box = Upright(*box, angle, page()->info.width, page()->info.height);
    if (role) b.layout_role = *role;
    page()->blocks.push_back(std::move(b));
  }
  Line* StartLine(std::optional<Box> box) {
    if (pages.empty()) StartPage(0, 0);  // a line outside any page (archive_fuzz found it)
    Line l;
    l.source_line = ++line_no;
    if (box && box->w > 0) l.box = Upright(*box, angle, page()->info.width, page()->info.height);
    block()->lines.push_back(std::move(l));
    return &block()->lines.back();
  }
  void AddWord(Line& line, std::string text, const Box& box, float conf) {
    if (pages.empty()) StartPage(0, 0);
    Word w;
    w.text = std::move(text);
    w.box = Upright(box, angle, page()->info.width, page()->info.height);
    w.confidence = conf;
    line.words.push_back(std::move(w));
  }
  // Text, box and confidence of every line from its words.
  void Finish() {
    for (Page& p : pages) {
      for (Block& b : p.blocks) {
        for (Line& l : b.lines) {
          while (!l.text.empty() && l.text.back() == ' ') l.text.pop_back();
          if (!l.words.empty()) {
            if (!l.box) l.box = UnionOf(l.words);
            double sum = 0;
            for (const Word& w : l.words) sum += w.confidence;
            l.confidence = static_cast<float>(sum / l.words.size());
          }
          if (b.layout_role) l.role = *b.layout_role, l.role_reason = "layout";
        }
        std::erase_if(b.lines, [](const Line& l) { return l.text.empty(); });
      }
      std::erase_if(p.blocks, [](const Block& b) { return b.lines.empty(); });
      SplitAtColumnBreaks(p.blocks);
      p.info.blank = p.blocks.empty();
    }
  }
};

}  // namespace

Result<std::vector<Page>> ReadAlto(std::string_view xml) {
  // Tags first: a TextBlock's TAGREFS names them.
  std::map<std::string, std::string> labels;
  bool alto = false;
  bool ok = Scan(
      xml,
      [&](const Tag& t) {
        if (t.name == "alto") alto = true;
        if (!t.closing && (t.name == "StructureTag" || t.name == "LayoutTag" || t.name == "OtherTag"))
          labels[t.attrs.count("ID") ? t.attrs.at("ID") : ""] = t.attrs.count("LABEL") ? t.attrs.at("LABEL") : "";
      },
      [](std::string_view) {});
  if (!ok) return Status(Code::kBadInput, "not XML: a tag does not end");
  if (!alto) return Status(Code::kBadInput, "no <alto> element: not an ALTO file");
  Builder b;
  Line* line = nullptr;
  auto box_of = [](const Tag& t) { return Box{Int(t, "HPOS"), Int(t, "VPOS"), Int(t, "WIDTH"), Int(t, "HEIGHT")}; };
  Scan(
      xml,
      [&](const Tag& t) {
        if (t.closing) {
          if (t.name == "TextLine") line = nullptr;
          return;
        }
        if (t.name == "Page") {
          b.StartPage(Int(t, "WIDTH"), Int(t, "HEIGHT"));
        } else if (t.name == "TextBlock") {
          std::optional<Role> role;
          if (auto it = t.attrs.find("TAGREFS"); it != t.attrs.end()) {
            for (size_t at = 0; at <= it->second.size();) {
              size_t sp = it->second.find(' ', at);
              if (sp == std::string::npos) sp = it->second.size();
              if (auto l = labels.find(it->second.substr(at, sp - at)); l != labels.end() && !role)
                role = RoleByName(l->second);
              at = sp + 1;
            }
          }
          double rotation = 0;
          if (auto it = t.attrs.find("ROTATION"); it != t.attrs.end()) rotation = std::strtod(it->second.c_str(), nullptr);
          b.StartBlock(box_of(t), role, rotation);
        } else if (t.name == "TextLine") {
          line = b.StartLine(box_of(t));
        } else if (line != nullptr && t.name == "String") {
          std::string content = t.attrs.count("CONTENT") ? t.attrs.at("CONTENT") : "";
          if (content.empty()) return;
          line->text += content;
          float wc = t.attrs.count("WC") ? static_cast<float>(std::strtod(t.attrs.at("WC").c_str(), nullptr) * 100) : 0;
          b.AddWord(*line, std::move(content), box_of(t), wc);
        } else if (line != nullptr && t.name == "SP") {
          if (!line->text.empty() && line->text.back() != ' ') line->text += ' ';
        } else if (line != nullptr && t.name == "HYP") {
          line->text += t.attrs.count("CONTENT") ? t.attrs.at("CONTENT") : "-";
        }
      },
      [](std::string_view) {});
  b.Finish();
  if (b.pages.empty()) return Status(Code::kBadInput, "no <Page> in the ALTO file");
  return b.pages;
}

namespace {

// hOCR's title="bbox 1 2 3 4; x_wconf 93; textangle 2": one property's numbers.
std::vector<double> Property(const Tag& t, std::string_view name) {
  std::vector<double> out;
  auto it = t.attrs.find("title");
  if (it == t.attrs.end()) return out;
  const std::string& title = it->second;
  for (size_t at = 0; at < title.size();) {
    size_t semi = title.find(';', at);
    if (semi == std::string::npos) semi = title.size();
    std::string_view prop(title.data() + at, semi - at);
    while (!prop.empty() && prop.front() == ' ') prop.remove_prefix(1);
    if (prop.substr(0, name.size()) == name && (prop.size() == name.size() || prop[name.size()] == ' ')) {
      std::string rest(prop.substr(name.size()));
      char* p = rest.data();
      for (;;) {
        char* end = nullptr;
        const double v = std::strtod(p, &end);
        if (end == p) break;
        out.push_back(v);
        p = end;
      }
      return out;
    }
    at = semi + 1;
  }
  return out;
}

std::optional<Box> BboxOf(const Tag& t) {
  const auto v = Property(t, "bbox");
  if (v.size() != 4) return std::nullopt;
  const auto x0 = Coordinate(v[0]), y0 = Coordinate(v[1]), x1 = Coordinate(v[2]), y1 = Coordinate(v[3]);
  if (!x0 || !y0 || !x1 || !y1) return std::nullopt;  // no box rather than a wrapped one
  return Box{*x0, *y0, *x1 - *x0, *y1 - *y0};
}

bool HasClass(const Tag& t, std::string_view cls) {
  auto it = t.attrs.find("class");
  if (it == t.attrs.end()) return false;
  const std::string& c = it->second;
  for (size_t at = 0; at <= c.size();) {
    size_t sp = c.find(' ', at);
    if (sp == std::string::npos) sp = c.size();
    if (std::string_view(c).substr(at, sp - at) == cls) return true;
    at = sp + 1;
  }
  return false;
}

}  // namespace

Result<std::vector<Page>> ReadHocr(std::string_view x) {
  Builder b;
  Line* line = nullptr;
  // The elements open around the current point: which one a closing tag
  // ends (a word's span inside a line's span inside a paragraph...).
  std::vector<std::string> open;  // "word", "line", "" (anything else)
  std::string word;
  Box word_box;
  float word_conf = 0;
  bool in_word = false;
  double angle = 0;
  const bool ok = Scan(
      x,
      [&](const Tag& t) {
        static const std::set<std::string> kVoid = {"meta", "br", "img", "link", "hr", "input"};
        if (t.closing) {
          if (open.empty()) return;
          const std::string what = open.back();
          open.pop_back();
          if (what == "word" && in_word) {
            in_word = false;
            if (word.empty() || line == nullptr) return;
            if (!line->text.empty() &&
                !(text::IsCjk(text::LastCodePoint(line->text)) && text::IsCjk(text::FirstCodePoint(word))))
              line->text += ' ';
            line->text += word;
            b.AddWord(*line, word, word_box, word_conf);
          } else if (what == "line") {
            line = nullptr;
          }
          return;
        }
        std::string what;
        if (HasClass(t, "ocr_page")) {
          const auto box = BboxOf(t);
          b.StartPage(box ? box->w : 0, box ? box->h : 0);
        } else if (HasClass(t, "ocr_carea")) {
          const auto ta = Property(t, "textangle");
          angle = ta.empty() ? 0 : ta[0];
          std::optional<Role> role;
          b.StartBlock(BboxOf(t), role, angle);
        } else if (HasClass(t, "ocr_par")) {
          if (auto it = t.attrs.find("data-role"); it != t.attrs.end())
            if (auto role = RoleByName(it->second); role && !b.pages.empty()) b.block()->layout_role = *role;
        } else if (HasClass(t, "ocr_line") || HasClass(t, "ocrx_line") || HasClass(t, "ocr_header") ||
                   HasClass(t, "ocr_caption") || HasClass(t, "ocr_textfloat")) {
          line = b.StartLine(BboxOf(t));
          what = "line";
        } else if (HasClass(t, "ocrx_word") && line != nullptr) {
          in_word = true;
          word.clear();
          word_box = BboxOf(t).value_or(line->box.value_or(Box{}));
          const auto conf = Property(t, "x_wconf");
          word_conf = conf.empty() ? 0 : static_cast<float>(conf[0]);
          what = "word";
        }
        if (!t.self_closing && !kVoid.count(t.name)) open.push_back(what);
      },
      [&](std::string_view text) {
        if (!in_word) return;
        std::string t = Unescape(text);
        for (char& c : t)
          if (c == '\n' || c == '\t' || c == '\r') c = ' ';
        word += t;
        while (!word.empty() && word.front() == ' ') word.erase(word.begin());
        while (!word.empty() && word.back() == ' ') word.pop_back();
      });
  if (!ok) return Status(Code::kBadInput, "not XML: a tag does not end");
  b.Finish();
  if (b.pages.empty()) return Status(Code::kBadInput, "no ocr_page in the hOCR file");
  return b.pages;
}

namespace {

// --- PAGE XML ---------------------------------------------------------------

struct PageWord {
  std::string text;
  Box box;
  float conf = 0;
};
struct PageLine {
  std::string id, equiv;
  bool has_equiv = false;
  Box box;
  float conf = -1;
  std::vector<PageWord> words;
};
struct PageRegion {
  std::string id;
  Box box;
  std::optional<double> orientation;  // degrees clockwise that right the text: it stands turned that much counterclockwise
  std::optional<Role> role;
  std::vector<PageLine> lines;
};

// PAGE's TextRegion types that name one of our roles; the others
// (paragraph, marginalia, footnote, ...) are body text for the reflow.
std::optional<Role> RoleOfRegionType(const std::string& type) {
  if (type == "heading") return Role::kHeadline;
  if (type == "caption") return Role::kCaption;
  if (type == "header") return Role::kRunningHeader;
  if (type == "footer" || type == "page-number") return Role::kRunningFooter;
  if (type == "list-label") return Role::kListItem;
  return std::nullopt;
}

// `custom="role {type:headline;}"` (what our writer puts): that role.
std::optional<Role> RoleOfCustom(const std::string& custom) {
  const size_t at = custom.find("role {type:");
  if (at == std::string::npos) return std::nullopt;
  const size_t from = at + 11, end = custom.find_first_of(";}", from);
  if (end == std::string::npos) return std::nullopt;
  return RoleByName(custom.substr(from, end - from));
}

// "x,y x,y ...": the polygon's bounding box; an error names what is wrong.
Result<Box> PolygonBox(const std::string& points) {
  const char* p = points.c_str();
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  int n = 0;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
    if (*p == 0) break;
    char* end = nullptr;
    const double x = std::strtod(p, &end);
    if (end == p || *end != ',') return Status(Code::kBadInput, "points \"" + points + "\": not x,y pairs");
    p = end + 1;
    const double y = std::strtod(p, &end);
    if (end == p || (*end != 0 && *end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') || !std::isfinite(x) ||
        !std::isfinite(y))
      return Status(Code::kBadInput, "points \"" + points + "\": not x,y pairs");
    p = end;
    x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    ++n;
  }
  if (n == 0) return Status(Code::kBadInput, "empty points");
  if (x1 - x0 > 1e9 || y1 - y0 > 1e9 || std::abs(x0) > 1e9 || std::abs(y0) > 1e9)
    return Status(Code::kBadInput, "points \"" + points + "\": out of range");
  return Box{static_cast<int>(std::lround(x0)), static_cast<int>(std::lround(y0)),
             static_cast<int>(std::lround(x1 - x0)), static_cast<int>(std::lround(y1 - y0))};
}

// A ReadingOrder group or reference: its index among its siblings, the
// region it names (a group may name one too) and what it holds.
struct OrderNode {
  long index = 0;
  std::string ref;
  std::vector<OrderNode> children;
};

void Flatten(OrderNode& n, std::vector<std::string>& out) {
  if (!n.ref.empty()) out.push_back(n.ref);
  std::stable_sort(n.children.begin(), n.children.end(),
                   [](const OrderNode& a, const OrderNode& b) { return a.index < b.index; });
  for (OrderNode& c : n.children) Flatten(c, out);
}

bool WordsAreLine(const PageLine& l) {
  std::string words, line;
  for (const PageWord& w : l.words) words += w.text;
  for (char c : l.equiv)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') line += c;
  std::erase_if(words, [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
  return words == line;
}

std::string Trimmed(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

Result<std::vector<Page>> ReadPageXml(std::string_view x) {
  bool pcgts = false, page_seen = false;
  int width = 0, height = 0;
  double page_orientation = 0;
  std::vector<PageRegion> regions;
  std::optional<Status> error;
  // Where we are: the open elements (local names), the region / line /
  // word being read, the innermost element whose TextEquiv is being read.
  std::vector<std::string> open;
  int region = -1, skip_depth = 0;  // skip_depth: inside a non-text region (a table's cells)
  std::vector<int> outer;            // the TextRegions around a nested one
  PageLine* line = nullptr;
  PageWord* word = nullptr;
  bool word_has_coords = false, word_has_equiv = false;
  std::string unicode;
  bool in_unicode = false;
  std::string equiv_owner;  // "TextLine", "Word" or "" while in a TextEquiv; the first one counts
  std::vector<OrderNode> order_stack;
  OrderNode order_root;
  bool has_order = false;
  auto fail = [&](const std::string& what) {
    if (!error) error = Status(Code::kBadInput, what);
  };
  static const std::set<std::string> kGroups = {"OrderedGroup", "UnorderedGroup", "OrderedGroupIndexed",
                                                "UnorderedGroupIndexed", "RegionRefIndexed", "RegionRef"};
  auto id_of = [](const Tag& t) { return t.attrs.count("id") ? t.attrs.at("id") : std::string("(no id)"); };
  const bool ok = Scan(
      x,
      [&](const Tag& t) {
        if (error) return;
        const std::string& n = t.name;
        if (t.closing) {
          if (open.empty() || open.back() != n) return fail("</" + n + "> does not close <" + (open.empty() ? "" : open.back()) + ">");
          open.pop_back();
          if (skip_depth > 0) {
            if (n.size() > 6 && n.ends_with("Region")) --skip_depth;
            return;
          }
          if (n == "Unicode") in_unicode = false;
          else if (n == "TextEquiv") equiv_owner.clear();
          else if (n == "Word" && word) {
            if (!word_has_coords) return fail("Word in TextLine " + line->id + " has no Coords");
            if (word->text.empty()) line->words.pop_back();
            word = nullptr;
          } else if (n == "TextLine") {
            line = nullptr;
          } else if (n == "TextRegion") {
            region = outer.empty() ? -1 : outer.back();
            if (!outer.empty()) outer.pop_back();
            line = nullptr;
          } else if (kGroups.count(n) && !order_stack.empty()) {
            OrderNode done = std::move(order_stack.back());
            order_stack.pop_back();
            (order_stack.empty() ? order_root : order_stack.back()).children.push_back(std::move(done));
          }
          return;
        }
        if (!t.self_closing) open.push_back(n);
        if (n == "PcGts") pcgts = true;
        if (skip_depth > 0) {
          if (!t.self_closing && n.size() > 6 && n.ends_with("Region")) ++skip_depth;
          return;
        }
        if (n == "Page") {
          if (page_seen) return fail("more than one <Page>");
          page_seen = true;
          width = Int(t, "imageWidth"), height = Int(t, "imageHeight");
          if (auto it = t.attrs.find("orientation"); it != t.attrs.end())
            page_orientation = std::strtod(it->second.c_str(), nullptr);
        } else if (n == "ReadingOrder") {
          has_order = true;
        } else if (kGroups.count(n)) {
          OrderNode node;
          if (auto it = t.attrs.find("index"); it != t.attrs.end()) node.index = std::strtol(it->second.c_str(), nullptr, 10);
          else node.index = static_cast<long>((order_stack.empty() ? order_root : order_stack.back()).children.size());
          if (auto it = t.attrs.find("regionRef"); it != t.attrs.end()) node.ref = it->second;
          if (t.self_closing) (order_stack.empty() ? order_root : order_stack.back()).children.push_back(std::move(node));
          else order_stack.push_back(std::move(node));
        } else if (n == "TextRegion") {
          PageRegion r;
          r.id = id_of(t);
          r.box = Box{-1, -1, -1, -1};
          if (auto it = t.attrs.find("custom"); it != t.attrs.end()) r.role = RoleOfCustom(it->second);
          if (auto it = t.attrs.find("type"); it != t.attrs.end() && !r.role) r.role = RoleOfRegionType(it->second);
          if (auto it = t.attrs.find("orientation"); it != t.attrs.end())
            r.orientation = std::strtod(it->second.c_str(), nullptr);
          if (region >= 0 && !t.self_closing) outer.push_back(region);
          regions.push_back(std::move(r));
          region = static_cast<int>(regions.size()) - 1;
          line = nullptr, word = nullptr;
          if (t.self_closing) return fail("TextRegion " + regions.back().id + " has no Coords");
        } else if (n.size() > 6 && n.ends_with("Region") && !t.self_closing) {
          skip_depth = 1;  // a table, image, graphic ...: its text is not running text
        } else if (n == "TextLine" && region >= 0) {
          PageLine l;
          l.id = id_of(t);
          l.box = Box{-1, -1, -1, -1};
          regions[region].lines.push_back(std::move(l));
          line = &regions[region].lines.back();
          word = nullptr;
          if (t.self_closing) return fail("TextLine " + line->id + " has no Coords");
        } else if (n == "Word" && line) {
          line->words.emplace_back();
          word = &line->words.back();
          word_has_coords = word_has_equiv = false;
          if (t.self_closing) return fail("Word in TextLine " + line->id + " has no Coords");
        } else if (n == "Coords") {
          // The innermost open element the Coords belongs to.
          const std::string owner = open.size() >= (t.self_closing ? 1u : 2u) ? open[open.size() - (t.self_closing ? 1 : 2)] : "";
          auto it = t.attrs.find("points");
          if (it == t.attrs.end()) return fail("Coords of " + owner + " without points");
          auto box = PolygonBox(it->second);
          if (!box.ok()) return fail("Coords of " + owner + ": " + box.status().message());
          if (owner == "Word" && word) word->box = *box, word_has_coords = true;
          else if (owner == "TextLine" && line) line->box = *box;
          else if (owner == "TextRegion" && region >= 0) regions[region].box = *box;
        } else if (n == "TextEquiv") {
          const std::string owner = open.size() >= 2 ? open[open.size() - 2] : "";
          double conf = -1;
          if (auto it = t.attrs.find("conf"); it != t.attrs.end()) conf = std::strtod(it->second.c_str(), nullptr) * 100;
          if (owner == "Word" && word && !word_has_equiv) {
            word_has_equiv = true, equiv_owner = "Word";
            word->conf = conf < 0 ? 0 : static_cast<float>(conf);
          } else if (owner == "TextLine" && line && !line->has_equiv) {
            line->has_equiv = true, equiv_owner = "TextLine";
            line->conf = static_cast<float>(conf);
          } else {
            equiv_owner.clear();
          }
        } else if (n == "Unicode" && !equiv_owner.empty()) {
          in_unicode = !t.self_closing;
        }
      },
      [&](std::string_view text) {
        if (!in_unicode || error) return;
        if (equiv_owner == "Word" && word) word->text += Unescape(text);
        else if (equiv_owner == "TextLine" && line) line->equiv += Unescape(text);
      });
  if (!ok) return Status(Code::kBadInput, "not XML: a tag does not end");
  if (error) return *error;
  if (!pcgts) return Status(Code::kBadInput, "no <PcGts> element: not a PAGE XML file");
  if (!open.empty()) return Status(Code::kBadInput, "not XML: <" + open.back() + "> is never closed");
  if (!page_seen) return Status(Code::kBadInput, "no <Page> in the PAGE XML file");
  for (const PageRegion& r : regions) {
    if (r.box.w < 0) return Status(Code::kBadInput, "TextRegion " + r.id + " has no Coords");
    for (const PageLine& l : r.lines)
      if (l.box.w < 0) return Status(Code::kBadInput, "TextLine " + l.id + " has no Coords");
  }

  // Reading order: the regions it names, in its order; the others after
  // them in document order (no ReadingOrder: document order).
  std::vector<const PageRegion*> ordered;
  if (has_order) {
    while (!order_stack.empty()) {
      order_root.children.push_back(std::move(order_stack.back()));
      order_stack.pop_back();
    }
    std::vector<std::string> refs;
    Flatten(order_root, refs);
    std::map<std::string, const PageRegion*> by_id;
    for (const PageRegion& r : regions) by_id.emplace(r.id, &r);
    std::set<const PageRegion*> taken;
    for (const std::string& ref : refs)
      if (auto it = by_id.find(ref); it != by_id.end() && taken.insert(it->second).second) ordered.push_back(it->second);
    for (const PageRegion& r : regions)
      if (!taken.count(&r)) ordered.push_back(&r);
  } else {
    for (const PageRegion& r : regions) ordered.push_back(&r);
  }

  Builder b;
  b.StartPage(width, height);
  for (const PageRegion* r : ordered) {
    double angle = r->orientation.value_or(page_orientation);
    if (!std::isfinite(angle) || std::abs(angle) > 360) angle = 0;
    b.StartBlock(r->box, r->role, angle);
    for (const PageLine& pl : r->lines) {
      Line* l = b.StartLine(pl.box);
      // The line's TextEquiv when it has one (what PAGE's consumers read;
      // ours holds the .txt's spacing); else its words joined as the OCR
      // stage joins them. Words that disagree with the line's TextEquiv
      // are dropped: their boxes would place other characters.
      std::string joined;
      for (const PageWord& w : pl.words) {
        const std::string t = Trimmed(w.text);
        if (t.empty()) continue;
        if (!joined.empty() && !(text::IsCjk(text::LastCodePoint(joined)) && text::IsCjk(text::FirstCodePoint(t))))
          joined += ' ';
        joined += t;
      }
      const bool has_text = pl.has_equiv && !Trimmed(pl.equiv).empty();  // an empty one: as none
      const bool use_words = !has_text || WordsAreLine(pl);
      l->text = has_text ? Trimmed(pl.equiv) : joined;
      if (use_words)
        for (const PageWord& w : pl.words)
          if (!Trimmed(w.text).empty()) b.AddWord(*l, Trimmed(w.text), w.box, w.conf);
      if (l->words.empty() && pl.conf >= 0) l->confidence = pl.conf;
    }
  }
  b.Finish();
  return b.pages;
}

}  // namespace ocrflow::formats
