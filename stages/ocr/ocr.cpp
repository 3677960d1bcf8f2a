#include "stages/ocr/ocr.h"

#include <tesseract/ocrclass.h>
#include <tesseract/ltrresultiterator.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <opencv2/imgproc.hpp>

#include "pipeline/core/shared_work.h"
#include "stages/image/raster_cv.h"
#include "stages/ocr/engine.h"
#include "stages/ocr/ppocr.h"
#include "stages/ocr/words.h"
#include "stages/text/utf8.h"

namespace ocrflow::ocr {
namespace {

struct TextDeleter {
  void operator()(char* p) const { delete[] p; }
};

std::string TrimLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

struct Crop {
  cv::Mat image;  // what Tesseract sees
  cv::Rect rect;  // on the page
  double scale = 1;
};

Crop PrepareCrop(const cv::Mat& gray, cv::Rect rect, double scale, bool otsu) {
  Crop c;
  c.rect = rect & cv::Rect(0, 0, gray.cols, gray.rows);
  c.scale = scale;
  cv::Mat src = gray(c.rect);
  if (scale != 1) {
    cv::resize(src, c.image, cv::Size(), scale, scale, cv::INTER_CUBIC);
  } else {
    c.image = src.clone();
  }
  if (otsu) cv::threshold(c.image, c.image, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  return c;
}

Box ToPage(const Crop& crop, int l, int t, int r, int b) {
  return Box{crop.rect.x + static_cast<int>(l / crop.scale), crop.rect.y + static_cast<int>(t / crop.scale),
             static_cast<int>((r - l) / crop.scale), static_cast<int>((b - t) / crop.scale)};
}

// Recognises the crop and appends its text lines to `lines` (or, for a
// whole page, to Tesseract's own blocks). Lines are assembled symbol by
// symbol: a space between words, none between two Chinese characters.
// (Symbol boxes of the LSTM engine overlap and jump, so the gap between two
// Chinese characters cannot tell a real space, as in 记者 林青; measured.)
// The time bound of one Tesseract call: OcrOptions::call_timeout, cut to
// what is left of the page's deadline; a cancel request stops it too.
// Tesseract checks both between words (ETEXT_DESC).
struct CallBound {
  const RunContext& ctx;
  double call_seconds;  // 0 = only the page's deadline
};

bool CancelTesseract(void* ctx, int /*words*/) {
  const RunContext* c = static_cast<const RunContext*>(ctx);
  return c->cancel != nullptr && c->cancel->load(std::memory_order_relaxed);
}

Status Recognize(tesseract::TessBaseAPI* api, const Crop& crop, tesseract::PageSegMode psm, int dpi,
                 std::vector<Line>* lines, std::vector<Block>* tess_blocks, const CallBound& bound) {
  if (bound.ctx.cancelled()) {
    return bound.ctx.past_deadline() ? Status(Code::kDeadlineExceeded, "the page's deadline passed")
                                     : Status(Code::kCancelled, "cancelled");
  }
  double limit = bound.ctx.seconds_left();
  if (bound.call_seconds > 0) limit = std::min(limit, bound.call_seconds);
  tesseract::ETEXT_DESC monitor;
  monitor.cancel = CancelTesseract;
  monitor.cancel_this = const_cast<RunContext*>(&bound.ctx);
  monitor.set_deadline_msecs(static_cast<int32_t>(std::clamp(limit * 1000, 1.0, 2e9)));
  api->SetPageSegMode(psm);
  api->SetImage(crop.image.data, crop.image.cols, crop.image.rows, 1, static_cast<int>(crop.image.step));
  api->SetSourceResolution(dpi);
  const int rc = api->Recognize(&monitor);
  if (monitor.deadline_exceeded()) {
    char msg[120];
    std::snprintf(msg, sizeof msg, "a Tesseract call ran out of its %.1f s (%s)", limit,
                  limit < bound.call_seconds || bound.call_seconds <= 0 ? "the page's deadline" : "ocr.call_timeout");
    return Status(Code::kDeadlineExceeded, msg);
  }
  if (CancelTesseract(monitor.cancel_this, 0)) return Status(Code::kCancelled, "cancelled");
  if (rc != 0) return Status(Code::kInternal, "Tesseract failed to recognise a block");
  std::unique_ptr<tesseract::LTRResultIterator> it = LeftToRightResults(api);
  if (!it || it->Empty(tesseract::RIL_SYMBOL)) return Status::Ok();  // nothing found
  Line cur;
  bool have = false;
  auto flush = [&]() {
    if (!have) return;
    cur.text = TrimLine(std::move(cur.text));
    std::erase_if(cur.words, [](const Word& w) { return TrimLine(w.text).empty(); });
    if (!cur.text.empty()) {
      if (tess_blocks != nullptr) tess_blocks->back().lines.push_back(std::move(cur));
      else lines->push_back(std::move(cur));
    }
    cur = Line{};
    have = false;
  };
  do {
    if (it->IsAtBeginningOf(tesseract::RIL_BLOCK) && tess_blocks != nullptr) {
      flush();
      tess_blocks->emplace_back();
      int l, t, r, b;
      if (it->BoundingBox(tesseract::RIL_BLOCK, &l, &t, &r, &b)) tess_blocks->back().box = ToPage(crop, l, t, r, b);
    }
    if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
      flush();
      have = true;
      int l, t, r, b;
      if (it->BoundingBox(tesseract::RIL_TEXTLINE, &l, &t, &r, &b)) {
        cur.box = ToPage(crop, l, t, r, b);
      }
      cur.confidence = it->Confidence(tesseract::RIL_TEXTLINE);
      float row_height = 0, descenders = 0, ascenders = 0;
      it->RowAttributes(&row_height, &descenders, &ascenders);
      if (row_height > 0) cur.row_height = static_cast<float>(row_height / crop.scale);
    }
    const bool word_start = it->IsAtBeginningOf(tesseract::RIL_WORD);
    std::unique_ptr<char, TextDeleter> raw(it->GetUTF8Text(tesseract::RIL_SYMBOL));
    if (!raw || raw.get()[0] == 0) continue;
    std::string sym = raw.get();
    // The word's box and confidence as Tesseract gives them (the archive
    // formats place the text with them); its text is its symbols.
    if (word_start || cur.words.empty()) {
      Word w;
      int l, t, r, b;
      if (it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b)) w.box = ToPage(crop, l, t, r, b);
      else if (cur.box) w.box = *cur.box;
      w.confidence = it->Confidence(tesseract::RIL_WORD);
      cur.words.push_back(std::move(w));
    }
    cur.words.back().text += sym;
    // Tesseract's chi_sim model starts a new "word" wherever two glyphs
    // stand a little apart; Chinese has no spaces, so none between two CJK
    // characters (those between CJK and Latin/digits are the text stage's).
    if (!cur.text.empty() && word_start &&
        !(text::IsCjk(text::LastCodePoint(cur.text)) && text::IsCjk(text::FirstCodePoint(sym)))) {
      cur.text += ' ';
    }
    cur.text += sym;
  } while (it->Next(tesseract::RIL_SYMBOL));
  flush();
  return Status::Ok();
}

// The text lines Tesseract's layout analysis finds in the crop, with the
// page segmentation mode `psm`, recognising nothing (AnalyseLayout: a few
// ms a block): each a Line with its box in page coordinates and no text, no
// confidence.
void FindLines(tesseract::TessBaseAPI* api, const Crop& crop, tesseract::PageSegMode psm, int dpi,
               std::vector<Line>& lines) {
  api->SetPageSegMode(psm);
  api->SetImage(crop.image.data, crop.image.cols, crop.image.rows, 1, static_cast<int>(crop.image.step));
  api->SetSourceResolution(dpi);
  std::unique_ptr<tesseract::PageIterator> it(api->AnalyseLayout());
  if (!it || it->Empty(tesseract::RIL_TEXTLINE)) return;
  do {
    int l, t, r, b;
    if (!it->BoundingBox(tesseract::RIL_TEXTLINE, &l, &t, &r, &b) || r <= l || b <= t) continue;
    Line line;
    line.box = ToPage(crop, l, t, r, b);
    lines.push_back(std::move(line));
  } while (it->Next(tesseract::RIL_TEXTLINE));
}


// PSM 6 now and then skips a short line of a block, such as a column's
// first line holding only the end of a sentence ("路。”"). Rows of ink that
// no recognised line covers are read again one at a time (PSM 7, else PSM 6
// on the row alone) and kept when Tesseract is fairly sure of them
// (kMissedRowConfidence).
constexpr float kMissedRowConfidence = 60;

Status ReadMissedRows(tesseract::TessBaseAPI* api, const cv::Mat& gray, const Crop& crop, double scale, int tess_dpi,
                      const OcrOptions& o, std::vector<Line>& lines, const CallBound& bound) {
  bool added = false;
  for (const cv::Rect& row : TextRows(gray(crop.rect))) {
    const int y0 = crop.rect.y + row.y, y1 = y0 + row.height;
    // Tesseract's line boxes can sit off the ink rows (a tilted line, two
    // columns read as one): any overlap counts as covered.
    bool covered = false;
    for (const Line& l : lines) {
      if (!l.box) continue;
      covered |= std::min(y1, l.box->bottom()) > std::max(y0, l.box->y);
    }
    if (covered) continue;
    std::vector<Line> more;
    // Binarised, whatever the block was read as: a row PSM 6 skipped in
    // grey is given the other view of its ink (a column's first line of
    // three glyphs, 路。”, reads at 60+ binarised and not in grey).
    Crop line_crop = PrepareCrop(gray, cv::Rect(crop.rect.x, y0, crop.rect.width, row.height), scale, true);
    // PSM 7 finds no line in some rows of a few glyphs that PSM 6 reads.
    for (auto psm : {tesseract::PSM_SINGLE_LINE, tesseract::PSM_SINGLE_BLOCK}) {
      if (Status st = Recognize(api, line_crop, psm, tess_dpi, &more, nullptr, bound); !st.ok()) return st;
      if (!more.empty()) break;
    }
    for (Line& l : more) {
      if (!l.box || l.confidence.value_or(0) < kMissedRowConfidence) continue;
      // Text already read elsewhere in the block is no missed row.
      bool seen = false;
      for (const Line& k : lines) seen |= l.text.size() >= 6 && k.text.find(l.text) != std::string::npos;
      if (seen) continue;
      lines.push_back(std::move(l));
      added = true;
    }
  }
  if (added) {
    std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
      return a.box.value_or(Box{}).y < b.box.value_or(Box{}).y;
    });
  }
  return Status::Ok();
}

