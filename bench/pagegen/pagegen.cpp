// The sample-page generator (see pagegen.h for the contract).
//
// How a page is built:
//   1. Geometry from the spec: page size in pixels, body em = body_pt at dpi,
//      margins, N columns separated by ~1.75 em gutters, a body line pitch of
//      1.45 em shared by all columns (lines sit on one grid across the page).
//   2. Running header (paper name, date, page number, rule) and footer (rule,
//      page and section), both recorded as dropped roles, never in the text.
//   3. Articles stacked in horizontal bands, each with a headline over all
//      columns (optional sub-headline), a byline and a body that flows from
//      the bottom of one column to the top of the next. One article carries a
//      photo (smooth random texture) over one or two columns with a caption;
//      body lines skip the photo area. Sentences are added one at a time
//      until the band's line slots are (nearly) full.
//   4. Chinese lines are justified by spreading characters evenly, with the
//      usual line-breaking rules (no line starts with ，。、：；！？”） and none
//      ends with “（); English lines by widening word spaces. A paragraph's
//      first line is indented two em and its last line is left-aligned.
//   5. Degradations in the order of a real scan: show-through of the back
//      page (off unless asked for), uneven light, rotation, blur, noise, dark
//      border, JPEG.
//
// Varied layout (spec.layout = "varied"; every draw it adds is behind that
// switch, so default pages keep their random sequence and their pixels):
//   - an article may get columns of its own (one more, one fewer, or a first
//     column 1.6x the others; none under 7 em); body lines then take the
//     width of the slot they land in;
//   - photos on more articles, always at least three lines down, over some
//     but not all of the article's columns;
//   - an ad at the foot of one bottom-band article, a ruled table and an
//     inset box, each placed where it fits (three lines down or at the
//     foot) beside what is already there, else left out; body lines skip
//     them like a photo;
//   - a pull quote: after a paragraph that ends inside a column piece with
//     room for it and two more lines, the slots under it are taken out;
//   - a jump line: the last slot is kept for it; the body's last paragraph
//     fills what is left and stops mid-sentence when it must.
// Faces (spec.faces = "varied"): LoadFaces draws one face per role with its
// own random sequence; missing files are skipped with a warning.
//
// Glyph advances come from the font itself (cv::freetype via HarfBuzz): the
// advance of s is width("丨" s "丨") - width("丨丨") ("|" for a Latin face),
// since getTextSize returns ink extents.
#include "bench/pagegen/pagegen.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bench/news_text_gen.h"

namespace ocrflow::pagegen {
namespace {

using bench::ArticleTextGenerator;
using bench::Rng;

constexpr const char* kSerifFont = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
constexpr const char* kSansBoldFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";
constexpr const char* kSansFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
constexpr int kSimplifiedChineseFace = 2;  // .ttc order: JP, KR, SC, TC, HK

// Layout constants, in body em unless stated.
constexpr double kLinePitchEm = 1.45;
constexpr double kGutterEm = 1.75;
constexpr double kIndentEm = 2.0;
constexpr double kMarginXmm = 14, kMarginTopMm = 12, kMarginBottomMm = 12;
constexpr double kEmTopOffset = 0.12;  // cv::freetype draws the em box 0.12 em below org.y
constexpr int kPaper = 255, kInk = 0;
// Varied layout.
constexpr double kMinColumnEm = 7;        // narrowest column of an article with columns of its own
constexpr double kWideFirstColumn = 1.6;  // the wide first column, in widths of the others
constexpr int kInsetGrey = 232;           // the ground of a shaded inset box

std::vector<std::string> CodePoints(const std::string& s) { return bench::SplitCodePoints(s); }

// One loaded face with cached advances per (text, size).
class Face {
 public:
  Status Load(const char* path, int index = kSimplifiedChineseFace, bool cjk = true) {
    if (!std::filesystem::exists(path)) return Status(Code::kNotFound, std::string("pagegen: font not found: ") + path);
    try {
      ft_ = cv::freetype::createFreeType2();
      ft_->loadFontData(path, index);
    } catch (const cv::Exception& e) {
      return Status(Code::kInternal, std::string("pagegen: cannot load font ") + path + ": " + e.what());
    }
    // The bars that bracket a string when measuring it: a glyph the face
    // has (a Latin face has no 丨).
    bar_ = cjk ? "丨" : "|";
    return Status::Ok();
  }

  int Advance(const std::string& s, int px) {
    auto key = std::make_pair(px, s);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    int base = 0;
    int bars = ft_->getTextSize(bar_ + bar_, px, -1, &base).width;
    int with = ft_->getTextSize(bar_ + s + bar_, px, -1, &base).width;
    int adv = std::max(0, with - bars);
    cache_.emplace(key, adv);
    return adv;
  }

  // Draws s with its em box top at line_top and its pen starting at x.
  void Draw(cv::Mat& canvas, const std::string& s, int x, int line_top, int px, int ink = kInk) {
    int org_y = line_top - static_cast<int>(std::lround(kEmTopOffset * px));
    ft_->putText(canvas, s, cv::Point(x, org_y), px, cv::Scalar::all(ink), -1, cv::LINE_AA, false);
  }