// A sub-headline's leading "——" (one bar two characters long) is often
// read as a single 一 or as -一. The ink tells: measured in the line's box,
// a leading bar at least 1.4 line heights long (about two em) is the dash.
std::string LeadingDash(const cv::Mat& gray, const Line& line) {
  static const std::u32string kDashLike = U"一-—－–‐―─";
  size_t cut = 0;
  bool any = false;
  const std::string& t = line.text;
  while (cut < t.size()) {
    size_t next = cut;
    char32_t c = text::NextCodePoint(t, next);
    if (c == U' ') {
      cut = next;
      continue;
    }
    if (kDashLike.find(c) == std::u32string::npos) break;
    any = true;
    cut = next;
  }
  if (!any || cut >= t.size() || !line.box || t.rfind("——", 0) == 0) return t;
  const cv::Rect r = cv::Rect(line.box->x, line.box->y, line.box->w, line.box->h) & cv::Rect(0, 0, gray.cols, gray.rows);
  if (r.width < 4 || r.height < 4) return t;
  cv::Mat ink;
  cv::threshold(gray(r), ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  int first_x = r.width;
  for (int i = 1; i < n; ++i) {
    if (stats.at<int>(i, cv::CC_STAT_AREA) >= 4) first_x = std::min(first_x, stats.at<int>(i, cv::CC_STAT_LEFT));
  }
  // Flat components starting at the ink's left edge, chained left to right.
  const int h = r.height;
  int bar_end = -1;
  for (bool grew = true; grew;) {
    grew = false;
    for (int i = 1; i < n; ++i) {
      const int x = stats.at<int>(i, cv::CC_STAT_LEFT), w = stats.at<int>(i, cv::CC_STAT_WIDTH);
      const int ch = stats.at<int>(i, cv::CC_STAT_HEIGHT);
      if (ch > h / 4 || w < h / 3 || x + w <= bar_end) continue;
      const bool starts = bar_end < 0 ? x <= first_x + h / 10 : x <= bar_end + h / 8;
      if (starts) bar_end = x + w, grew = true;
    }
  }
  if (bar_end < 0 || bar_end - first_x < 1.4 * h) return t;
  return "——" + t.substr(cut);
}

// What script a reading holds: Han characters, Latin letters, all
// non-space characters.
struct ScriptMix {
  int han = 0, latin = 0, chars = 0;
};

ScriptMix MixOf(std::string_view text) {
  ScriptMix m;
  for (size_t k = 0; k < text.size();) {
    const char32_t c = text::NextCodePoint(text, k);
    if (c == ' ') continue;
    ++m.chars;
    m.han += text::IsHan(c);
    m.latin += text::IsLatinLetter(c);
  }
  return m;
}

ScriptMix MixOf(const std::vector<Line>& lines) {
  ScriptMix m;
  for (const Line& l : lines) {
    const ScriptMix one = MixOf(l.text);
    m.han += one.han, m.latin += one.latin, m.chars += one.chars;
  }
  return m;
}

// LatinReadAsChinese (ocr.h) on a reading's tally.
constexpr double kLatinReadingHanShare = 0.3;
bool LatinReadAsChinese(const ScriptMix& mix) {
  return mix.chars > 0 && mix.han < kLatinReadingHanShare * mix.chars && mix.latin >= 0.5 * mix.chars;
}

// --lang auto: a trial read of a block's first text rows (up to 3, until 16
// characters) with one model, PSM 7: ~20 ms a row with eng. Latin text
// reads at high confidence with eng; Chinese ink read by eng comes out as
// garbage at low confidence. What chi_sim reads in the same rows (Han or
// letters) tells blurred Chinese from Fraktur.
struct ScriptTrial {
  double confidence = -1;  // mean line confidence, by characters; -1: nothing read
  ScriptMix mix;
};

ScriptTrial TrialRead(tesseract::TessBaseAPI* engine, const cv::Mat& gray, const cv::Rect& rect, double scale,
                      int tess_dpi, bool otsu, const std::vector<cv::Rect>& rows, const CallBound& bound) {
  ScriptTrial t;
  // Without Tesseract's second, inverted reading of a line under its
  // invert_threshold (0.7 mean probability): that is every row of Chinese
  // ink read with eng, the rows a trial is there to find, so it read them
  // twice. A trial only weighs confidence and letters, it keeps no text,
  // and the page's ink is dark on light by now (binarize). The script
  // decisions and the text of the 8 OmniDocBench Chinese pages and the 9
  // Latin ones are byte for byte the same; the textbook page's trials cost
  // about half (bench/ppocr/README.md, 2026-12-07).
  bool invert = true;
  engine->GetBoolVariable("tessedit_do_invert", &invert);
  engine->SetVariable("tessedit_do_invert", "0");
  struct Restore {
    tesseract::TessBaseAPI* e;
    bool v;
    ~Restore() { e->SetVariable("tessedit_do_invert", v ? "1" : "0"); }
  } restore{engine, invert};
  double weighted = 0;
  for (size_t i = 0; i < rows.size() && i < 3 && t.mix.chars < 16; ++i) {
    cv::Rect r(rect.x, rect.y + rows[i].y, rect.width, rows[i].height);
    std::vector<Line> lines;
    if (!Recognize(engine, PrepareCrop(gray, r, scale, otsu), tesseract::PSM_SINGLE_LINE, tess_dpi, &lines, nullptr, bound).ok())
      break;
    for (const Line& l : lines) {
      const ScriptMix m = MixOf(l.text);
      weighted += l.confidence.value_or(0) * m.chars;
      t.mix.han += m.han;
      t.mix.latin += m.latin;
      t.mix.chars += m.chars;
    }
  }
  if (t.mix.chars > 0) t.confidence = weighted / t.mix.chars;
  return t;
}

double MeanConfidence(const std::vector<Line>& lines) {
  double sum = 0, n = 0;
  for (const Line& l : lines) {
    if (!l.confidence) continue;
    const double w = static_cast<double>(std::max<size_t>(1, l.text.size()));
    sum += *l.confidence * w;
    n += w;
  }
  return n > 0 ? sum / n : -1;
}

}  // namespace

bool LatinReadAsChinese(std::string_view reading) { return LatinReadAsChinese(MixOf(reading)); }

std::vector<cv::Rect> TextRows(const cv::Mat& gray) {
  std::vector<cv::Rect> rows;
  if (gray.empty()) return rows;
  cv::Mat ink;
  cv::threshold(gray, ink, 0, 1, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat profile;
  cv::reduce(ink, profile, 1, cv::REDUCE_SUM, CV_32S);
  const int min_ink = std::max(2, gray.cols / 200);
  std::vector<std::pair<int, int>> runs;
  for (int y = 0; y < gray.rows; ++y) {
    if (profile.at<int>(y) < min_ink) continue;
    if (!runs.empty() && runs.back().second == y) ++runs.back().second;
    else runs.emplace_back(y, y + 1);
  }
  if (runs.empty()) return rows;
  std::vector<int> heights;
  for (auto& r : runs) heights.push_back(r.second - r.first);
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  const int median = heights[heights.size() / 2];
  std::vector<std::pair<int, int>> merged;
  // Two rows of full height stay apart however close: a headline's
  // descender (the g of "Budget") can come within a few pixels of the
  // ascenders of the line below.
  auto piece = [&](const std::pair<int, int>& r) { return r.second - r.first < median / 2; };
  for (auto& r : runs) {
    if (!merged.empty() && r.first - merged.back().second < median / 5 && (piece(r) || piece(merged.back())))
      merged.back().second = r.second;
    else
      merged.push_back(r);
  }
  // Specks and rules are not rows.
  std::erase_if(merged, [&](const std::pair<int, int>& r) { return r.second - r.first < median / 2; });
  for (auto& r : merged) {
    const int h = r.second - r.first, pad = h / 4;
    const int y0 = std::max(0, r.first - pad), y1 = std::min(gray.rows, r.second + pad);
    rows.emplace_back(0, y0, gray.cols, y1 - y0);
  }
  return rows;
}

std::string RestoreLeadingDash(const Raster& gray_page, const Line& line) {
  return LeadingDash(image::View(gray_page), line);
}

std::vector<OptionField<OcrOptions>> OcrFields() {
  return {
      {"lang", &OcrOptions::lang,
       "auto (each block read with the model of its script), or Tesseract language(s), '+'-joined (chi_sim, eng, "
       "chi_sim+eng)",
       ""},
      {"auto_cjk", &OcrOptions::auto_cjk, "under lang=auto: the model for Chinese blocks", ""},
      {"auto_latin", &OcrOptions::auto_latin, "under lang=auto: the model for Latin-script blocks", ""},
      {"auto_latin_confidence", &OcrOptions::auto_latin_confidence,
       "under lang=auto: a trial read of a block's first rows with the Latin model at this mean confidence (and "
       "three letters or more) makes it a Latin block",
       "0-100"},
      {"auto_cjk_below", &OcrOptions::auto_cjk_below,
       "under lang=auto: a trial read under this confidence makes a block Chinese", "0-100"},
      {"tessdata", &OcrOptions::tessdata, "directory of the .traineddata models (empty: Tesseract's default)", "path"},
      {"upscale_below_dpi", &OcrOptions::upscale_below_dpi, "pages under this resolution are upscaled before OCR", "dpi"},
      {"upscale", &OcrOptions::upscale, "upscaling factor for low-resolution pages (cubic)", "x"},
      {"call_timeout", &OcrOptions::call_timeout,
       "a single Tesseract call (one block or line) stops after this; the page's --page-timeout bounds it too (0: "
       "the page's deadline alone)",
       "s"},
      {"otsu", &OcrOptions::otsu, "binarise each block with Otsu before OCR (off: Tesseract reads the grey levels)", ""},
      {"min_confidence", &OcrOptions::min_confidence, "drop lines Tesseract is less sure of than this (0 keeps all)", "0-100"},
      {"min_block_confidence", &OcrOptions::min_block_confidence,
       "drop body blocks read at a lower mean line confidence: photo texture, drawings (0 keeps all)", "0-100"},
      {"engine", &OcrOptions::engine,
       "tesseract; ppocr (Tesseract finds the lines, PP-OCR reads them); auto (PP-OCR reads Chinese blocks' lines: "
       "see ppocr_first)",
       ""},
      {"ppocr_models", &OcrOptions::ppocr_models, "directory of the PP-OCR model (empty: models/ppocr)", "path"},
      {"ppocr_backend", &OcrOptions::ppocr_backend,
       "PP-OCR runs on: auto (ONNX Runtime in a node worker when installed, else OpenCV dnn); opencv", ""},
      {"ppocr_model", &OcrOptions::ppocr_model,
       "the model ONNX Runtime runs: folded (rec-folded.onnx, affine layers and hardswish folded into the "
       "convolutions: the same readings, less CPU; rec-original.onnx when absent); original (rec-original.onnx)",
       ""},
      {"ppocr_squeeze", &OcrOptions::ppocr_squeeze,
       "PP-OCR reads a line this much narrower than its aspect at height 48 (1: as it is): the model's CPU grows "
       "with the width",
       "0.25-1"},
      {"ppocr_below", &OcrOptions::ppocr_below,
       "engine=auto: Chinese lines Tesseract read under this confidence are read again by PP-OCR (101: all)", "0-101"},
      {"ppocr_min_confidence", &OcrOptions::ppocr_min_confidence,
       "a PP-OCR reading under this confidence keeps Tesseract's text", "0-1"},
      {"ppocr_first", &OcrOptions::ppocr_first,
       "blocks read as Chinese: Tesseract only finds the lines, PP-OCR reads them, Tesseract reads those PP-OCR is "
       "unsure of (off: Tesseract reads all, PP-OCR re-reads under ppocr_below)",
       ""},
      {"min_line_height", &OcrOptions::min_line_height,
       "drop lines whose box is less tall than this x the page's median line height: rules and frames read as text "
       "(0 keeps all)",
       "fraction"},
      {"block_confidence_share", &OcrOptions::block_confidence_share,
       "on a page that reads badly as a whole, the block bar is at most this x its median line confidence (0: fixed)",
       "fraction"},
  };
}

std::string OcrModels(const StageSettings& settings) {
  const OcrOptions defaults;
  auto get = [&](const char* key, const std::string& def) {
    auto it = settings.find(key);
    return it != settings.end() ? it->second : def;
  };
  const std::string lang = get("lang", defaults.lang);
  if (lang != "auto") return lang;
  return get("auto_cjk", defaults.auto_cjk) + "+" + get("auto_latin", defaults.auto_latin);
}

double BlockConfidenceBar(double min_block_confidence, double share, double text_confidence) {
  if (share <= 0 || text_confidence < 0) return min_block_confidence;
  return std::min(min_block_confidence, share * text_confidence);
}

void DropUnreadableLines(Block& block, double min_block_confidence, std::vector<Dropped>& dropped) {
  if (min_block_confidence <= 0 || block.lines.empty() || (block.layout_role && *block.layout_role != Role::kBody))
    return;
  double sum = 0;
  int rated = 0;
  for (const Line& l : block.lines)
    if (l.confidence) sum += *l.confidence, ++rated;
  if (rated == 0 || sum / rated >= min_block_confidence) return;
  char mean[16];
  std::snprintf(mean, sizeof mean, "%.0f", sum / rated);
  std::string text;
  std::erase_if(block.lines, [&](const Line& l) {
    if (!l.confidence || *l.confidence >= min_block_confidence) return false;
    text += (text.empty() ? "" : "\n") + l.text;
    return true;
  });
  dropped.push_back(Dropped{std::move(text),
                            std::string("not text: lines under confidence ") +
                                std::to_string(static_cast<int>(min_block_confidence)) +
                                " in a block read at mean confidence " + mean + " (a photo, drawing or chart?)",
                            0, 0});
}

void DropFlatLines(std::vector<Block>& blocks, double share, std::vector<Dropped>& dropped) {
  if (share <= 0) return;
  std::vector<int> heights;
  for (const Block& b : blocks)
    for (const Line& l : b.lines)
      if (l.box && l.box->h > 0 && text::CodePointCount(l.text) >= 2) heights.push_back(l.box->h);
  if (heights.empty()) return;
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  const int median = heights[heights.size() / 2];
  const double bar = share * median;
  for (Block& b : blocks) {
    std::string text;
    int tallest = 0;
    std::erase_if(b.lines, [&](const Line& l) {
      if (!l.box || l.box->h >= bar) return false;
      text += (text.empty() ? "" : "\n") + l.text;
      tallest = std::max(tallest, l.box->h);
      return true;
    });
    if (text.empty()) continue;
    char reason[160];
    std::snprintf(reason, sizeof reason,
                  "not text: line boxes %d px tall or less, under %.2f x the page's median line height of %d px (a "
                  "rule or frame read as text?)",
                  tallest, share, median);
    dropped.push_back(Dropped{std::move(text), reason, 0, 0});
  }
}

namespace {

bool IsBody(const Block& block) { return !block.layout_role || *block.layout_role == Role::kBody; }

void AppendConfidences(const Block& block, std::vector<float>& out) {
  for (const Line& l : block.lines) {
    if (l.confidence) out.push_back(*l.confidence);
  }
}

double Median(std::vector<float> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Whether most body lines of the first `read` blocks were read with a
// Latin model (no chi_ model), and the page's body stands in two columns or
// more (the layout's).
bool LatinInColumns(const Page& page, size_t read) {
  size_t latin = 0, body = 0;
  for (size_t i = 0; i < page.blocks.size() && i < read; ++i) {
    const Block& b = page.blocks[i];
    if (!IsBody(b)) continue;
    body += b.lines.size();
    if (b.lang.find("chi_") == std::string::npos) latin += b.lines.size();
  }
  return BodyColumnCount(page) >= 2 && body > 0 && 2 * latin > body;
}

}  // namespace

// Whether a '+'-joined Tesseract language list holds a CJK model (chi_sim,
// chi_tra, jpn, kor and their _vert forms).
static bool HasCjkModel(const std::string& lang) {
  for (const char* m : {"chi_", "jpn", "kor"})
    if (lang.find(m) != std::string::npos) return true;
  return false;
}

// A block read with a Chinese model (chi_sim, chi_sim+eng...).
bool ChineseBlock(const Block& block) { return block.lang.find("chi_") != std::string::npos; }

void HanSample::Add(std::string_view reading) {
  const ScriptMix m = MixOf(reading);
  if (m.chars == 0) return;
  ++lines;
  han += m.han;
  chars += m.chars;
}

bool HanSample::Settled() const {
  if (lines < kSettleLines) return false;
  return han < kClearlyNotHan * chars || han > kClearlyHan * chars;
}

bool HanSample::Han() const { return chars == 0 || han >= kPpOcrPageHanShare * chars; }

// The second recognizer on one block's lines (OcrOptions::engine): each
// line Tesseract found, cropped from the page by its box (a sixth of its
// height around it, as PP-OCR's detector leaves), is read again by PP-OCR;
// its reading replaces Tesseract's unless it is empty or under
// ppocr_min_confidence. The line keeps its box; its confidence becomes
// PP-OCR's (x 100).
// Between lines it stops at a cancel request or the page's deadline; one
// line is bounded by PpOcrOptions::line_timeout_ms in the node worker and
// takes ~0.1 s in OpenCV.
// The crop PP-OCR reads for a line: its box and a sixth of its height
// around it, as PP-OCR's detector leaves, within the page.
cv::Rect PpOcrRect(const cv::Mat& gray, const Box& b) {
  const int pad = std::max(1, b.h / 6);
  return cv::Rect(b.x - pad, b.y - pad, b.w + 2 * pad, b.h + 2 * pad) & cv::Rect(0, 0, gray.cols, gray.rows);
}

Status RereadWithPpOcr(const cv::Mat& gray, const OcrOptions& o, PpOcrRecognizer& rec, Block& block,
                       const RunContext& ctx) {
  int tried = 0, taken = 0;
  for (Line& line : block.lines) {
    if (ctx.past_deadline()) return Status(Code::kDeadlineExceeded, "the page's deadline passed while PP-OCR read a block");
    if (ctx.cancelled()) return Status(Code::kCancelled, "cancelled");
    if (!line.box || line.box->w <= 0 || line.box->h <= 0) continue;
    if (o.engine == "auto" && line.confidence && *line.confidence >= o.ppocr_below) continue;
    const cv::Rect r = PpOcrRect(gray, *line.box);
    if (r.width < 4 || r.height < 4) continue;
    auto read = rec.Read(gray(r));
    if (!read.ok()) return read.status();
    ++tried;
    std::string text = TrimLine(read->text);
    if (text.empty() || read->confidence < o.ppocr_min_confidence) continue;
    line.words = PpOcrWords(*read, text, Box{r.x, r.y, r.width, r.height}, *line.box);
    line.text = std::move(text);
    line.confidence = static_cast<float>(read->confidence * 100);
    ++taken;
  }
  char why[160];
  if (o.engine == "auto" && o.ppocr_below <= 100)
    std::snprintf(why, sizeof why, "PP-OCR (%s) read %d of %zu lines (%d under Tesseract confidence %.0f tried)",
                  rec.backend(), taken, block.lines.size(), tried, o.ppocr_below);
  else
    std::snprintf(why, sizeof why, "PP-OCR (%s) read %d of %zu lines (%d tried)", rec.backend(), taken,
                  block.lines.size(), tried);
  block.engine = taken > 0 ? "ppocr" : "tesseract";
  block.engine_reason = why;
  return Status::Ok();
}

void ConfirmOrientation(Page& page) {
  std::vector<float> confs;
  for (const Block& block : page.blocks) {
    if (IsBody(block)) AppendConfidences(block, confs);
  }
  const double median = confs.empty() ? -1 : Median(confs);
  page.info.text_confidence = median;
  const double bar = page.info.orientation_check;
  if (bar <= 0) return;
  page.info.orientation_check = 0;
  char buf[160];
  if (median >= bar) {
    std::snprintf(buf, sizeof buf, "upright: the body text reads at median line confidence %.0f >= %.0f (OSD not run)",
                  median, bar);
  } else {
    page.info.orientation_unconfirmed = true;
    if (median < 0) std::snprintf(buf, sizeof buf, "no body text read as the page came in");
    else std::snprintf(buf, sizeof buf, "the body text read as the page came in at median line confidence %.0f < %.0f", median, bar);
  }
  page.info.orientation_note = buf;
}

Status OcrPage(Page& page, const OcrOptions& o, const RunContext& ctx) {
  if (page.image.empty()) return Status(Code::kInvalidArgument, "ocr: the page has no image");
  cv::Mat gray = image::View(page.image);
  if (page.image.channels != 1) return Status(Code::kInvalidArgument, "ocr: expected a grayscale page");
  if (o.engine != "auto" && o.engine != "tesseract" && o.engine != "ppocr")
    return Status(Code::kInvalidArgument, "ocr: engine must be auto, tesseract or ppocr, not '" + o.engine + "'");
  if (o.ppocr_backend != "auto" && o.ppocr_backend != "opencv")
    return Status(Code::kInvalidArgument, "ocr: ppocr_backend must be auto or opencv, not '" + o.ppocr_backend + "'");
  if (o.ppocr_model != "folded" && o.ppocr_model != "original")
    return Status(Code::kInvalidArgument, "ocr: ppocr_model must be folded or original, not '" + o.ppocr_model + "'");
  if (!(o.ppocr_squeeze >= 0.25 && o.ppocr_squeeze <= 1.0))
    return Status(Code::kInvalidArgument, "ocr: ppocr_squeeze must be in [0.25, 1], not " + std::to_string(o.ppocr_squeeze));
  const double dpi = page.info.dpi > 0 ? page.info.dpi : 300;
  // The upscale is for Chinese: Latin text reads as well without it at
  // 150-240 dpi, for up to 42 % more CPU with it, and a black-letter page
  // worse (docs/pages.md, tenth session). So a page known to be Latin (OSD's
  // script, or a --lang with no CJK model) is read as it is.
  const bool latin_page = page.info.script == "Latin" || page.info.script == "Fraktur" ||
                          (o.lang != "auto" && !HasCjkModel(o.lang));
  const double scale = dpi < o.upscale_below_dpi && !latin_page ? o.upscale : 1.0;
  page.info.scale *= scale;
  const int tess_dpi = static_cast<int>(dpi * scale + 0.5);
  const CallBound bound{ctx, o.call_timeout};
  const std::string ppocr_dir = o.ppocr_models.empty() ? DefaultPpOcrDir() : o.ppocr_models;
  PpOcrOptions ppocr;
  ppocr.backend = o.ppocr_backend;
  ppocr.model = o.ppocr_model;
  ppocr.squeeze = o.ppocr_squeeze;
  // Whether PP-OCR can read at all on this page: checked once here; a
  // thread whose recognizer will not load reads with Tesseract.
  Status ppocr_loaded = o.engine == "tesseract" ? Status(Code::kNotFound, "engine=tesseract") : CheckPpOcr(ppocr_dir);
  if (ppocr_loaded.ok()) {
    auto rec = ThreadPpOcr(ppocr_dir, ppocr);
    if (!rec.ok()) ppocr_loaded = rec.status();
  }
  bool ppocr_first = o.ppocr_first && ppocr_loaded.ok();
  // Blocks whose lines were found and not yet read (ppocr_first).
  std::vector<char> found_only(page.blocks.size(), 0);

  if (page.blocks.empty()) {
    // No layout: Tesseract's own page segmentation (under auto with both
    // models at once: there are no blocks to tell apart), or with the
    // Latin model alone when OSD found the page's script Latin or Fraktur
    // (a black-letter page read with the Chinese model too is read as Han).
    const std::string page_lang =
        o.lang != "auto" ? o.lang : latin_page ? o.auto_latin : o.auto_cjk + "+" + o.auto_latin;
    auto engine = ThreadEngine(page_lang, o.tessdata);
    if (!engine.ok()) return engine.status();
    tesseract::TessBaseAPI* api = engine.value();
    Crop crop = PrepareCrop(gray, cv::Rect(0, 0, gray.cols, gray.rows), scale, o.otsu);
    std::vector<Block> blocks;
    if (Status st = Recognize(api, crop, tesseract::PSM_AUTO, tess_dpi, nullptr, &blocks, bound); !st.ok()) return st;
    std::erase_if(blocks, [](const Block& b) { return b.lines.empty(); });
    for (Block& b : blocks) {
      b.lang = page_lang;
      if (o.lang == "auto" && latin_page) b.lang_reason = "OSD: " + page.info.script + " script";
    }
    page.blocks = std::move(blocks);
    found_only.assign(page.blocks.size(), 0);  // none: Tesseract read them all
  } else {
    // Reads one block with `eng` (PSM 6; a multi-row headline row by row).
    // The Han sample (below): per block, the lines found and those of them
    // PP-OCR read already, by box.
    struct Sampled {
      bool found = false;
      std::vector<Line> lines;  // as FindLines found them
      std::vector<Line> read;   // read by read_found_line
    };
    std::vector<Sampled> sampled(page.blocks.size());
    // With find_only, Tesseract only finds the lines (FindLines), but for
    // rows its layout missed, which it reads (ReadMissedRows).
    auto read_with = [&](tesseract::TessBaseAPI* eng, Block& block, const Crop& crop,
                         const std::vector<cv::Rect>& rows, bool find_only = false) -> Status {
      block.lines.clear();
      const bool headline = block.layout_role == Role::kHeadline || block.layout_role == Role::kSubheadline;
      if (find_only) {
        if (headline && rows.size() >= 2) {
          for (const cv::Rect& row : rows)
            FindLines(eng, PrepareCrop(gray, cv::Rect(crop.rect.x, crop.rect.y + row.y, crop.rect.width, row.height),
                                       scale, o.otsu),
                      tesseract::PSM_SINGLE_LINE, tess_dpi, block.lines);
          return Status::Ok();
        }
        const size_t index = static_cast<size_t>(&block - page.blocks.data());
        if (index < sampled.size() && sampled[index].found) block.lines = sampled[index].lines;
        else FindLines(eng, crop, tesseract::PSM_SINGLE_BLOCK, tess_dpi, block.lines);
        return ReadMissedRows(eng, gray, crop, scale, tess_dpi, o, block.lines, bound);
      }
      if (headline && rows.size() >= 2) {
        // Big bold two-line headlines: Tesseract's line finder sometimes
        // loses a whole line in PSM 6; one line at a time (PSM 7) keeps it.
        for (const cv::Rect& row : rows) {
          cv::Rect r(crop.rect.x, crop.rect.y + row.y, crop.rect.width, row.height);
          Crop line_crop = PrepareCrop(gray, r, scale, o.otsu);
          if (Status st = Recognize(eng, line_crop, tesseract::PSM_SINGLE_LINE, tess_dpi, &block.lines, nullptr, bound); !st.ok())
            return st;
        }
        return Status::Ok();
      }
      if (Status st = Recognize(eng, crop, tesseract::PSM_SINGLE_BLOCK, tess_dpi, &block.lines, nullptr, bound); !st.ok()) return st;
      return ReadMissedRows(eng, gray, crop, scale, tess_dpi, o, block.lines, bound);
    };
    // --lang auto, before any block is read: a trial read of every block's
    // first rows with the Latin model (ScriptTrial). A block whose trial
    // reads clearly as Latin text (auto_latin_confidence, three letters or
    // more) is Latin; one that reads as garbage (under auto_cjk_below) or
    // without letters is Chinese; one in between (Fraktur, a blurred line,
    // a short Chinese row read as letters) takes the page's script, below.
    const bool auto_lang = o.lang == "auto";
    std::vector<ScriptTrial> trials(auto_lang ? page.blocks.size() : 0);
    std::vector<std::vector<cv::Rect>> trial_rows(trials.size());
    std::vector<cv::Rect> trial_rects(trials.size());
    bool page_latin = false;
    constexpr size_t kFirstTrials = 6;
    int uniform = 0;  // 1: the page's largest blocks all read as Latin, -1: none did, 0: mixed
    std::vector<bool> tried(trials.size(), false);
    char page_why[200] = "no block in between";
    if (auto_lang) {
      auto trial_one = [&](size_t i) {
        Block& block = page.blocks[i];
        if (!block.box || ctx.cancelled()) return;
        auto latin = ThreadEngine(o.auto_latin, o.tessdata);
        if (!latin.ok()) return;
        const Box& b = *block.box;
        const cv::Rect rect = cv::Rect(b.x, b.y, b.w, b.h) & cv::Rect(0, 0, gray.cols, gray.rows);
        if (rect.width <= 0 || rect.height <= 0) return;
        trial_rects[i] = rect;
        trial_rows[i] = TextRows(gray(rect));
        trials[i] = TrialRead(latin.value(), gray, rect, scale, tess_dpi, o.otsu, trial_rows[i], bound);
      };
      // The largest blocks first (kFirstTrials of them): when they read
      // clearly one way, the page is of one script and the other blocks are
      // not tried (a trial costs ~20 ms a row, 5 s on a page of 85 blocks);
      // the check after reading still catches a block of the other script.
      std::vector<size_t> by_size;
      for (size_t i = 0; i < page.blocks.size(); ++i)
        if (page.blocks[i].box) by_size.push_back(i);
      std::stable_sort(by_size.begin(), by_size.end(), [&](size_t x, size_t y) {
        const Box &a = *page.blocks[x].box, &b = *page.blocks[y].box;
        return static_cast<long>(a.w) * a.h > static_cast<long>(b.w) * b.h;
      });
      const size_t first = std::min(kFirstTrials, by_size.size());
      auto run_trials = [&](size_t from, size_t to) {
        auto one = [&](size_t k) { trial_one(by_size[from + k]); };
        if (ctx.shared_work != nullptr) ctx.shared_work->Run(to - from, one);
        else
          for (size_t k = 0; k < to - from; ++k) one(k);
      };
      run_trials(0, first);
      int first_latin = 0, first_cjk = 0;
      for (size_t k = 0; k < first; ++k) {
        const ScriptTrial& t = trials[by_size[k]];
        first_latin += t.confidence >= o.auto_latin_confidence && t.mix.latin >= 3;
        first_cjk += t.confidence < o.auto_cjk_below || t.mix.latin < 3;
      }
      // One script: most of them (kFirstClear) clearly so, none clearly the other.
      constexpr int kFirstClear = 4;
      const bool all_cjk = first_latin == 0 && first_cjk >= kFirstClear;
      const bool all_latin = first_cjk == 0 && first_latin >= kFirstClear;
      if (by_size.size() > first && first == kFirstTrials && (all_cjk || all_latin)) {
        uniform = all_latin ? 1 : -1;
        page_latin = uniform > 0;
      } else {
        run_trials(first, by_size.size());
      }
      for (size_t k = 0; k < by_size.size(); ++k) tried[by_size[k]] = uniform == 0 || k < first;
      // The page's script, for the blocks in between: the in-between
      // blocks with the most text (up to kPageSamples) are read once more,
      // the same rows, with the Chinese model, and what it reads tells:
      // Han on Chinese ink, even blurred; Latin letters on Latin ink, even
      // Fraktur. (Confidences cannot tell: blurred Chinese and Fraktur both
      // read at 30-50 with either model, and a Chinese page's short rows
      // and number cells read as Latin at 50-90.)
      constexpr size_t kPageSamples = 4;
      std::vector<size_t> between;
      for (size_t i = 0; i < trials.size(); ++i) {
        const ScriptTrial& t = trials[i];
        if (t.mix.latin >= 3 && t.confidence >= o.auto_cjk_below && t.confidence < o.auto_latin_confidence)
          between.push_back(i);
      }
      std::sort(between.begin(), between.end(),
                [&](size_t x, size_t y) { return trials[x].mix.chars > trials[y].mix.chars; });
      if (between.size() > kPageSamples) between.resize(kPageSamples);
      if (!between.empty()) {
        auto cjk = ThreadEngine(o.auto_cjk, o.tessdata);
        if (!cjk.ok()) return cjk.status();
        int han = 0, letters = 0;
        for (size_t i : between) {
          const ScriptTrial c = TrialRead(cjk.value(), gray, trial_rects[i], scale, tess_dpi, o.otsu, trial_rows[i], bound);
          han += c.mix.han;
          letters += c.mix.latin;
        }
        // A Latin letter is about half a Han character's width: twice as
        // many letters as Han is an even split of the ink.
        page_latin = letters > 2 * han;
        std::snprintf(page_why, sizeof page_why,
                      "in between; %s read %d Han and %d Latin letters in %zu such blocks of this page: a %s page",
                      o.auto_cjk.c_str(), han, letters, between.size(), page_latin ? "Latin" : "Chinese");
      }
    }
    // Reads one block: with the model of --lang, or under auto with the
    // model of the block's script (the trial, then a check of the result).
    // Whether read_block reads block `index` with the Latin model first.
    auto latin_first_of = [&](size_t index) {
      if (!auto_lang) return o.lang.find("chi_") == std::string::npos;
      const ScriptTrial& trial = trials[index];
      bool clear_latin = trial.confidence >= o.auto_latin_confidence && trial.mix.latin >= 3;
      bool clear_cjk = trial.confidence < o.auto_cjk_below || trial.mix.latin < 3;
      if (!tried[index]) clear_latin = uniform > 0, clear_cjk = uniform < 0;
      return clear_latin || (!clear_cjk && page_latin);
    };
    // find_only: a block read as Chinese is only given its lines
    // (ppocr_first; found_only marks it), PP-OCR reads them below.
    auto read_block = [&](size_t index, bool find_only) -> Status {
      Block& block = page.blocks[index];
      const Box& b = *block.box;
      Crop crop = PrepareCrop(gray, cv::Rect(b.x, b.y, b.w, b.h), scale, o.otsu);
      if (crop.rect.width <= 0 || crop.rect.height <= 0) return Status::Ok();
      const bool headline = block.layout_role == Role::kHeadline || block.layout_role == Role::kSubheadline;
      std::vector<cv::Rect> rows;
      if (headline) rows = auto_lang && tried[index] ? trial_rows[index] : TextRows(gray(crop.rect));
      if (!auto_lang) {
        auto eng = ThreadEngine(o.lang, o.tessdata);
        if (!eng.ok()) return eng.status();
        block.lang = o.lang;
        if (find_only && ppocr_first && ChineseBlock(block)) {
          found_only[index] = 1;
          return read_with(eng.value(), block, crop, rows, true);
        }
        return read_with(eng.value(), block, crop, rows);
      }
      auto latin = ThreadEngine(o.auto_latin, o.tessdata);
      if (!latin.ok()) return latin.status();
      auto cjk = ThreadEngine(o.auto_cjk, o.tessdata);
      if (!cjk.ok()) return cjk.status();
      const ScriptTrial& trial = trials[index];
      bool clear_latin = trial.confidence >= o.auto_latin_confidence && trial.mix.latin >= 3;
      bool clear_cjk = trial.confidence < o.auto_cjk_below || trial.mix.latin < 3;
      // (latin_first_of says the same before the block is read.)
      char why[320];
      if (tried[index]) {
        std::snprintf(why, sizeof why, "trial read with %s at confidence %.0f, %d of %d characters letters: %s",
                      o.auto_latin.c_str(), trial.confidence, trial.mix.latin, trial.mix.chars,
                      clear_latin ? "Latin" : clear_cjk ? "not Latin" : page_why);
      } else {
        clear_latin = uniform > 0;
        clear_cjk = uniform < 0;
        std::snprintf(why, sizeof why, "not tried: the page's %zu largest blocks read as %s, none the other way",
                      kFirstTrials, uniform > 0 ? "Latin" : "not Latin");
      }
      const bool latin_first = clear_latin || (!clear_cjk && page_latin);
      block.lang = latin_first ? o.auto_latin : o.auto_cjk;
      block.lang_reason = why;
      if (find_only && ppocr_first && !latin_first) {
        found_only[index] = 1;
        return read_with(cjk.value(), block, crop, rows, true);
      }
      if (Status st = read_with(latin_first ? latin.value() : cjk.value(), block, crop, rows); !st.ok()) return st;
      // The check: a block read as Chinese that holds almost no Han, or
      // one read as Latin at low confidence, is read with the other model
      // too, and the more confident reading stays.
      const ScriptMix mix = MixOf(block.lines);
      const double conf = MeanConfidence(block.lines);
      // A short Latin reading is checked too: a Chinese headline of a few
      // big glyphs can read as three letters at fair confidence ("IK a").
      constexpr int kShortBlockChars = 24;
      const bool doubt = latin_first ? (clear_latin && conf < o.auto_latin_confidence) ||
                                           (!page_latin && mix.chars < kShortBlockChars)
                                     : LatinReadAsChinese(mix);
      if (!doubt) return Status::Ok();
      Block other = block;
      if (Status st = read_with(latin_first ? cjk.value() : latin.value(), other, crop, rows); !st.ok()) return st;
      const double other_conf = MeanConfidence(other.lines);
      if (other_conf > conf) {
        block.lines = std::move(other.lines);
        block.lang = latin_first ? o.auto_cjk : o.auto_latin;
        std::snprintf(why, sizeof why, "; read with both, %s more confident (%.0f vs %.0f)", block.lang.c_str(),
                      other_conf, conf);
      } else {
        std::snprintf(why, sizeof why, "; read with both, %s more confident (%.0f vs %.0f)", block.lang.c_str(), conf,
                      other_conf);
      }
      block.lang_reason += why;
      return Status::Ok();
    };
    // ppocr_first: PP-OCR reads the lines found in blocks read as Chinese
    // (found_only). One found line: PP-OCR's reading, unless it is empty or
    // under ppocr_min_confidence; then a line Tesseract read (a missed row)
    // keeps its text and any other is read by Tesseract (PSM 7, the same
    // crop). False when it has no text after all.
    struct FoundCount {
      int ppocr = 0, tesseract = 0;
    };
    // Without `fallback`, a line PP-OCR is unsure of gets PP-OCR's text
    // and false, and is not read by Tesseract.
    auto read_found_line = [&](PpOcrRecognizer& rec, const std::string& lang, Line& line, FoundCount& count,
                               bool fallback = true) -> Result<bool> {
      const cv::Rect r = PpOcrRect(gray, *line.box);
      if (r.width >= 4 && r.height >= 4) {
        auto read = rec.Read(gray(r));
        if (!read.ok()) return read.status();
        std::string text = TrimLine(read->text);
        if (!text.empty() && read->confidence >= o.ppocr_min_confidence) {
          line.words = PpOcrWords(*read, text, Box{r.x, r.y, r.width, r.height}, *line.box);
          line.text = std::move(text);
          line.confidence = static_cast<float>(read->confidence * 100);
          ++count.ppocr;
          return true;
        }
        if (!fallback) {
          line.words = PpOcrWords(*read, text, Box{r.x, r.y, r.width, r.height}, *line.box);
          line.text = std::move(text);
          return false;
        }
      }
      if (!fallback) return false;
      if (!line.text.empty()) return true;
      auto eng = ThreadEngine(lang, o.tessdata);
      if (!eng.ok()) return eng.status();
      std::vector<Line> got;
      const cv::Rect t = r.width >= 4 && r.height >= 4 ? r : cv::Rect(line.box->x, line.box->y, line.box->w, line.box->h);
      if (Status st = Recognize(eng.value(), PrepareCrop(gray, t, scale, o.otsu), tesseract::PSM_SINGLE_LINE, tess_dpi,
                                &got, nullptr, bound);
          !st.ok())
        return st;
      for (const Line& g : got) {
        if (!line.text.empty() && !(text::IsCjk(text::LastCodePoint(line.text)) && text::IsCjk(text::FirstCodePoint(g.text))))
          line.text += ' ';
        line.text += g.text;
        line.words.insert(line.words.end(), g.words.begin(), g.words.end());
        if (g.confidence) line.confidence = std::min(line.confidence.value_or(100.f), *g.confidence);
      }
      ++count.tesseract;
      return !line.text.empty();
    };
    // Reads the found lines of block k not read yet with PP-OCR
    // (found_only 1 -> 2). A block that reads as almost no Han goes back to
    // Tesseract (found_only 0), as read_block checks a block read as
    // Chinese: the old way tries the Latin model too.
    std::vector<std::string> fallbacks(page.blocks.size());  // a thread's worker failed: OpenCV reads on
    auto read_found_block = [&](size_t k) -> Status {
      Block& block = page.blocks[k];
      auto rec = ThreadPpOcr(ppocr_dir, ppocr);
      if (!rec.ok()) {
        found_only[k] = 0;
        return read_block(k, false);
      }
      FoundCount count;
      std::vector<char> keep(block.lines.size(), 1);
      for (size_t i = 0; i < block.lines.size(); ++i) {
        if (ctx.past_deadline())
          return Status(Code::kDeadlineExceeded, "the page's deadline passed while PP-OCR read a block");
        if (ctx.cancelled()) return Status(Code::kCancelled, "cancelled");
        Line& line = block.lines[i];
        auto done = std::find_if(sampled[k].read.begin(), sampled[k].read.end(),
                                 [&](const Line& r) {
                                   const Box &a = *r.box, &b = *line.box;
                                   return line.text.empty() && a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
                                 });
        if (done != sampled[k].read.end()) {
          line = *done;
          keep[i] = !line.text.empty();
          ++count.ppocr;
          continue;
        }
        auto got = read_found_line(*rec.value(), block.lang, line, count);
        if (!got.ok()) return got.status();
        keep[i] = got.value();
      }
      size_t i = 0;
      std::erase_if(block.lines, [&](const Line&) { return !keep[i++]; });
      if (std::string w = rec.value()->TakeWarning(); !w.empty()) fallbacks[k] = std::move(w);
      const ScriptMix mix = MixOf(block.lines);
      if (o.lang == "auto" && LatinReadAsChinese(mix)) {
        found_only[k] = 0;
        return read_block(k, false);
      }
      char why[200];
      std::snprintf(why, sizeof why,
                    "PP-OCR (%s) read %d of the %zu lines Tesseract's layout analysis found; Tesseract read %d it "
                    "was unsure of",
                    rec.value()->backend(), count.ppocr, block.lines.size(), count.tesseract);
      block.engine = "ppocr";
      block.engine_reason = why;
      found_only[k] = 2;
      return Status::Ok();
    };
    // Under engine=auto PP-OCR reads a page's Chinese blocks only when they
    // hold Han (kPpOcrPageHanShare), weighed, before any block is read, on
    // a sample: the found lines of the largest blocks to be read as Chinese
    // (not headlines), up to kSamplePerBlock from each and kSampleLines in
    // all (fewer once the sample is settled: HanSample), read by PP-OCR
    // (read_found_line; kept for read_found_block).
    // Any other page is read by Tesseract as before PP-OCR read first.
    if (ppocr_first && o.engine == "auto") {
      constexpr size_t kSampleLines = 12, kSamplePerBlock = 3;
      std::vector<size_t> chinese;
      for (size_t i = 0; i < page.blocks.size(); ++i) {
        const Block& block = page.blocks[i];
        if (block.box && !latin_first_of(i) && block.layout_role != Role::kHeadline &&
            block.layout_role != Role::kSubheadline)
          chinese.push_back(i);
      }
      std::stable_sort(chinese.begin(), chinese.end(), [&](size_t x, size_t y) {
        const Box &a = *page.blocks[x].box, &b = *page.blocks[y].box;
        return static_cast<long>(a.w) * a.h > static_cast<long>(b.w) * b.h;
      });
      auto cjk = ThreadEngine(auto_lang ? o.auto_cjk : o.lang, o.tessdata);
      if (!cjk.ok()) return cjk.status();
      auto rec = ThreadPpOcr(ppocr_dir, ppocr);
      if (!rec.ok()) return rec.status();
      HanSample sample;
      size_t taken = 0;
      for (size_t i : chinese) {
        if (taken >= kSampleLines || sample.Settled()) break;
        const Box& b = *page.blocks[i].box;
        Crop crop = PrepareCrop(gray, cv::Rect(b.x, b.y, b.w, b.h), scale, o.otsu);
        if (crop.rect.width <= 0 || crop.rect.height <= 0) continue;
        Sampled& one = sampled[i];
        FindLines(cjk.value(), crop, tesseract::PSM_SINGLE_BLOCK, tess_dpi, one.lines);
        one.found = true;
        for (size_t j = 0; j < one.lines.size() && j < kSamplePerBlock && taken < kSampleLines && !sample.Settled();
             ++j, ++taken) {
          Line line = one.lines[j];
          FoundCount unused;
          auto got = read_found_line(*rec.value(), auto_lang ? o.auto_cjk : o.lang, line, unused, false);
          if (!got.ok()) return got.status();
          sample.Add(line.text);
          // One PP-OCR is unsure of is read again, then by Tesseract.
          if (got.value()) one.read.push_back(std::move(line));
        }
      }
      if (!sample.Han()) {
        ppocr_first = false;
        std::vector<Sampled>(page.blocks.size()).swap(sampled);
      }
    }
    // The blocks whose lines were found and not read yet, after the
    // orientation check's: PP-OCR reads them (read_found_block).
    auto read_found_blocks = [&]() -> Status {
      std::vector<size_t> todo;
      for (size_t k = 0; k < page.blocks.size(); ++k)
        if (found_only[k] == 1) todo.push_back(k);
      std::vector<Status> found_status(todo.size());
      auto one = [&](size_t j) {
        if (!ctx.cancelled()) found_status[j] = read_found_block(todo[j]);
      };
      if (ctx.shared_work != nullptr) ctx.shared_work->Run(todo.size(), one);
      else
        for (size_t j = 0; j < todo.size(); ++j) one(j);
      if (ctx.cancelled()) return Status(Code::kCancelled, "cancelled");
      for (const Status& st : found_status)
        if (!st.ok()) return st;
      return Status::Ok();
    };
    // A pending orientation check (ImageInfo::orientation_check) looks at
    // the first kEarlyLines body lines as soon as they are read: until then
    // the body blocks are read in order, here. The other blocks on the way
    // (headlines, captions: the check does not count them) wait with the
    // rest: a page that fails the check is read again from the start, and
    // what was read of it is dropped (on the NZZ 1790 front page, 9 of its
    // 16 s CPU went to its masthead's blocks, read and thrown away).
    constexpr size_t kEarlyLines = 20;
    constexpr double kEarlyShare = 0.7;
    std::vector<float> early;
    std::vector<size_t> waiting;  // blocks before k the check passed over
    size_t k = 0;
    for (; k < page.blocks.size() && page.info.orientation_check > 0 && early.size() < kEarlyLines; ++k) {
      if (ctx.cancelled()) return Status(Code::kCancelled, "cancelled");
      Block& block = page.blocks[k];
      if (!block.box) continue;
      if (!IsBody(block)) {
        waiting.push_back(k);
        continue;
      }
      if (Status st = read_block(k, ppocr_first); !st.ok()) return st;
      if (found_only[k] == 1)
        if (Status st = read_found_block(k); !st.ok()) return st;
      AppendConfidences(block, early);
      if (early.size() < kEarlyLines) continue;
      const double m = Median(early), bar = kEarlyShare * page.info.orientation_check;
      if (m < bar) {
        // Text this bad is turned text (or not text): the rest of the
        // page would be read for nothing. Pipeline::Run checks the
        // orientation and reads the page again.
        char buf[160];
        std::snprintf(buf, sizeof buf, "the first %zu body lines read as the page came in at median confidence %.0f < %.0f",
                      early.size(), m, bar);
        page.info.orientation_note = buf;
        page.info.orientation_check = 0;
        page.info.orientation_unconfirmed = true;
        page.info.ocr_stopped_early = true;
        return Status::Ok();
      }
      if (m < page.info.orientation_check && LatinInColumns(page, k + 1)) {
        // Under the bar, not far under, on a page of Latin blocks in
        // columns: a black-letter page (read without its model) looks like
        // this, and is read with Tesseract's own segmentation
        // (pipeline/app/page_chain.h), so the rest under the layout's
        // columns would be read for nothing. The chain asks OSD for the
        // script and reads the page again, with the layout's blocks unless
        // it is Fraktur.
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "the first %zu body lines (Latin, in columns) read as the page came in at median confidence %.0f "
                      "< %.0f",
                      early.size(), m, page.info.orientation_check);
        page.info.orientation_note = buf;
        page.info.orientation_check = 0;
        page.info.orientation_unconfirmed = true;
        page.info.ocr_stopped_early = true;
        page.info.early_stop_for_script = true;
        return Status::Ok();
      }
    }
    // The rest in any order: each block is read on its own, on this thread
    // or on an idle worker of the run (with that thread's engine), into its
    // own lines.
    for (size_t i = k; i < page.blocks.size(); ++i) waiting.push_back(i);
    const size_t rest = waiting.size();
    std::vector<Status> status(rest);
    auto read_rest = [&](size_t i) {
      Block& block = page.blocks[waiting[i]];
      if (!block.box || ctx.cancelled()) return;
      status[i] = read_block(waiting[i], true);
    };
    if (ctx.shared_work != nullptr) {
      ctx.shared_work->Run(rest, read_rest);
    } else {
      for (size_t i = 0; i < rest; ++i) read_rest(i);
    }
    if (ctx.cancelled()) return Status(Code::kCancelled, "cancelled");
    for (const Status& st : status)
      if (!st.ok()) return st;
    if (Status st = read_found_blocks(); !st.ok()) return st;
    for (std::string& w : fallbacks)
      if (!w.empty() && std::find(page.warnings.begin(), page.warnings.end(), w) == page.warnings.end())
        page.warnings.push_back(std::move(w));
  }
  ConfirmOrientation(page);
  // The second recognizer where it did not read first (ppocr_first off or
  // not possible), after the orientation check (which weighs Tesseract's
  // confidences) and before the confidence filters (a line PP-OCR reads
  // well is not dropped as unreadable).
  if (o.engine != "tesseract" && !page.blocks.empty()) {
    const std::string& dir = ppocr_dir;
    const Status& loaded = ppocr_loaded;
    if (!loaded.ok()) {
      page.warnings.push_back("read with Tesseract alone: " + loaded.message());
    } else {
      ScriptMix chinese;
      for (const Block& block : page.blocks) {
        if (!ChineseBlock(block)) continue;
        const ScriptMix m = MixOf(block.lines);
        chinese.han += m.han;
        chinese.chars += m.chars;
      }
      const bool han_page = chinese.chars > 0 && chinese.han >= kPpOcrPageHanShare * chinese.chars;
      char not_han[160];
      std::snprintf(not_han, sizeof not_han,
                    "not read by PP-OCR: the page's blocks read as Chinese are %.0f %% Han (under %.0f %%: another "
                    "script taken for Chinese)",
                    chinese.chars > 0 ? 100.0 * chinese.han / chinese.chars : 0.0, 100 * kPpOcrPageHanShare);
      std::vector<Status> status(page.blocks.size());
      std::vector<std::string> fallbacks(page.blocks.size());  // a thread's worker failed: OpenCV reads on
      auto one = [&](size_t k) {
        Block& block = page.blocks[k];
        if (found_only[k]) return;  // PP-OCR read it first (ReadFoundBlocks)
        block.engine = "tesseract";
        if (ctx.cancelled() || block.lines.empty()) return;
        if (o.engine == "auto" && ChineseBlock(block) && !han_page) block.engine_reason = not_han;
        if (!(o.engine == "ppocr" || (ChineseBlock(block) && han_page))) return;
        auto rec = ThreadPpOcr(dir, ppocr);
        status[k] = rec.ok() ? RereadWithPpOcr(gray, o, *rec.value(), block, ctx) : rec.status();
        if (rec.ok()) fallbacks[k] = rec.value()->TakeWarning();
      };
      if (ctx.shared_work != nullptr) ctx.shared_work->Run(page.blocks.size(), one);
      else
        for (size_t k = 0; k < page.blocks.size(); ++k) one(k);
      if (ctx.cancelled()) return Status(Code::kCancelled, "cancelled");
      for (const Status& st : status)
        if (!st.ok()) return st;
      for (std::string& w : fallbacks)
        if (!w.empty() && std::find(page.warnings.begin(), page.warnings.end(), w) == page.warnings.end())
          page.warnings.push_back(std::move(w));
    }
  }
  const double block_bar = BlockConfidenceBar(o.min_block_confidence, o.block_confidence_share, page.info.text_confidence);
  DropFlatLines(page.blocks, o.min_line_height, page.dropped);
  // Page-wide line numbers, layout roles, confidence filters.
  int n = 0;
  for (size_t k = 0; k < page.blocks.size(); ++k) {
    Block& block = page.blocks[k];
    if (o.min_confidence > 0) {
      std::erase_if(block.lines, [&](const Line& l) { return l.confidence && *l.confidence < o.min_confidence; });
    }
    DropUnreadableLines(block, block_bar, page.dropped);
    const bool headline = block.layout_role == Role::kHeadline || block.layout_role == Role::kSubheadline;
    for (auto& line : block.lines) {
      line.source_line = ++n;
      if (headline) line.text = LeadingDash(gray, line);
      if (block.layout_role) {
        line.role = *block.layout_role;
        line.role_reason = "layout";
      }
    }
    // A column break is not a paragraph break: the reflow decides from the
    // text and the line geometry (indent, short last line) whether a
    // sentence runs on into the next block.
    block.blank_lines_before = 0;
  }
  std::erase_if(page.blocks, [](const Block& b) { return b.lines.empty(); });
  page.info.blank = page.blocks.empty();
  if (page.info.blank) page.warnings.push_back("blank page: no text found");
  return Status::Ok();
}

StageInfo OcrStageInfo() {
  return MakeStageInfo<OcrOptions>("ocr",
                                   "Tesseract OCR of each layout block (one engine per thread); lines keep boxes and confidences",
                                   DataKind::kImage, DataKind::kLines, OcrFields(), OcrPage);
}

}  // namespace ocrflow::ocr