 private:
  cv::Ptr<cv::freetype::FreeType2> ft_;
  std::string bar_ = "丨";
  std::map<std::pair<int, std::string>, int> cache_;
};

// --- the varied faces ---------------------------------------------------------
// Debian paths (fontconfig's own locations for these packages); the second
// path is where an older package version put the file.
struct FaceDef {
  const char* name;
  const char* style;
  const char* path;
  const char* alt_path;
  int index;
  bool cjk;
  const char* package;
};
constexpr const char* kNoto = "/usr/share/fonts/opentype/noto/";
constexpr const char* kUrw = "/usr/share/fonts/opentype/urw-base35/";
const std::vector<FaceDef>& FaceDefs() {
  static const std::string noto = kNoto, urw = kUrw;
  static const std::vector<std::string> paths = {
      noto + "NotoSerifCJK-Regular.ttc", noto + "NotoSerifCJK-Bold.ttc", noto + "NotoSansCJK-Regular.ttc",
      noto + "NotoSansCJK-Bold.ttc",     urw + "NimbusRoman-Regular.otf", urw + "NimbusRoman-Bold.otf",
      urw + "NimbusSans-Regular.otf",    urw + "NimbusSans-Bold.otf",     urw + "C059-Roman.otf",
      urw + "P052-Roman.otf"};
  static const std::vector<FaceDef> defs = {
      {"Noto Serif CJK SC", "song", paths[0].c_str(), nullptr, kSimplifiedChineseFace, true, "fonts-noto-cjk"},
      {"Noto Serif CJK SC Bold", "song", paths[1].c_str(), nullptr, kSimplifiedChineseFace, true, "fonts-noto-cjk"},
      {"Noto Sans CJK SC", "hei", paths[2].c_str(), nullptr, kSimplifiedChineseFace, true, "fonts-noto-cjk"},
      {"Noto Sans CJK SC Bold", "hei", paths[3].c_str(), nullptr, kSimplifiedChineseFace, true, "fonts-noto-cjk"},
      {"AR PL UMing CN", "ming", "/usr/share/fonts/truetype/arphic/uming.ttc", nullptr, 0, true, "fonts-arphic-uming"},
      {"AR PL UKai CN", "kai", "/usr/share/fonts/truetype/arphic/ukai.ttc", nullptr, 0, true, "fonts-arphic-ukai"},
      {"WenQuanYi Zen Hei", "hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", nullptr, 0, true, "fonts-wqy-zenhei"},
      {"DejaVu Serif", "serif", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", nullptr, 0, false, "fonts-dejavu-core"},
      {"DejaVu Serif Bold", "serif", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", nullptr, 0, false,
       "fonts-dejavu-core"},
      {"DejaVu Sans", "sans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", nullptr, 0, false, "fonts-dejavu-core"},
      {"DejaVu Sans Bold", "sans", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", nullptr, 0, false,
       "fonts-dejavu-core"},
      {"Liberation Serif", "serif", "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
       "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", 0, false, "fonts-liberation2"},
      {"Liberation Serif Bold", "serif", "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
       "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf", 0, false, "fonts-liberation2"},
      {"Liberation Serif Italic", "serif", "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
       "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf", 0, false, "fonts-liberation2"},
      {"Liberation Sans", "sans", "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
       "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", 0, false, "fonts-liberation2"},
      {"Liberation Sans Bold", "sans", "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
       "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf", 0, false, "fonts-liberation2"},
      {"Nimbus Roman", "serif", paths[4].c_str(), nullptr, 0, false, "fonts-urw-base35"},
      {"Nimbus Roman Bold", "serif", paths[5].c_str(), nullptr, 0, false, "fonts-urw-base35"},
      {"Nimbus Sans", "sans", paths[6].c_str(), nullptr, 0, false, "fonts-urw-base35"},
      {"Nimbus Sans Bold", "sans", paths[7].c_str(), nullptr, 0, false, "fonts-urw-base35"},
      {"C059", "serif", paths[8].c_str(), nullptr, 0, false, "fonts-urw-base35"},
      {"P052", "serif", paths[9].c_str(), nullptr, 0, false, "fonts-urw-base35"},
  };
  return defs;
}
const FaceDef* FindFaceDef(const std::string& name) {
  for (const FaceDef& d : FaceDefs())
    if (name == d.name) return &d;
  return nullptr;
}
// The file of a face, or "" when neither path exists.
std::string FacePath(const FaceDef& d) {
  if (std::filesystem::exists(d.path)) return d.path;
  if (d.alt_path && std::filesystem::exists(d.alt_path)) return d.alt_path;
  return "";
}

// Weighted choices per language and role: Chinese body text is mostly Song
// or Ming, as in print; headlines mostly bold Hei or Song; captions Hei or
// Kai. A page whose pool has no face installed uses the role's default.
struct PoolEntry {
  const char* face;
  int weight;
};
const std::vector<PoolEntry>& FacePool(bool en, const std::string& role) {
  static const std::vector<PoolEntry> zh_body = {{"Noto Serif CJK SC", 4}, {"AR PL UMing CN", 3}, {"Noto Sans CJK SC", 1},
                                                 {"WenQuanYi Zen Hei", 1}, {"AR PL UKai CN", 1}};
  static const std::vector<PoolEntry> zh_head = {{"Noto Sans CJK SC Bold", 3}, {"Noto Serif CJK SC Bold", 2},
                                                 {"WenQuanYi Zen Hei", 2}, {"AR PL UKai CN", 1}, {"Noto Sans CJK SC", 1}};
  static const std::vector<PoolEntry> zh_caption = {{"Noto Sans CJK SC", 2}, {"AR PL UKai CN", 2}, {"WenQuanYi Zen Hei", 1},
                                                    {"AR PL UMing CN", 1}, {"Noto Serif CJK SC", 1}};
  static const std::vector<PoolEntry> en_body = {{"Liberation Serif", 3}, {"DejaVu Serif", 2}, {"Nimbus Roman", 2},
                                                 {"C059", 2}, {"P052", 1}, {"Noto Serif CJK SC", 1}};
  static const std::vector<PoolEntry> en_head = {{"Liberation Sans Bold", 2}, {"DejaVu Sans Bold", 2},
                                                 {"Nimbus Sans Bold", 2}, {"Liberation Serif Bold", 2},
                                                 {"DejaVu Serif Bold", 1}, {"Noto Sans CJK SC Bold", 1}};
  static const std::vector<PoolEntry> en_caption = {{"Liberation Sans", 2}, {"DejaVu Sans", 2}, {"Nimbus Sans", 2},
                                                    {"Liberation Serif Italic", 2}, {"Noto Sans CJK SC", 1}};
  if (role == "body") return en ? en_body : zh_body;
  if (role == "headline") return en ? en_head : zh_head;
  return en ? en_caption : zh_caption;
}

struct Placed {
  std::string text;
  int x = 0;  // relative to the line start
};
struct LaidLine {
  std::vector<Placed> items;
  int width = 0;  // drawn extent from the line start
};

bool NoLineStart(const std::string& t) {
  static const char* kChars[] = {"，", "。", "、", "：", "；", "！", "？", "”", "）", "》", "%", ".", ","};
  for (const char* c : kChars)
    if (t == c) return true;
  return false;
}
// Closing marks whose Simplified Chinese glyph sits in the left half of the
// em box, so the right half can be given up when a line is tight.
bool Squeezable(const std::string& t) {
  static const char* kChars[] = {"，", "。", "、", "：", "；", "”", "）", "》"};
  for (const char* c : kChars)
    if (t == c) return true;
  return false;
}
bool NoLineEnd(const std::string& t) { return t == "“" || t == "（" || t == "《"; }

// Chinese tokens: one per ideograph or punctuation mark; runs of ASCII
// non-space characters (numbers like 3.5% or 2026) stay whole.
std::vector<std::string> ZhTokens(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& cp : CodePoints(text)) {
    bool ascii_word = cp.size() == 1 && cp[0] != ' ';
    if (ascii_word && !out.empty() && out.back().size() >= 1 &&
        static_cast<unsigned char>(out.back().back()) < 0x80 && out.back().back() != ' ' &&
        static_cast<unsigned char>(out.back()[0]) < 0x80) {
      out.back() += cp;
    } else {
      out.push_back(cp);
    }
  }
  return out;
}

std::vector<std::string> SplitSpaces(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Breaks `text` into lines, line i at most width_of(i) px wide (the first
// `indent` px narrower). justify: every line but the last fills its width
// exactly.
std::vector<LaidLine> LayoutTextW(Face& face, const std::string& text, int px,
                                  const std::function<int(size_t)>& width_of, int indent, bool justify, bool english) {
  std::vector<LaidLine> lines;
  if (english) {
    std::vector<std::string> words = SplitSpaces(text);
    int space = face.Advance(" ", px);
    size_t i = 0;
    bool first = true;
    while (i < words.size()) {
      int avail = width_of(lines.size()) - (first ? indent : 0);
      size_t j = i;
      int w = 0;
      while (j < words.size()) {
        int add = face.Advance(words[j], px) + (j > i ? space : 0);
        if (w + add > avail && j > i) break;
        w += add;
        ++j;
      }
      bool last = j >= words.size();
      LaidLine line;
      int gaps = static_cast<int>(j - i) - 1;
      int extra = (justify && !last && gaps > 0) ? std::max(0, avail - w) : 0;
      int x = first ? indent : 0;
      int natural = x;
      for (size_t k = i; k < j; ++k) {
        int idx = static_cast<int>(k - i);
        int offset = gaps > 0 ? static_cast<int>(std::lround(static_cast<double>(extra) * idx / gaps)) : 0;
        line.items.push_back({words[k], natural + offset});
        natural += face.Advance(words[k], px) + space;
      }
      line.width = line.items.back().x + face.Advance(words[j - 1], px);
      lines.push_back(std::move(line));
      i = j;
      first = false;
    }
    return lines;
  }
  std::vector<std::string> tok = ZhTokens(text);
  std::vector<int> tw;
  for (const auto& t : tok) tw.push_back(face.Advance(t, px));
  size_t i = 0;
  bool first = true;
  while (i < tok.size()) {
    int avail = width_of(lines.size()) - (first ? indent : 0);
    size_t j = i;
    int w = 0;
    while (j < tok.size() && (w + tw[j] <= avail || j == i)) w += tw[j++];
    // Closing punctuation that would start the next line is squeezed into
    // this one (标点挤压: the blank half of ，。、；：”） gives way), as
    // Chinese typesetting does; failing that, characters are pulled down so
    // that no line starts with closing punctuation or ends with “（《.
    std::vector<int> adv(tw.begin() + static_cast<long>(i), tw.begin() + static_cast<long>(j));
    size_t squeezed_end = j;
    int room = 0;
    for (size_t k = i; k < j; ++k) room += Squeezable(tok[k]) ? tw[k] / 2 : 0;
    int sw = w;
    while (squeezed_end < tok.size() && NoLineStart(tok[squeezed_end])) {
      room += Squeezable(tok[squeezed_end]) ? tw[squeezed_end] / 2 : 0;
      sw += tw[squeezed_end];
      if (sw - room > avail) break;
      ++squeezed_end;
    }
    if (squeezed_end > j && (squeezed_end == tok.size() || !NoLineStart(tok[squeezed_end]))) {
      sw = 0;
      for (size_t k = i; k < squeezed_end; ++k) sw += tw[k];
      j = squeezed_end;
      adv.assign(tw.begin() + static_cast<long>(i), tw.begin() + static_cast<long>(j));
      int over = sw - avail;  // take it from the last squeezable marks first
      for (size_t k = adv.size(); k-- > 0 && over > 0;) {
        if (!Squeezable(tok[i + k])) continue;
        int take = std::min(over, adv[k] / 2);
        adv[k] -= take;
        over -= take;
      }
    } else if (j < tok.size()) {
      size_t keep = j;
      while (keep - i > 2 && (NoLineStart(tok[keep]) || NoLineEnd(tok[keep - 1]))) --keep;
      j = keep;
      adv.resize(j - i);
    }
    bool last = j >= tok.size();
    w = 0;
    for (int a : adv) w += a;
    int gaps = static_cast<int>(j - i) - 1;
    int extra = (justify && !last && gaps > 0) ? std::max(0, avail - w) : 0;
    LaidLine line;
    int natural = first ? indent : 0;
    for (size_t k = i; k < j; ++k) {
      int idx = static_cast<int>(k - i);
      int offset = gaps > 0 ? static_cast<int>(std::lround(static_cast<double>(extra) * idx / gaps)) : 0;
      line.items.push_back({tok[k], natural + offset});
      natural += adv[k - i];
    }
    line.width = line.items.back().x + adv.back();
    lines.push_back(std::move(line));
    i = j;
    first = false;
  }
  return lines;
}

// Every line `width` px wide.
std::vector<LaidLine> LayoutText(Face& face, const std::string& text, int px, int width, int indent, bool justify,
                                 bool english) {
  return LayoutTextW(face, text, px, [width](size_t) { return width; }, indent, justify, english);
}

std::string LineText(const LaidLine& line, bool english) {
  std::string s;
  for (size_t k = 0; k < line.items.size(); ++k) {
    if (english && k > 0) s += ' ';
    s += line.items[k].text;
  }
  return s;
}

Box Union(const Box& a, const Box& b) {
  if (a.w == 0 && a.h == 0) return b;
  int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  int x1 = std::max(a.right(), b.right()), y1 = std::max(a.bottom(), b.bottom());
  return {x0, y0, x1 - x0, y1 - y0};
}

// Draws lines laid out by LayoutText; returns one block with their boxes.
GroundTruthBlock DrawLines(cv::Mat& canvas, Face& face, const std::vector<LaidLine>& lines, int x, int top,
                           int pitch, int px, bool english, Role role, int article, int column) {
  GroundTruthBlock b;
  b.role = role;
  b.article = article;
  b.column = column;
  for (size_t i = 0; i < lines.size(); ++i) {
    int line_top = top + static_cast<int>(i) * pitch;
    for (const Placed& p : lines[i].items) face.Draw(canvas, p.text, x + p.x, line_top, px);
    int x0 = x + (lines[i].items.empty() ? 0 : lines[i].items.front().x);
    Box lb{x0, line_top, x + lines[i].width - x0, px};
    b.line_boxes.push_back(lb);
    b.box = Union(b.box, lb);
    if (i > 0) b.text += '\n';
    b.text += LineText(lines[i], english);
  }
  return b;
}

// A photo: smooth random shading, a few soft shapes and film grain.
void DrawPhoto(cv::Mat& canvas, const cv::Rect& r, Rng& rng) {
  cv::Mat small(6, 8, CV_32F);
  for (int y = 0; y < small.rows; ++y)
    for (int x = 0; x < small.cols; ++x) small.at<float>(y, x) = static_cast<float>(rng.Uniform(60, 200));
  cv::Mat photo;
  cv::resize(small, photo, r.size(), 0, 0, cv::INTER_CUBIC);
  int shapes = rng.Between(3, 7);
  for (int i = 0; i < shapes; ++i) {
    cv::Point c(rng.Below(r.width), rng.Below(r.height));
    float v = static_cast<float>(rng.Uniform(30, 230));
    if (rng.Chance(0.5)) {
      cv::circle(photo, c, rng.Between(r.width / 12 + 1, r.width / 4 + 2), cv::Scalar(v), -1, cv::LINE_AA);
    } else {
      cv::Point d(c.x + rng.Between(r.width / 10 + 1, r.width / 3 + 2), c.y + rng.Between(r.height / 10 + 1, r.height / 3 + 2));
      cv::rectangle(photo, c, d, cv::Scalar(v), -1, cv::LINE_AA);
    }
  }
  double sigma = std::max(1.0, r.width / 150.0);
  cv::GaussianBlur(photo, photo, cv::Size(), sigma);
  for (int y = 0; y < photo.rows; ++y) {
    float* row = photo.ptr<float>(y);
    for (int x = 0; x < photo.cols; ++x) row[x] += static_cast<float>(rng.Normal() * 10.0);
  }
  cv::Mat gray8;
  photo.convertTo(gray8, CV_8U);
  cv::Mat bgr;
  cv::cvtColor(gray8, bgr, cv::COLOR_GRAY2BGR);
  bgr.copyTo(canvas(r));
}

int DayOfWeek(int y, int m, int d) {  // 0 = Sunday (Sakamoto)
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

struct Slot {
  int x, y, column, segment;
  int lc = 0;  // the article's own column (column: the page's, for the ground truth)
  int w = 0;   // line width
};

// --- degradations ----------------------------------------------------------

void UnevenLight(cv::Mat& gray, double depth, Rng& rng) {
  double angle = rng.Uniform(0, 2 * M_PI);
  double dx = std::cos(angle), dy = std::sin(angle);
  double cx = rng.Uniform(0.3, 0.7) * gray.cols, cy = rng.Uniform(0.3, 0.7) * gray.rows;
  double diag = std::hypot(gray.cols, gray.rows);
  for (int y = 0; y < gray.rows; ++y) {
    uchar* row = gray.ptr<uchar>(y);
    for (int x = 0; x < gray.cols; ++x) {
      double ramp = 0.5 + ((x - gray.cols / 2.0) * dx + (y - gray.rows / 2.0) * dy) / diag;  // 0..1
      double r = std::hypot(x - cx, y - cy) / (0.75 * diag);
      double s = std::clamp(0.6 * ramp + 0.4 * r * r, 0.0, 1.0);
      row[x] = cv::saturate_cast<uchar>(row[x] * (1.0 - depth * s));
    }
  }
}

void AddNoise(cv::Mat& gray, double sigma, Rng& rng) {
  for (int y = 0; y < gray.rows; ++y) {
    uchar* row = gray.ptr<uchar>(y);
    for (int x = 0; x < gray.cols; ++x) row[x] = cv::saturate_cast<uchar>(row[x] + rng.Normal() * sigma);
  }
}

// A scanner lid shadow: dark band along the left and top edges whose width
// wanders smoothly, with a short soft edge.
void DarkBorder(cv::Mat& gray, int width, Rng& rng) {
  auto wander = [&](int n) {
    std::vector<double> knots(8);
    for (double& k : knots) k = rng.Uniform(0.8, 1.2);
    std::vector<double> w(n);
    for (int i = 0; i < n; ++i) {
      double t = static_cast<double>(i) / std::max(1, n - 1) * (knots.size() - 1);
      int k = std::min(static_cast<int>(t), static_cast<int>(knots.size()) - 2);
      double f = t - k;
      f = f * f * (3 - 2 * f);
      w[i] = width * (knots[k] * (1 - f) + knots[k + 1] * f);
    }
    return w;
  };
  std::vector<double> left = wander(gray.rows), top = wander(gray.cols);
  constexpr double kSoft = 4.0;
  for (int y = 0; y < gray.rows; ++y) {
    uchar* row = gray.ptr<uchar>(y);
    for (int x = 0; x < gray.cols; ++x) {
      double d = std::min(x - left[y], y - top[x]);  // <0 inside the band
      if (d >= kSoft) continue;
      double dark = 28 + rng.Normal() * 6;
      double a = d <= 0 ? 1.0 : 1.0 - d / kSoft;
      row[x] = cv::saturate_cast<uchar>(row[x] * (1 - a) + dark * a);
    }
  }
}

Status Validate(const PageSpec& s) {
  auto bad = [](const std::string& m) { return Status(Code::kInvalidArgument, "pagegen: " + m); };
  if (s.lang != "zh" && s.lang != "en") return bad("lang must be zh or en, got '" + s.lang + "'");
  if (s.columns < 1 || s.columns > 5) return bad("columns must be 1..5");
  if (s.dpi < 72 || s.dpi > 1200) return bad("dpi must be 72..1200");
  if (s.width_mm < 80 || s.height_mm < 100 || s.width_mm > 1000 || s.height_mm > 1000)
    return bad("page size must be at least 80x100 mm and at most 1000 mm");
  if (s.articles < 1 || s.articles > 8) return bad("articles must be 1..8");
  if (std::abs(s.skew_degrees) > 45) return bad("skew_degrees must be within +-45");
  if (s.noise < 0 || s.blur < 0 || s.uneven_light < 0 || s.uneven_light > 1) return bad("noise/blur >= 0, light in 0..1");
  if (s.jpeg_quality < 0 || s.jpeg_quality > 100) return bad("jpeg_quality must be 0..100");
  if (s.dark_border_px < 0) return bad("dark_border_px must be >= 0");
  if (s.body_pt < 5 || s.body_pt > 20) return bad("body_pt must be 5..20");
  if (s.show_through < 0 || s.show_through > 1) return bad("show_through must be 0..1");
  for (auto [name, v] : {std::pair{"faces", &s.faces}, {"layout", &s.layout}, {"prose", &s.prose}})
    if (*v != "default" && *v != "varied") return bad(std::string(name) + " must be default or varied, got '" + *v + "'");
  return Status::Ok();
}

// Loads the faces of a page. Default: the three Noto CJK faces, a missing
// one an error. Varied: per role a weighted draw from FacePool among the
// faces whose files load (each missing one skipped with a warning); the
// role's default face when none does.
Status LoadFaces(const PageSpec& spec, Face& body, Face& headline, Face& caption, GeneratedPage& page) {
  if (spec.faces != "varied") {
    for (auto [face, path] : {std::pair{&body, kSerifFont}, {&headline, kSansBoldFont}, {&caption, kSansFont}})
      if (Status st = face->Load(path); !st.ok()) return st;
    return Status::Ok();
  }
  const bool en = spec.lang == "en";
  Rng face_rng(spec.seed * 0xC2B2AE3D27D4EB4Full + 0xFACE);
  for (auto [role, face, fallback] : {std::tuple{"headline", &headline, kSansBoldFont}, {"body", &body, kSerifFont},
                                      {"caption", &caption, kSansFont}}) {
    std::vector<PoolEntry> pool;
    int total = 0;
    for (const PoolEntry& e : FacePool(en, role)) {
      const FaceDef* d = FindFaceDef(e.face);
      if (d && !FacePath(*d).empty()) {
        pool.push_back(e);
        total += e.weight;
      } else {
        std::string w = std::string("pagegen: face ") + e.face + " not found (" + (d ? d->path : "?") + ", Debian package " +
                        (d ? d->package : "?") + "); skipped";
        if (std::find(page.warnings.begin(), page.warnings.end(), w) == page.warnings.end()) page.warnings.push_back(w);
      }
    }
    bool loaded = false;
    while (!pool.empty() && !loaded) {
      int r = face_rng.Below(total), k = 0;
      while (r >= pool[k].weight) r -= pool[k++].weight;
      const FaceDef& d = *FindFaceDef(pool[k].face);
      if (Status st = face->Load(FacePath(d).c_str(), d.index, d.cjk); st.ok()) {
        page.faces.emplace_back(role, d.name);
        loaded = true;
      } else {
        page.warnings.push_back(st.message() + "; skipped");
        total -= pool[k].weight;
        pool.erase(pool.begin() + k);
      }
    }
    if (!loaded) {
      if (Status st = face->Load(fallback); !st.ok()) return st;
      page.faces.emplace_back(role, std::string("default (") + fallback + ")");
    }
  }
  return Status::Ok();
}

}  // namespace

std::vector<FaceInfo> FaceCatalogue() {
  std::vector<FaceInfo> out;
  for (const FaceDef& d : FaceDefs()) {
    std::string found = FacePath(d);
    out.push_back({d.name, d.style, found.empty() ? d.path : found, d.index, d.cjk, d.package, !found.empty()});
  }
  return out;
}

Result<cv::Mat> RenderSample(const std::string& face_name, const std::string& text, int px) {
  const FaceDef* d = FindFaceDef(face_name);
  if (!d) return Status(Code::kNotFound, "pagegen: no face named '" + face_name + "' in the catalogue");
  std::string path = FacePath(*d);
  if (path.empty()) return Status(Code::kNotFound, std::string("pagegen: font not found: ") + d->path).WithFile(d->path);
  Face face;
  if (Status st = face.Load(path.c_str(), d->index, d->cjk); !st.ok()) return st;
  int w = face.Advance(text, px);
  cv::Mat canvas(2 * px, w + 2 * px, CV_8UC3, cv::Scalar::all(kPaper));
  face.Draw(canvas, text, px, px / 2, px);
  cv::Mat gray;
  cv::cvtColor(canvas, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

cv::Point2d ToImage(const GeneratedPage& page, cv::Point2d p) {
  const double* m = page.rotation;
  return {m[0] * p.x + m[1] * p.y + m[2], m[3] * p.x + m[4] * p.y + m[5]};
}

Result<GeneratedPage> Generate(const PageSpec& spec) {
  if (Status st = Validate(spec); !st.ok()) return st;
  GeneratedPage page;
  // serif: body text (and the header's small print); sans_bold: headlines;
  // sans: sub-headlines, bylines, captions. Varied faces: whatever was drawn.
  Face serif, sans_bold, sans;
  if (Status st = LoadFaces(spec, serif, sans_bold, sans, page); !st.ok()) return st;

  const bool en = spec.lang == "en";
  const int W = static_cast<int>(std::lround(spec.width_mm / 25.4 * spec.dpi));
  const int H = static_cast<int>(std::lround(spec.height_mm / 25.4 * spec.dpi));
  const int em = static_cast<int>(std::lround(spec.dpi * spec.body_pt / 72.0));
  const int pitch = static_cast<int>(std::lround(kLinePitchEm * em));
  const int mx = static_cast<int>(std::lround(kMarginXmm / 25.4 * spec.dpi));
  const int mtop = static_cast<int>(std::lround(kMarginTopMm / 25.4 * spec.dpi));
  const int mbottom = static_cast<int>(std::lround(kMarginBottomMm / 25.4 * spec.dpi));
  const int rule = std::max(1, static_cast<int>(std::lround(em * 0.07)));
  const int N = spec.columns;
  const int gutter = static_cast<int>(std::lround(kGutterEm * em));
  const int content_w = W - 2 * mx;
  const int col_w = (content_w - (N - 1) * gutter) / N;
  if (col_w < 4 * em) return Status(Code::kInvalidArgument, "pagegen: columns narrower than 4 em; use fewer columns or a larger page");
  std::vector<int> col_x(N);
  for (int c = 0; c < N; ++c) col_x[c] = mx + c * (col_w + gutter);

  Rng rng(spec.seed * 0x9E3779B97F4A7C15ull + 12345);
  ArticleTextGenerator gen(spec.seed, spec.lang, spec.prose == "varied");
  cv::Mat canvas(H, W, CV_8UC3, cv::Scalar::all(kPaper));

  page.spec = spec;
  page.em_px = em;
  page.line_pitch_px = pitch;
  std::vector<GroundTruthBlock> footer_blocks;
  std::string text;

  int body_top = mtop, body_bottom = H - mbottom;
  if (spec.running_header) {
    static const std::vector<std::string> kZhPapers = {"晨光日报", "江城晚报", "新桥时报", "北岸日报"};
    static const std::vector<std::string> kEnPapers = {"The Morning Ledger", "Valley Courier", "The Evening Star",
                                                       "Lakeside Gazette"};
    static const char* kZhWeek[] = {"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"};
    static const char* kEnWeek[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    static const char* kEnMonth[] = {"January", "February", "March", "April", "May", "June", "July",
                                     "August", "September", "October", "November", "December"};
    static const std::vector<std::string> kZhSections = {"要闻", "综合", "民生", "经济", "社会"};
    static const std::vector<std::string> kEnSections = {"Local News", "Region", "Business", "Community"};
    int year = rng.Between(2024, 2027), month = rng.Between(1, 12), day = rng.Between(1, 28);
    int page_no = rng.Between(2, 16);
    int dow = DayOfWeek(year, month, day);
    std::string paper = en ? rng.Pick(kEnPapers) : rng.Pick(kZhPapers);
    std::string date = en ? std::string(kEnWeek[dow]) + ", " + kEnMonth[month - 1] + " " + std::to_string(day) + ", " + std::to_string(year)
                          : std::to_string(year) + "年" + std::to_string(month) + "月" + std::to_string(day) + "日 " + kZhWeek[dow];
    std::string page_label = en ? "Page " + std::to_string(page_no) : "第" + std::to_string(page_no) + "版";
    std::string section = en ? rng.Pick(kEnSections) : rng.Pick(kZhSections);

    int name_px = static_cast<int>(std::lround(1.6 * em));
    int small_px = static_cast<int>(std::lround(0.9 * em));
    int small_top = mtop + name_px - small_px;
    auto header_item = [&](Face& f, const std::string& s, int x, int top, int px, Role role) {
      LaidLine l;
      l.items.push_back({s, 0});
      l.width = f.Advance(s, px);
      return DrawLines(canvas, f, {l}, x, top, pitch, px, en, role, -1, -1);
    };
    page.blocks.push_back(header_item(sans_bold, paper, mx, mtop, name_px, Role::kRunningHeader));
    int name_right = mx + sans_bold.Advance(paper, name_px);
    int date_w = serif.Advance(date, small_px);
    int pl_w = serif.Advance(page_label, small_px);
    int pl_x = W - mx - pl_w;
    // The date is centred unless that collides with the paper name or the
    // page number (narrow pages); then it sits left of the page number, or
    // is left out.
    int date_x = mx + (content_w - date_w) / 2;
    if (date_x < name_right + em || date_x + date_w > pl_x - em) date_x = pl_x - 2 * em - date_w;
    if (date_x >= name_right + em)
      page.blocks.push_back(header_item(serif, date, date_x, small_top, small_px, Role::kRunningHeader));
    page.blocks.push_back(header_item(serif, page_label, pl_x, small_top, small_px, Role::kRunningHeader));
    int rule_y = mtop + name_px + em / 2;
    cv::rectangle(canvas, cv::Rect(mx, rule_y, content_w, 2 * rule), cv::Scalar::all(kInk), -1);
    cv::rectangle(canvas, cv::Rect(mx, rule_y + 3 * rule + 2, content_w, std::max(1, rule / 2)), cv::Scalar::all(kInk), -1);
    body_top = rule_y + 3 * rule + 2 + em;

    int foot_top = H - mbottom - small_px;
    int foot_rule = foot_top - em / 2 - rule;
    cv::rectangle(canvas, cv::Rect(mx, foot_rule, content_w, rule), cv::Scalar::all(kInk), -1);
    if (rng.Chance(0.5)) {  // centred page and section
      std::string footer = en ? page_label + " | " + section : page_label + " · " + section;
      int fw = serif.Advance(footer, small_px);
      footer_blocks.push_back(header_item(serif, footer, mx + (content_w - fw) / 2, foot_top, small_px, Role::kRunningFooter));
    } else {  // editor on the left, page number on the right
      static const std::vector<std::string> kZhEditors = {"吴静", "黄立新", "邓蕾", "程远航"};
      static const std::vector<std::string> kEnEditors = {"Mark Ellison", "Ruth Becker", "Sam Ortega"};
      std::string editor = en ? "Editor: " + rng.Pick(kEnEditors) : "责任编辑：" + rng.Pick(kZhEditors);
      footer_blocks.push_back(header_item(serif, editor, mx, foot_top, small_px, Role::kRunningFooter));
      int fw = serif.Advance(page_label, small_px);
      footer_blocks.push_back(header_item(serif, page_label, W - mx - fw, foot_top, small_px, Role::kRunningFooter));
    }
    body_bottom = foot_rule - em;
  }

  // Articles: horizontal bands, heights in proportion to random weights
  // (the lead story heavier); with 3+ columns some bands hold two articles
  // side by side (columns [0,k) and [k,N)) with a thin rule in the gutter
  // between them. A band needs room for a headline and about ten lines.
  struct Region {
    int c0, c1;  // columns [c0, c1)
    int band;
  };
  const int min_band = 5 * em + 10 * pitch;
  int max_bands = std::max(1, (body_bottom - body_top) / min_band);
  int articles = spec.articles;
  int splits = N >= 3 ? rng.Between(0, articles / 2) : 0;
  int bands = std::min(articles - splits, max_bands);
  splits = std::min(splits, bands);
  articles = bands + splits;
  std::vector<bool> split(bands, false);
  for (int s = 0, b = bands - 1; s < splits; ++s, --b) split[b] = true;  // the lead story keeps the full width
  std::vector<Region> regions;
  for (int b = 0; b < bands; ++b) {
    if (split[b]) {
      int k = rng.Between(1, N - 1);
      regions.push_back({0, k, b});
      regions.push_back({k, N, b});
    } else {
      regions.push_back({0, N, b});
    }
  }
  std::vector<double> weights;
  for (int b = 0; b < bands; ++b) weights.push_back((b == 0 ? 1.4 : 1.0) * rng.Uniform(0.8, 1.2));
  double wsum = 0;
  for (double w : weights) wsum += w;
  const int sep = static_cast<int>(std::lround(1.2 * em));  // space around the rule between bands
  const int avail = body_bottom - body_top - (bands - 1) * sep;
  std::vector<int> band_tops(bands), band_bottoms(bands);
  for (int b = 0, top = body_top; b < bands; ++b) {
    int h = b + 1 == bands ? body_bottom - top : static_cast<int>(avail * weights[b] / wsum);
    band_tops[b] = top;
    band_bottoms[b] = std::min(body_bottom, top + std::max(h, min_band));
    top = band_bottoms[b] + sep;
  }
  int photo_article = spec.photo ? rng.Below(articles) : -1;
  const bool varied = spec.layout == "varied";
  // Varied layout: one article of the bottom band may carry an ad at its foot.
  int ad_article = -1;
  if (varied && rng.Chance(0.5)) {
    std::vector<int> bottom;
    for (int a = 0; a < articles; ++a)
      if (regions[a].band == bands - 1) bottom.push_back(a);
    ad_article = bottom[static_cast<size_t>(rng.Below(static_cast<int>(bottom.size())))];
  }
  const int gap = em / 2;  // space around a photo, inset, table or ad in the columns

  for (int a = 0; a < articles; ++a) {
    const Region& region = regions[a];
    const int band_top = band_tops[region.band], band_bottom = band_bottoms[region.band];
    const int rc = region.c1 - region.c0;  // page columns of this article
    const int rx = col_x[region.c0];
    const int rw = col_x[region.c1 - 1] + col_w - rx;
    // The article's own columns: the page's, or (varied layout, sometimes)
    // one more, one fewer, or a first column wider than the others.
    std::vector<int> acx, acw;
    for (int c = 0; c < rc; ++c) acx.push_back(col_x[region.c0 + c]), acw.push_back(col_w);
    bool own_grid = false;
    if (varied && rng.Chance(0.35)) {
      const int mode = rng.Below(3);  // 0: one more, 1: one fewer, 2: first column wider
      const int n = mode == 0 ? rc + 1 : mode == 1 ? rc - 1 : rc;
      const double first = mode == 2 ? kWideFirstColumn : 1.0;
      const double unit = n >= 1 ? (rw - (n - 1) * gutter) / (n - 1 + first) : 0;
      if (n >= 1 && !(mode == 2 && n < 2) && unit >= kMinColumnEm * em) {
        acx.assign(n, 0), acw.assign(n, 0);
        for (int c = 0, x = rx; c < n; ++c) {
          acx[c] = x;
          acw[c] = c + 1 == n ? rx + rw - x : static_cast<int>(unit * (c == 0 ? first : 1.0));
          x += acw[c] + gutter;
        }
        own_grid = true;
      }
    }
    const int ac = static_cast<int>(acx.size());  // the article's columns
    auto cx = [&](int c) { return acx[c]; };      // c: column within the article
    // The page column a block in article column c is labelled with: the
    // page grid column under the article column's centre.
    auto pcol = [&](int c) {
      if (!own_grid) return region.c0 + c;
      int mid = acx[c] + acw[c] / 2, best = region.c0;
      for (int k = region.c0; k < region.c1; ++k)
        if (mid >= col_x[k]) best = k;
      return best;
    };

    // Headline (shrunk to fit, wrapped when even 1.5 em does not), optional
    // sub-headline, byline.
    std::string headline = gen.Headline();
    int head_px = static_cast<int>(std::lround(em * rng.Uniform(1.8, 2.3) * (a == 0 ? 1.1 : 1.0)));
    if (rc < N) head_px = static_cast<int>(head_px * 0.85);
    int head_w = sans_bold.Advance(headline, head_px);
    if (head_w > rw) {
      head_px = std::max(static_cast<int>(std::lround(1.5 * em)), head_px * rw / head_w * 97 / 100);
      head_w = sans_bold.Advance(headline, head_px);
    }
    bool centered = !en && rng.Chance(0.6);
    int cursor = band_top;
    {
      std::vector<LaidLine> lines = LayoutText(sans_bold, headline, head_px, rw, 0, false, en);
      int head_pitch = static_cast<int>(std::lround(head_px * 1.2));
      GroundTruthBlock hb;
      for (size_t i = 0; i < lines.size(); ++i) {
        int x = centered ? rx + (rw - lines[i].width) / 2 : rx;
        GroundTruthBlock lb = DrawLines(canvas, sans_bold, {lines[i]}, x, cursor + static_cast<int>(i) * head_pitch,
                                        head_pitch, head_px, en, Role::kHeadline, a, -1);
        hb.role = lb.role, hb.article = a, hb.column = -1;
        hb.box = Union(hb.box, lb.box);
        hb.line_boxes.push_back(lb.box);
        hb.text += (i > 0 ? "\n" : "") + lb.text;
      }
      page.blocks.push_back(hb);
      text += headline + "\n";
      cursor += static_cast<int>(lines.size() - 1) * head_pitch + static_cast<int>(std::lround(head_px * 1.4));
    }
    if (rng.Chance(0.35)) {
      std::string sub = gen.Subheadline();
      int sub_px = static_cast<int>(std::lround(1.25 * em));
      int sub_w = sans.Advance(sub, sub_px);
      if (sub_w <= rw) {
        int sub_x = centered ? rx + (rw - sub_w) / 2 : rx;
        LaidLine l;
        l.items.push_back({sub, 0});
        l.width = sub_w;
        page.blocks.push_back(DrawLines(canvas, sans, {l}, sub_x, cursor, pitch, sub_px, en, Role::kSubheadline, a, -1));
        text += sub + "\n";
        cursor += static_cast<int>(std::lround(sub_px * 1.6));
      }
    }
    {
      // One line: a byline that would wrap (narrow article) is drawn again.
      int by_px = static_cast<int>(std::lround(0.95 * em));
      std::string byline;
      std::vector<LaidLine> lines;
      for (int tries = 0; tries < 10 && (lines.empty() || lines.size() > 1); ++tries) {
        byline = gen.Byline();
        lines = LayoutText(sans, byline, by_px, rw, 0, false, en);
      }
      page.blocks.push_back(DrawLines(canvas, sans, lines, rx, cursor, pitch, by_px, en, Role::kByline, a, -1));
      text += byline + "\n";
      cursor += static_cast<int>(lines.size()) * pitch + em / 2;
    }
    const int grid_top = cursor;
    // Areas the body lines skip: article columns [c0, c1], rows [top, bottom).
    struct Excl {
      int c0, c1, top, bottom;
    };
    std::vector<Excl> excl;
    auto span_w = [&](int c0, int span) { return cx(c0 + span - 1) + acw[c0 + span - 1] - cx(c0); };
    auto min_span_w = [&](int span) {
      int w = span_w(0, span);
      for (int c0 = 1; c0 + span <= ac; ++c0) w = std::min(w, span_w(c0, span));
      return w;
    };

    // Photo and caption (blocks the body lines in the columns it covers).
    // Varied layout: more photos, always part-way down, over some but not
    // all of the article's columns.
    GroundTruthBlock caption_block;
    std::string caption_text;
    if (a == photo_article || (varied && spec.photo && rng.Chance(0.3))) {
      int span = varied ? (ac >= 2 ? rng.Between(1, std::min(ac - 1, 3)) : 1) : ((ac >= 2 && rng.Chance(0.5)) ? 2 : 1);
      int c0 = rng.Below(ac - span + 1);
      int sw = span_w(c0, span);
      int pw = ac == 1 ? sw * 7 / 10 : sw;
      int px0 = ac == 1 ? cx(0) + (sw - pw) / 2 : cx(c0);
      int cap_px = static_cast<int>(std::lround(0.85 * em));
      int cap_pitch = static_cast<int>(std::lround(1.35 * cap_px));
      std::vector<LaidLine> cap_lines;
      for (int tries = 0; tries < 12; ++tries) {
        caption_text = gen.Caption();
        cap_lines = LayoutText(sans, caption_text, cap_px, pw, 0, false, en);
        if (cap_lines.size() <= 2) break;
      }
      int body_h = band_bottom - grid_top;
      int ph = std::min(static_cast<int>(pw * rng.Uniform(0.55, 0.72)), body_h * 45 / 100);
      int region_h = ph + em / 2 + static_cast<int>(cap_lines.size()) * cap_pitch;
      if (ph > 3 * em && region_h + 2 * gap < body_h) {
        // Top of the column area, or a few lines down (on the line grid).
        int max_k = (body_h - region_h - 2 * gap) / pitch;
        int k = varied ? (max_k < 3 ? 0 : rng.Between(3, max_k))
                       : ((rng.Chance(0.5) || max_k < 3) ? 0 : rng.Between(3, max_k));
        int top = grid_top + k * pitch + (k > 0 ? gap : 0);
        cv::Rect r(px0, top, pw, ph);
        DrawPhoto(canvas, r, rng);
        page.photos.push_back({r.x, r.y, r.width, r.height});
        caption_block = DrawLines(canvas, sans, cap_lines, px0, top + ph + em / 2, cap_pitch, cap_px, en, Role::kCaption, a,
                                  pcol(c0));
        excl.push_back({ac == 1 ? 0 : c0, ac == 1 ? 0 : c0 + span - 1, top - gap, top + region_h + gap});
      } else {
        caption_text.clear();
      }
    }

    // Varied layout: a table, an inset box, an ad; each where it fits
    // (part-way down with three lines above it, or at the foot of the
    // columns), else left out.
    auto fits = [&](const Excl& e) {
      if (e.top < grid_top + 3 * pitch || e.bottom > band_bottom) return false;
      for (const Excl& o : excl)
        if (e.c0 <= o.c1 && o.c0 <= e.c1 && e.top < o.bottom && o.top < e.bottom) return false;
      return true;
    };
    struct Spot {
      int c0, top;  // article column, box top
    };
    auto place = [&](int span, int h, bool foot) -> std::optional<Spot> {
      for (int tries = 0; tries < 8; ++tries) {
        int c0 = rng.Below(ac - span + 1), top;
        if (foot) {
          top = band_bottom - h;
        } else {
          int max_k = (band_bottom - grid_top - h - 2 * gap) / pitch;
          if (max_k < 3) return std::nullopt;
          top = grid_top + rng.Between(3, max_k) * pitch + gap;
        }
        Excl e{c0, c0 + span - 1, top - gap, foot ? band_bottom : top + h + gap};
        if (fits(e)) {
          excl.push_back(e);
          return Spot{c0, top};
        }
      }
      return std::nullopt;
    };
    std::vector<GroundTruthBlock> extra_blocks;  // inset: in the gold text, after the caption
    std::vector<std::string> extra_text;
    std::vector<GroundTruthBlock> dropped_blocks;  // table, ad: not in the gold text
    if (varied && a == ad_article) {
      // An ad at the foot of the columns: a heavy rule around, a big line
      // (white on black, sometimes), a small line, a phone number.
      int span = rng.Between(1, ac);
      int w = min_span_w(span);
      int pad = em;
      std::vector<std::string> lines = gen.AdLines();
      std::vector<int> px = {static_cast<int>(std::lround(em * rng.Uniform(2.0, 2.6))), static_cast<int>(std::lround(0.95 * em)),
                             static_cast<int>(std::lround(1.3 * em))};
      std::vector<Face*> faces = {&sans_bold, &sans, &sans_bold};
      for (size_t i = 0; i < lines.size(); ++i) {
        int tw = faces[i]->Advance(lines[i], px[i]);
        if (tw > w - 2 * pad) px[i] = std::max(em / 2, px[i] * (w - 2 * pad) / tw * 95 / 100);
      }
      int h = 2 * pad;
      for (int p : px) h += static_cast<int>(std::lround(1.35 * p));
      std::optional<Spot> spot = w >= 6 * em ? place(span, h, true) : std::nullopt;
      if (spot) {
        int bx = cx(spot->c0), bw = span_w(spot->c0, span), by = spot->top;
        bool inverse = rng.Chance(0.4);
        cv::rectangle(canvas, cv::Rect(bx, by, bw, h), cv::Scalar::all(kInk), std::max(2, 3 * rule));
        GroundTruthBlock adb;
        adb.role = Role::kBoilerplate, adb.kind = "ad", adb.article = -1, adb.column = pcol(spot->c0);
        int y = by + pad;
        for (size_t i = 0; i < lines.size(); ++i) {
          int lp = static_cast<int>(std::lround(1.35 * px[i]));
          int tw = faces[i]->Advance(lines[i], px[i]);
          int ink = kInk;
          if (i == 0 && inverse) {
            cv::rectangle(canvas, cv::Rect(bx + pad / 2, y - px[i] / 6, bw - pad, lp), cv::Scalar::all(kInk), -1);
            ink = kPaper;
          }
          faces[i]->Draw(canvas, lines[i], bx + (bw - tw) / 2, y, px[i], ink);
          Box lb{bx + (bw - tw) / 2, y, tw, px[i]};
          adb.line_boxes.push_back(lb);
          adb.box = Union(adb.box, lb);
          adb.text += (i > 0 ? "\n" : "") + lines[i];
          y += lp;
        }
        adb.box = {bx, by, bw, h};
        dropped_blocks.push_back(adb);
      }
    }

    if (varied && rng.Chance(0.25)) {
      // A ruled table of numbers: a header row, 3-5 rows with a label and
      // numbers, every cell ruled.
      int span = (ac >= 2 && rng.Chance(0.5)) ? 2 : 1;
      int w = min_span_w(span);
      int cell_px = static_cast<int>(std::lround(0.8 * em));
      int cols = w >= 14 * em ? rng.Between(3, 4) : 3;
      int rows = rng.Between(4, 6);
      int row_h = static_cast<int>(std::lround(1.7 * cell_px));
      int h = rows * row_h;
      std::optional<Spot> spot = w >= 8 * em ? place(span, h, rng.Chance(0.4)) : std::nullopt;
      if (spot) {
        int bx = cx(spot->c0), bw = span_w(spot->c0, span), by = spot->top;
        int cell_w = bw / cols;
        static const std::vector<std::string> kZhLabels = {"粮食", "蔬菜", "水果", "生猪", "禽蛋", "水产"};
        static const std::vector<std::string> kEnLabels = {"Corn", "Wheat", "Apples", "Milk", "Eggs", "Hay"};
        int year = rng.Between(2021, 2025);
        GroundTruthBlock tb;
        tb.role = Role::kBoilerplate, tb.kind = "table", tb.article = a, tb.column = pcol(spot->c0);
        for (int r = 0; r < rows; ++r) {
          std::vector<std::string> cells;
          if (r == 0) {
            cells.push_back(en ? "Item" : "项目");
            for (int c = 1; c < cols; ++c)
              cells.push_back(c == 3 ? (en ? "Change" : "增长") : std::to_string(year + c - 1) + (en ? "" : "年"));
          } else {
            cells.push_back(en ? kEnLabels[r - 1] : kZhLabels[r - 1]);
            int v1 = rng.Between(120, 9800), v2 = v1 * rng.Between(90, 125) / 100;
            auto fmt = [&](int v) {
              std::string d = std::to_string(v);
              return en && v >= 1000 ? d.substr(0, d.size() - 3) + "," + d.substr(d.size() - 3) : d;
            };
            cells.push_back(fmt(v1));
            cells.push_back(fmt(v2));
            if (cols == 4) {
              double pct = 100.0 * (v2 - v1) / v1;
              char buf[32];
              std::snprintf(buf, sizeof buf, "%+.1f%%", pct);
              cells.push_back(buf);
            }
          }
          int ry = by + r * row_h;
          std::string row_text;
          for (int c = 0; c < cols; ++c) {
            int tw = sans.Advance(cells[c], cell_px);
            sans.Draw(canvas, cells[c], bx + c * cell_w + std::max(2, (cell_w - tw) / 2), ry + (row_h - cell_px) / 2, cell_px);
            row_text += (c > 0 ? " " : "") + cells[c];
          }
          tb.line_boxes.push_back({bx, ry, bw, row_h});
          tb.text += (r > 0 ? "\n" : "") + row_text;
        }
        const int thin = std::max(1, rule / 2);
        for (int r = 0; r <= rows; ++r)
          cv::rectangle(canvas, cv::Rect(bx, by + r * row_h - (r == rows ? thin : 0), bw, thin), cv::Scalar::all(kInk), -1);
        for (int c = 0; c <= cols; ++c) {
          int x = c == cols ? bx + bw - thin : bx + c * cell_w;
          cv::rectangle(canvas, cv::Rect(x, by, thin, h), cv::Scalar::all(kInk), -1);
        }
        tb.box = {bx, by, bw, h};
        dropped_blocks.push_back(tb);
      }
    }
    if (varied && rng.Chance(0.35)) {
      // An inset box: a rule around (sometimes a grey ground), a short title,
      // one line or two per item.
      int span = (ac >= 3 && rng.Chance(0.3)) ? 2 : 1;
      int w = min_span_w(span);
      int pad = static_cast<int>(std::lround(0.6 * em));
      int title_px = static_cast<int>(std::lround(1.05 * em)), title_pitch = static_cast<int>(std::lround(1.3 * title_px));
      int item_px = static_cast<int>(std::lround(0.9 * em)), item_pitch = static_cast<int>(std::lround(1.35 * item_px));
      std::string title = gen.InsetTitle();
      std::vector<std::string> items = gen.InsetItems(rng.Between(2, 3));
      std::vector<LaidLine> title_lines = LayoutText(sans_bold, title, title_px, w - 2 * pad, 0, false, en);
      std::vector<std::vector<LaidLine>> item_lines;
      int h = 2 * pad + static_cast<int>(title_lines.size()) * title_pitch + em / 3;
      for (const auto& it : items) {
        item_lines.push_back(LayoutText(sans, it, item_px, w - 2 * pad, 0, false, en));
        h += static_cast<int>(item_lines.back().size()) * item_pitch;
      }
      std::optional<Spot> spot = w >= 7 * em ? place(span, h, rng.Chance(0.5)) : std::nullopt;
      if (spot) {
        int bx = cx(spot->c0), bw = span_w(spot->c0, span), by = spot->top;
        if (rng.Chance(0.4)) cv::rectangle(canvas, cv::Rect(bx, by, bw, h), cv::Scalar::all(kInsetGrey), -1);
        cv::rectangle(canvas, cv::Rect(bx, by, bw, h), cv::Scalar::all(kInk), std::max(1, rule));
        int y = by + pad;
        GroundTruthBlock tb = DrawLines(canvas, sans_bold, title_lines, bx + pad, y, title_pitch, title_px, en,
                                        Role::kSubheadline, a, pcol(spot->c0));
        tb.kind = "inset-title";
        extra_blocks.push_back(tb);
        extra_text.push_back(title);
        y += static_cast<int>(title_lines.size()) * title_pitch + em / 3;
        for (size_t i = 0; i < items.size(); ++i) {
          GroundTruthBlock ib =
              DrawLines(canvas, sans, item_lines[i], bx + pad, y, item_pitch, item_px, en, Role::kBody, a, pcol(spot->c0));
          ib.kind = "inset";
          extra_blocks.push_back(ib);
          extra_text.push_back(items[i]);
          y += static_cast<int>(item_lines[i].size()) * item_pitch;
        }
      }
    }
    // Varied layout: a pull quote, set between two paragraphs of a column
    // once the body has reached one with room below it (see the fill).
    struct PullQuote {
      std::string text;
      int px = 0, line_pitch = 0, h = 0;
      size_t slots = 0;
      std::vector<LaidLine> lines;
    };
    std::optional<PullQuote> pull;
    if (varied && rng.Chance(0.4)) {
      PullQuote q;
      q.text = gen.PullQuote();
      q.px = static_cast<int>(std::lround(em * rng.Uniform(1.2, 1.45)));
      int w = *std::min_element(acw.begin(), acw.end()) - em;
      for (; q.px > em; q.px = q.px * 9 / 10) {
        q.lines = LayoutText(serif, q.text, q.px, w, 0, false, en);
        if (q.lines.size() <= 4) break;
      }
      q.line_pitch = static_cast<int>(std::lround(1.25 * q.px));
      q.h = 2 * rule + 2 * (2 * em / 5) + static_cast<int>(q.lines.size()) * q.line_pitch;
      q.slots = static_cast<size_t>((q.h + em / 2 + pitch - 1) / pitch);
      if (q.lines.size() <= 4) pull = std::move(q);
    }

    // Line slots in reading order: down each column on the shared grid,
    // skipping lines that touch a photo, table, inset or ad.
    std::vector<Slot> slots;
    for (int c = 0; c < ac; ++c) {
      int segment = 0;
      bool in_gap = false;
      for (int y = grid_top; y + em <= band_bottom; y += pitch) {
        bool blocked = false;
        for (const Excl& e : excl) blocked |= c >= e.c0 && c <= e.c1 && y + em > e.top && y < e.bottom;
        if (blocked) {
          in_gap = true;
          continue;
        }
        if (in_gap) {
          bool any_before = !slots.empty() && slots.back().lc == c;
          if (any_before) ++segment;
          in_gap = false;
        }
        slots.push_back({cx(c), y, pcol(c), segment, c, acw[c]});
      }
    }

    // Body: add paragraphs (dropping trailing sentences that do not fit)
    // until the slots are full. A jump line keeps the last slot for itself.
    const int indent = static_cast<int>(std::lround(kIndentEm * em));
    const bool jump = varied && !slots.empty() && rng.Chance(0.4);
    auto capacity = [&] { return slots.size() - (jump ? 1 : 0); };
    auto widths_from = [&slots](size_t base) {
      return [&slots, base](size_t i) { return slots[std::min(base + i, slots.size() - 1)].w; };
    };
    std::vector<LaidLine> body_lines;
    std::vector<std::string> paragraphs;
    struct PullSpot {
      int x, y, w, column;
    };
    std::optional<PullSpot> pull_at;
    int misses = 0;
    while (static_cast<int>(capacity()) - static_cast<int>(body_lines.size()) >= 2 && misses < 12) {
      std::vector<std::string> sentences = gen.ParagraphSentences();
      bool placed = false;
      for (size_t k = sentences.size(); k >= 1; --k) {
        std::string para = gen.JoinSentences(sentences, k);
        auto lines = LayoutTextW(serif, para, em, widths_from(body_lines.size()), indent, true, en);
        if (body_lines.size() + lines.size() <= capacity()) {
          for (auto& l : lines) body_lines.push_back(std::move(l));
          paragraphs.push_back(para);
          placed = true;
          break;
        }
      }
      misses = placed ? 0 : misses + 1;
      // The pull quote goes after this paragraph when the paragraph ended
      // inside a column piece with room for it and two lines after it.
      size_t i = body_lines.size();
      if (placed && pull && !pull_at && paragraphs.size() >= 2 && i > 0 && i + pull->slots + 2 <= capacity()) {
        const Slot s0 = slots[i];
        bool run = slots[i - 1].lc == s0.lc && slots[i - 1].segment == s0.segment;
        for (size_t k = 1; run && k < pull->slots + 2; ++k) run = slots[i + k].lc == s0.lc && slots[i + k].segment == s0.segment;
        if (run) {
          pull_at = PullSpot{s0.x, s0.y, s0.w, s0.column};
          slots.erase(slots.begin() + static_cast<long>(i), slots.begin() + static_cast<long>(i + pull->slots));
          for (size_t k = i; k < slots.size() && slots[k].lc == s0.lc; ++k) ++slots[k].segment;
        }
      }
    }
    // A jumped story stops where its last column does, mid-sentence if need
    // be; the jump line stands under it.
    std::string jump_text;
    GroundTruthBlock jump_block;
    if (jump) {
      size_t free = capacity() - body_lines.size();
      if (free >= 1) {
        std::vector<std::string> sentences = gen.ParagraphSentences();
        std::string para = gen.JoinSentences(sentences, sentences.size());
        auto lines = LayoutTextW(serif, para, em, widths_from(body_lines.size()), indent, true, en);
        if (lines.size() > free) {
          lines.resize(free);
          para.clear();
          for (size_t k = 0; k < lines.size(); ++k) para += (en && k > 0 ? " " : "") + LineText(lines[k], en);
        }
        for (auto& l : lines) body_lines.push_back(std::move(l));
        paragraphs.push_back(para);
      }
      const Slot& js = slots[body_lines.size()];
      jump_text = gen.JumpLine();
      LaidLine l;
      l.items.push_back({jump_text, 0});
      int jump_px = em;
      l.width = serif.Advance(jump_text, jump_px);
      if (l.width > js.w) {  // a narrow column: set it smaller
        jump_px = std::max(em * 6 / 10, em * js.w / l.width * 95 / 100);
        l.width = serif.Advance(jump_text, jump_px);
      }
      if (l.width <= js.w)
        jump_block = DrawLines(canvas, serif, {l}, js.x + js.w - l.width, js.y, pitch, jump_px, en, Role::kJump, a, js.column);
      else
        jump_text.clear();
    }
    for (const auto& p : paragraphs) text += p + "\n";

    // Draw the body, one block per column piece.
    for (size_t i = 0; i < body_lines.size();) {
      size_t j = i;
      std::vector<LaidLine> piece;
      while (j < body_lines.size() && slots[j].lc == slots[i].lc && slots[j].segment == slots[i].segment) {
        piece.push_back(body_lines[j]);
        ++j;
      }
      // Slots of one segment are consecutive grid lines.
      page.blocks.push_back(DrawLines(canvas, serif, piece, slots[i].x, slots[i].y, pitch, em, en, Role::kBody, a, slots[i].column));
      i = j;
    }
    if (!jump_text.empty()) {
      page.blocks.push_back(jump_block);
      text += jump_text + "\n";
    }
    if (!caption_text.empty()) {
      page.blocks.push_back(caption_block);
      text += caption_text + "\n";
    }
    if (pull_at) {
      // Rules above and below, the lines centred between them.
      const PullQuote& q = *pull;
      int x = pull_at->x, w = pull_at->w, y = pull_at->y;
      cv::rectangle(canvas, cv::Rect(x + em / 4, y, w - em / 2, rule), cv::Scalar::all(kInk), -1);
      cv::rectangle(canvas, cv::Rect(x + em / 4, y + q.h - rule, w - em / 2, rule), cv::Scalar::all(kInk), -1);
      GroundTruthBlock pb;
      pb.role = Role::kBody, pb.kind = "pull-quote", pb.article = a, pb.column = pull_at->column;
      for (size_t i = 0; i < q.lines.size(); ++i) {
        GroundTruthBlock lb = DrawLines(canvas, serif, {q.lines[i]}, x + (w - q.lines[i].width) / 2,
                                        y + rule + 2 * em / 5 + static_cast<int>(i) * q.line_pitch, q.line_pitch, q.px, en,
                                        Role::kBody, a, pull_at->column);
        pb.box = Union(pb.box, lb.box);
        pb.line_boxes.push_back(lb.box);
        pb.text += (i > 0 ? "\n" : "") + lb.text;
      }
      page.blocks.push_back(pb);
      text += q.text + "\n";
    }
    for (size_t i = 0; i < extra_blocks.size(); ++i) {
      page.blocks.push_back(extra_blocks[i]);
      text += extra_text[i] + "\n";
    }
    for (auto& b : dropped_blocks) page.blocks.push_back(std::move(b));

    // Rules: under a band (full width) and between side-by-side articles.
    if (region.c1 < N) {
      int x = col_x[region.c1] - gutter / 2 - rule / 2;
      cv::rectangle(canvas, cv::Rect(x, band_top, std::max(1, rule / 2), band_bottom - band_top), cv::Scalar::all(kInk), -1);
    }
    if (region.c1 == N && region.band + 1 < bands) {
      int rule_y = band_bottom + sep / 2 - rule / 2;
      cv::rectangle(canvas, cv::Rect(mx, rule_y, content_w, rule), cv::Scalar::all(kInk), -1);
    }
  }
  for (auto& b : footer_blocks) page.blocks.push_back(std::move(b));
  page.expected_text = std::move(text);

  // Degradations.
  cv::Mat gray;
  cv::cvtColor(canvas, gray, cv::COLOR_BGR2GRAY);
  canvas.release();
  Rng noise_rng(spec.seed ^ 0xD1B54A32D192ED03ull);
  if (spec.show_through > 0) {
    // The back of the sheet: another page, mirrored, softened by the paper,
    // darkening this one multiplicatively.
    PageSpec back_spec = spec;
    back_spec.seed = spec.seed ^ 0xBAC4B4C4ull;
    back_spec.skew_degrees = back_spec.noise = back_spec.blur = back_spec.uneven_light = back_spec.show_through = 0;
    back_spec.jpeg_quality = back_spec.dark_border_px = 0;
    auto back = Generate(back_spec);
    if (!back.ok()) return back.status();
    cv::Mat mirrored;
    cv::flip(back->image, mirrored, 1);
    cv::GaussianBlur(mirrored, mirrored, cv::Size(), std::max(0.5, 1.5 * spec.dpi / 300.0));
    for (int y = 0; y < gray.rows; ++y) {
      uchar* row = gray.ptr<uchar>(y);
      const uchar* b = mirrored.ptr<uchar>(y);
      for (int x = 0; x < gray.cols; ++x)
        row[x] = cv::saturate_cast<uchar>(row[x] * (1.0 - spec.show_through * (255 - b[x]) / 255.0));
    }
  }
  if (spec.uneven_light > 0) UnevenLight(gray, spec.uneven_light, noise_rng);
  if (spec.skew_degrees != 0) {
    cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(W / 2.0f, H / 2.0f), spec.skew_degrees, 1.0);
    for (int k = 0; k < 6; ++k) page.rotation[k] = m.at<double>(k / 3, k % 3);
    cv::Mat rotated;
    cv::warpAffine(gray, rotated, m, gray.size(), cv::INTER_CUBIC, cv::BORDER_CONSTANT, cv::Scalar(kPaper));
    gray = rotated;
  }
  if (spec.blur > 0) cv::GaussianBlur(gray, gray, cv::Size(), spec.blur);
  if (spec.noise > 0) AddNoise(gray, spec.noise, noise_rng);
  if (spec.dark_border_px > 0) DarkBorder(gray, spec.dark_border_px, noise_rng);
  if (spec.jpeg_quality > 0) {
    std::vector<int> params = {cv::IMWRITE_JPEG_QUALITY, spec.jpeg_quality};
    cv::imencode(".jpg", gray, page.encoded, params);
    gray = cv::imdecode(page.encoded, cv::IMREAD_GRAYSCALE);
  }
  page.image = gray;
  return page;
}

namespace {

nlohmann::json BoxJson(const Box& b) { return {{"x", b.x}, {"y", b.y}, {"w", b.w}, {"h", b.h}}; }

nlohmann::json SpecJson(const PageSpec& s) {
  nlohmann::json j = {{"seed", s.seed},
          {"lang", s.lang},
          {"columns", s.columns},
          {"dpi", s.dpi},
          {"width_mm", s.width_mm},
          {"height_mm", s.height_mm},
          {"skew_degrees", s.skew_degrees},
          {"running_header", s.running_header},
          {"photo", s.photo},
          {"articles", s.articles},
          {"noise", s.noise},
          {"blur", s.blur},
          {"jpeg_quality", s.jpeg_quality},
          {"uneven_light", s.uneven_light},
          {"dark_border_px", s.dark_border_px},
          {"body_pt", s.body_pt},
          {"show_through", s.show_through}};
  // Only when not default, so that the files of default pages stay as they were.
  for (auto [name, v] : {std::pair{"faces", &s.faces}, {"layout", &s.layout}, {"prose", &s.prose}})
    if (*v != "default") j[name] = *v;
  return j;
}

Status WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return Status(Code::kIoError, "pagegen: cannot write file").WithFile(path);
  return Status::Ok();
}

}  // namespace

Status WritePage(const GeneratedPage& page, const std::string& dir, const std::string& stem) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(Code::kIoError, "pagegen: cannot create directory: " + ec.message()).WithFile(dir);
  const std::string base = (std::filesystem::path(dir) / stem).string();
  const bool jpeg = page.spec.jpeg_quality > 0;
  const std::string image_path = base + (jpeg ? ".jpg" : ".png");
  if (jpeg && !page.encoded.empty()) {
    if (Status st = WriteFile(image_path, std::string(page.encoded.begin(), page.encoded.end())); !st.ok()) return st;
  } else {
    std::vector<unsigned char> buf;
    std::vector<int> params;
    if (jpeg) params = {cv::IMWRITE_JPEG_QUALITY, page.spec.jpeg_quality};
    else params = {cv::IMWRITE_PNG_COMPRESSION, 6};
    try {
      if (!cv::imencode(jpeg ? ".jpg" : ".png", page.image, buf, params))
        return Status(Code::kIoError, "pagegen: cannot encode image").WithFile(image_path);
    } catch (const cv::Exception& e) {
      return Status(Code::kIoError, std::string("pagegen: cannot encode image: ") + e.what()).WithFile(image_path);
    }
    if (Status st = WriteFile(image_path, std::string(buf.begin(), buf.end())); !st.ok()) return st;
  }
  if (Status st = WriteFile(base + ".gold.txt", page.expected_text); !st.ok()) return st;

  nlohmann::json j;
  j["generator"] = "ocrflow pagegen";
  j["image"] = {{"file", std::filesystem::path(image_path).filename().string()},
                {"width", page.image.cols},
                {"height", page.image.rows}};
  j["spec"] = SpecJson(page.spec);
  j["skew_degrees"] = page.spec.skew_degrees;
  j["dpi"] = page.spec.dpi;
  j["em_px"] = page.em_px;
  j["line_pitch_px"] = page.line_pitch_px;
  j["rotation"] = {{page.rotation[0], page.rotation[1], page.rotation[2]},
                   {page.rotation[3], page.rotation[4], page.rotation[5]}};
  j["boxes_note"] = "boxes are on the unskewed page; map them into the image with 'rotation' ([x', y'] = R [x, y, 1])";
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& b : page.blocks) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& l : b.line_boxes) lines.push_back(BoxJson(l));
    nlohmann::json block = {{"role", RoleName(b.role)},
                            {"article", b.article},
                            {"column", b.column},
                            {"box", BoxJson(b.box)},
                            {"text", b.text},
                            {"lines", lines}};
    if (!b.kind.empty()) {
      block["role"] = b.kind;
      block["ocrflow_role"] = RoleName(b.role);
    }
    blocks.push_back(block);
  }
  j["blocks"] = blocks;
  nlohmann::json photos = nlohmann::json::array();
  for (const auto& p : page.photos) photos.push_back(BoxJson(p));
  j["photos"] = photos;
  if (!page.faces.empty()) {
    nlohmann::json faces = nlohmann::json::object();
    for (const auto& [role, name] : page.faces) faces[role] = name;
    j["faces"] = faces;
  }
  if (!page.warnings.empty()) j["warnings"] = page.warnings;
  return WriteFile(base + ".truth.json", j.dump(1) + "\n");
}

}  // namespace ocrflow::pagegen
