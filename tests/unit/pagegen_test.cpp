// Tests for the sample-page generator (bench/pagegen): the pages every image
// and OCR test is measured on, so their ground truth must be exact. No OCR
// here: the checks read the generator's own records and the pixels.
#include "bench/pagegen/pagegen.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace ocrflow::pagegen {
namespace {

// Small pages keep the tests fast: A5 at 150 dpi is 874 x 1240 pixels.
PageSpec SmallSpec(const std::string& lang = "zh", int columns = 2, uint64_t seed = 7) {
  PageSpec s;
  s.seed = seed;
  s.lang = lang;
  s.columns = columns;
  s.dpi = 150;
  s.width_mm = 148;
  s.height_mm = 210;
  return s;
}

GeneratedPage MustGenerate(const PageSpec& spec) {
  auto page = Generate(spec);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? std::move(page).value() : GeneratedPage{};
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

bool Dropped(Role r) { return r == Role::kRunningHeader || r == Role::kRunningFooter; }

bool Overlap(const Box& a, const Box& b) {
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

TEST(PageGen, SameSpecGivesSamePixelsAndText) {
  PageSpec spec = SmallSpec("zh", 3);
  spec.skew_degrees = 1.5;
  spec.noise = 6;
  spec.blur = 0.7;
  spec.uneven_light = 0.25;
  spec.dark_border_px = 15;
  spec.jpeg_quality = 85;
  GeneratedPage a = MustGenerate(spec), b = MustGenerate(spec);
  ASSERT_EQ(a.image.size(), b.image.size());
  ASSERT_EQ(a.image.type(), CV_8UC1);
  EXPECT_EQ(cv::countNonZero(a.image != b.image), 0);
  EXPECT_EQ(a.expected_text, b.expected_text);
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (size_t i = 0; i < a.blocks.size(); ++i) EXPECT_EQ(a.blocks[i].text, b.blocks[i].text);
  EXPECT_EQ(a.encoded, b.encoded);

  // Another seed is another page.
  GeneratedPage c = MustGenerate(SmallSpec("zh", 3, 8));
  EXPECT_NE(a.expected_text, c.expected_text);
}

TEST(PageGen, ExpectedTextLeavesOutRunningHeaderAndFooter) {
  for (const std::string lang : {"zh", "en"}) {
    GeneratedPage page = MustGenerate(SmallSpec(lang));
    int header = 0, footer = 0;
    for (const auto& b : page.blocks) {
      if (!Dropped(b.role)) continue;
      (b.role == Role::kRunningHeader ? header : footer)++;
      ASSERT_FALSE(b.text.empty());
      EXPECT_EQ(page.expected_text.find(b.text), std::string::npos) << lang << ": " << b.text;
    }
    EXPECT_GE(header, 2) << lang;  // paper name, date, page number
    EXPECT_GE(footer, 1) << lang;
  }
  PageSpec bare = SmallSpec();
  bare.running_header = false;
  for (const auto& b : MustGenerate(bare).blocks) EXPECT_FALSE(Dropped(b.role));
}

// The gold text is exactly the drawn text of the kept blocks, in order:
// joining the blocks' lines gives the paragraphs back (Chinese lines join
// with nothing, English lines with one space).
TEST(PageGen, ExpectedTextIsWhatWasDrawnInReadingOrder) {
  for (const std::string lang : {"zh", "en"}) {
    for (int columns : {1, 3}) {
      PageSpec spec = SmallSpec(lang, columns);
      GeneratedPage page = MustGenerate(spec);
      const std::string sep = lang == "en" ? " " : "";
      std::string drawn;
      for (const auto& b : page.blocks) {
        if (Dropped(b.role)) continue;
        std::string t = b.text;
        for (size_t p; (p = t.find('\n')) != std::string::npos;) t.replace(p, 1, sep);
        if (!drawn.empty()) drawn += sep;
        drawn += t;
      }
      std::string gold;
      for (const auto& line : SplitLines(page.expected_text)) {
        if (!gold.empty()) gold += sep;
        gold += line;
      }
      EXPECT_EQ(drawn, gold) << lang << " columns=" << columns;
      ASSERT_FALSE(page.expected_text.empty());
      EXPECT_EQ(page.expected_text.back(), '\n');
      EXPECT_EQ(page.expected_text.find("\n\n"), std::string::npos);

      // Per article: headline first, then optional sub-headline, byline.
      std::vector<std::string> lines = SplitLines(page.expected_text);
      std::vector<const GroundTruthBlock*> heads;
      for (const auto& b : page.blocks)
        if (b.role == Role::kHeadline) heads.push_back(&b);
      ASSERT_FALSE(heads.empty());
      std::string head = heads[0]->text;  // wrapped headlines join like body lines
      for (size_t p; (p = head.find('\n')) != std::string::npos;) head.replace(p, 1, sep);
      EXPECT_EQ(lines[0], head);
    }
  }
}

TEST(PageGen, BoxesLieInsideThePageAndDoNotOverlap) {
  for (const std::string lang : {"zh", "en"}) {
    for (int columns : {1, 2, 3, 5}) {
      PageSpec spec = SmallSpec(lang, columns);
      if (columns == 5) spec.width_mm = 210, spec.height_mm = 297;  // 5 columns need an A4 page
      GeneratedPage page = MustGenerate(spec);
      std::vector<Box> boxes;
      for (const auto& b : page.blocks) boxes.push_back(b.box);
      for (const auto& p : page.photos) boxes.push_back(p);
      for (size_t i = 0; i < boxes.size(); ++i) {
        const Box& b = boxes[i];
        EXPECT_GE(b.x, 0);
        EXPECT_GE(b.y, 0);
        EXPECT_GT(b.w, 0);
        EXPECT_GT(b.h, 0);
        EXPECT_LE(b.right(), page.image.cols);
        EXPECT_LE(b.bottom(), page.image.rows);
        for (size_t j = i + 1; j < boxes.size(); ++j)
          EXPECT_FALSE(Overlap(b, boxes[j])) << lang << " columns=" << columns << ": box " << i << " and " << j;
      }
      // Body blocks sit in the requested columns, each column used.
      std::set<int> used;
      for (const auto& b : page.blocks)
        if (b.role == Role::kBody) {
          EXPECT_GE(b.column, 0);
          EXPECT_LT(b.column, columns);
          used.insert(b.column);
        }
      EXPECT_EQ(static_cast<int>(used.size()), columns) << lang;
    }
  }
}

// A photo in the right-hand article of a split band, a few lines down its
// column: the lines after it must start below it, not run on over it (they
// did, when the gap was looked for in the page's column numbers instead of
// the article's).
TEST(PageGen, BodyTextNeverRunsOverAPhoto) {
  int photos_off_the_first_column = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    PageSpec spec = SmallSpec("zh", 4, seed);
    spec.width_mm = 210, spec.height_mm = 297;
    spec.articles = 4;
    GeneratedPage page = MustGenerate(spec);
    for (const auto& photo : page.photos) {
      bool right_article = false;
      for (const auto& b : page.blocks) {
        if (b.role == Role::kCaption && b.column > 0 && b.box.y > photo.y) right_article = true;
        if (b.role != Role::kBody) continue;
        EXPECT_FALSE(Overlap(b.box, photo)) << "seed " << seed << ": body block in column " << b.column;
      }
      photos_off_the_first_column += right_article;
    }
  }
  EXPECT_GT(photos_off_the_first_column, 0);  // photos were placed beside column 0 at all
}

// Justified columns: every body line but a paragraph's last one ends at the
// column's right edge; every paragraph's first line is indented two em.
TEST(PageGen, BodyIsJustifiedWithTwoEmIndent) {
  for (const std::string lang : {"zh", "en"}) {
    PageSpec spec = SmallSpec(lang, 2);
    GeneratedPage page = MustGenerate(spec);
    std::map<int, int> left, right;
    for (const auto& b : page.blocks)
      if (b.role == Role::kBody)
        for (const Box& l : b.line_boxes) {
          left[b.column] = left.count(b.column) ? std::min(left[b.column], l.x) : l.x;
          right[b.column] = std::max(right[b.column], l.right());
        }
    int lines = 0, full = 0, indented = 0;
    for (const auto& b : page.blocks) {
      if (b.role != Role::kBody) continue;
      for (const Box& l : b.line_boxes) {
        ++lines;
        full += std::abs(l.right() - right[b.column]) <= 1;
        indented += l.x - left[b.column] == 2 * page.em_px;
      }
    }
    int paragraphs = 0;
    for (const auto& b : page.blocks)
      if (b.role == Role::kHeadline || b.role == Role::kSubheadline || b.role == Role::kByline || b.role == Role::kCaption)
        --paragraphs;
    paragraphs += static_cast<int>(SplitLines(page.expected_text).size());
    EXPECT_EQ(indented, paragraphs) << lang;
    EXPECT_GE(full, lines - paragraphs) << lang;  // at most one short line per paragraph
    EXPECT_GE(paragraphs, 4) << lang;
  }
}

// Paragraphs run from the bottom of one column to the top of the next.
TEST(PageGen, ParagraphsCrossColumnBreaks) {
  GeneratedPage page = MustGenerate(SmallSpec("zh", 3));
  std::vector<std::string> paragraphs = SplitLines(page.expected_text);
  int crossing = 0;
  for (const auto& b : page.blocks) {
    if (b.role != Role::kBody) continue;
    std::vector<std::string> lines = SplitLines(b.text);
    const std::string& last = lines.back();
    bool ends_paragraph = false;
    for (const auto& p : paragraphs)
      ends_paragraph |= p.size() >= last.size() && p.compare(p.size() - last.size(), last.size(), last) == 0;
    crossing += !ends_paragraph;
  }
  EXPECT_GE(crossing, 1);
}

TEST(PageGen, ChineseUsesFullWidthPunctuation) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    GeneratedPage page = MustGenerate(SmallSpec("zh", 3, seed));
    const std::string& t = page.expected_text;
    for (size_t i = 0; i < t.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(t[i]);
      if (c >= 0x80 || c == '\n') continue;
      // ASCII only in numbers (digits, decimal point, percent) and the
      // space after 本报记者.
      bool ok = std::isdigit(c) || c == '%' || c == ' ' ||
                (c == '.' && i > 0 && i + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[i - 1])) &&
                 std::isdigit(static_cast<unsigned char>(t[i + 1])));
      EXPECT_TRUE(ok) << "seed " << seed << ": ASCII '" << t[i] << "' at byte " << i << " in: "
                      << t.substr(i > 30 ? i - 30 : 0, 60);
    }
    EXPECT_NE(t.find("，"), std::string::npos);
    EXPECT_NE(t.find("。"), std::string::npos);
  }
}

// The repeats stage drops a passage seen earlier on the page as OCR
// duplication, so the gold must not repeat a sentence.
TEST(PageGen, NoSentenceRepeatsOnAPage) {
  for (const std::string lang : {"zh", "en"}) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      PageSpec spec = SmallSpec(lang, 3, seed);
      spec.width_mm = 210, spec.height_mm = 297;
      std::string t = MustGenerate(spec).expected_text;
      const std::string mark = lang == "zh" ? "。" : ". ";
      std::set<std::string> seen;
      size_t start = 0;
      for (size_t p; (p = t.find(mark, start)) != std::string::npos; start = p + mark.size()) {
        std::string sentence = t.substr(start, p - start);
        if (auto nl = sentence.rfind('\n'); nl != std::string::npos) sentence = sentence.substr(nl + 1);
        if (sentence.size() < 30) continue;
        EXPECT_TRUE(seen.insert(sentence).second) << lang << " seed " << seed << ": " << sentence;
      }
      EXPECT_GT(seen.size(), 10u);
    }
  }
}

// Independent check of the skew: the angle that best straightens the ink's
// row profile (projection-profile method) is the one applied, with the sign
// of cv::getRotationMatrix2D (positive = counter-clockwise).
double ProfileAngle(const cv::Mat& gray) {
  cv::Mat ink;
  cv::threshold(gray, ink, 128, 1, cv::THRESH_BINARY_INV);
  ink.convertTo(ink, CV_32F);
  double best = 0, best_score = -1;
  for (double a = -5; a <= 5.001; a += 0.25) {
    cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(gray.cols / 2.0f, gray.rows / 2.0f), -a, 1.0);
    cv::Mat r;
    cv::warpAffine(ink, r, m, ink.size(), cv::INTER_LINEAR);
    cv::Mat rows;
    cv::reduce(r, rows, 1, cv::REDUCE_SUM);
    double score = rows.dot(rows);
    if (score > best_score) best_score = score, best = a;
  }
  return best;
}

TEST(PageGen, SkewIsApplied) {
  PageSpec flat = SmallSpec("zh", 2);
  flat.photo = false;
  PageSpec tilted = flat;
  tilted.skew_degrees = 3;
  GeneratedPage a = MustGenerate(flat), b = MustGenerate(tilted);
  EXPECT_EQ(a.expected_text, b.expected_text);  // skew changes pixels only
  EXPECT_GT(cv::countNonZero(a.image != b.image), a.image.total() / 50);
  EXPECT_NEAR(ProfileAngle(a.image), 0, 0.26);
  EXPECT_NEAR(ProfileAngle(b.image), 3, 0.26);
  tilted.skew_degrees = -2;
  EXPECT_NEAR(ProfileAngle(MustGenerate(tilted).image), -2, 0.26);

  // Counter-clockwise on screen: the right of the page moves up against the
  // left. Ink centroids of two vertical strips whose centres are W/2 apart
  // (away from the page edges, where ink would cross only one way) move by
  // about W/2 * sin 3 deg = 23 px against each other.
  auto left_minus_right = [](const cv::Mat& gray) {
    cv::Mat ink = gray < 128;
    int w = gray.cols / 5;
    cv::Moments l = cv::moments(ink(cv::Rect(gray.cols / 4 - w / 2, 0, w, gray.rows)), true);
    cv::Moments r = cv::moments(ink(cv::Rect(gray.cols * 3 / 4 - w / 2, 0, w, gray.rows)), true);
    return l.m01 / l.m00 - r.m01 / r.m00;
  };
  // Text is not spread evenly over the strips, so only the sign and a
  // clear share of the size are asserted.
  double full = a.image.cols / 2.0 * std::sin(3 * CV_PI / 180);
  EXPECT_GT(left_minus_right(b.image) - left_minus_right(a.image), full / 3);
  PageSpec clockwise = flat;
  clockwise.skew_degrees = -3;
  EXPECT_LT(left_minus_right(MustGenerate(clockwise).image) - left_minus_right(a.image), -full / 3);

  // The recorded matrix maps a block's centre to where its ink now is.
  const GroundTruthBlock* head = nullptr;
  for (const auto& blk : b.blocks)
    if (blk.role == Role::kHeadline) head = &blk;
  ASSERT_NE(head, nullptr);
  cv::Point2d c = ToImage(b, {head->box.x + head->box.w / 2.0, head->box.y + head->box.h / 2.0});
  cv::Rect probe(static_cast<int>(c.x) - head->box.h / 2, static_cast<int>(c.y) - head->box.h / 2, head->box.h, head->box.h);
  probe &= cv::Rect(0, 0, b.image.cols, b.image.rows);
  EXPECT_GT(cv::countNonZero(b.image(probe) < 128), probe.area() / 20);
}

TEST(PageGen, ScanLookDarkensBorderAndKeepsGray) {
  PageSpec spec = SmallSpec();
  spec.dark_border_px = 20;
  spec.uneven_light = 0.3;
  GeneratedPage page = MustGenerate(spec);
  ASSERT_EQ(page.image.type(), CV_8UC1);
  EXPECT_LT(cv::mean(page.image(cv::Rect(0, 100, 10, 500)))[0], 80);  // left band
  EXPECT_LT(cv::mean(page.image(cv::Rect(100, 0, 500, 10)))[0], 80);  // top band
}

// Show-through greys the paper with the mirrored back page, and changes
// nothing in the ground truth.
TEST(PageGen, ShowThroughGreysThePaperOnly) {
  PageSpec spec = SmallSpec();
  GeneratedPage clean = MustGenerate(spec);
  spec.show_through = 0.15;
  GeneratedPage shown = MustGenerate(spec);
  EXPECT_EQ(clean.expected_text, shown.expected_text);
  ASSERT_EQ(clean.blocks.size(), shown.blocks.size());
  cv::Mat paper = clean.image == 255;
  cv::Mat greyed = paper & (shown.image < 250) & (shown.image > 200);
  EXPECT_GT(cv::countNonZero(greyed), cv::countNonZero(paper) / 50);
  EXPECT_EQ(cv::countNonZero(shown.image > clean.image), 0);  // it only darkens
}

TEST(PageGen, RejectsBadSpecs) {
  PageSpec s = SmallSpec();
  s.columns = 6;
  EXPECT_EQ(Generate(s).status().code(), Code::kInvalidArgument);
  s = SmallSpec();
  s.lang = "fr";
  EXPECT_EQ(Generate(s).status().code(), Code::kInvalidArgument);
  s = SmallSpec();
  s.dpi = 10;
  EXPECT_EQ(Generate(s).status().code(), Code::kInvalidArgument);
}

TEST(PageGen, WritePageWritesImageGoldAndTruth) {
  std::string dir = (std::filesystem::temp_directory_path() / ("pagegen_test_" + std::to_string(::getpid()))).string();
  PageSpec spec = SmallSpec("en", 2);
  spec.skew_degrees = -1.25;
  spec.jpeg_quality = 80;
  GeneratedPage page = MustGenerate(spec);
  ASSERT_TRUE(WritePage(page, dir, "p").ok());
  cv::Mat back = cv::imread(dir + "/p.jpg", cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(back.empty());
  EXPECT_EQ(cv::countNonZero(back != page.image), 0);  // the stored bytes, not a second compression
  std::ifstream gold(dir + "/p.gold.txt");
  std::string gold_text((std::istreambuf_iterator<char>(gold)), std::istreambuf_iterator<char>());
  EXPECT_EQ(gold_text, page.expected_text);
  std::ifstream truth(dir + "/p.truth.json");
  nlohmann::json j = nlohmann::json::parse(truth);
  EXPECT_DOUBLE_EQ(j["skew_degrees"].get<double>(), -1.25);
  EXPECT_EQ(j["dpi"].get<int>(), 150);
  EXPECT_EQ(j["spec"]["lang"], "en");
  ASSERT_EQ(j["blocks"].size(), page.blocks.size());
  EXPECT_EQ(j["blocks"][0]["role"], "running-header");
  std::filesystem::remove_all(dir);
}

// The CLI: --count writes numbered pages, each with its own seed and, with
// --random-skew, its own deterministic angle within the bound.
TEST(PageGen, CliWritesNumberedPagesWithRandomSkew) {
  std::string dir = (std::filesystem::temp_directory_path() / ("pagegen_cli_" + std::to_string(::getpid()))).string();
  std::string cmd = std::string(OCRFLOW_PAGEGEN) + " --out " + dir +
                    " --count 2 --seed 5 --random-skew 3 --dpi 100 --size a5 --columns 2 > " + dir + ".log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::vector<double> angles;
  std::set<std::string> texts;
  for (const char* stem : {"page-001", "page-002"}) {
    std::string base = dir + "/" + stem;
    ASSERT_TRUE(std::filesystem::exists(base + ".png")) << base;
    std::ifstream gold(base + ".gold.txt");
    texts.insert(std::string((std::istreambuf_iterator<char>(gold)), std::istreambuf_iterator<char>()));
    std::ifstream truth(base + ".truth.json");
    nlohmann::json j = nlohmann::json::parse(truth);
    angles.push_back(j["skew_degrees"].get<double>());
    EXPECT_LE(std::abs(angles.back()), 3.0);
  }
  EXPECT_NE(angles[0], angles[1]);
  EXPECT_EQ(texts.size(), 2u);
  std::ifstream log(dir + ".log");
  std::string first_line;
  std::getline(log, first_line);
  EXPECT_NE(first_line.find("page-001.png"), std::string::npos) << first_line;
  std::filesystem::remove_all(dir);
  std::filesystem::remove(dir + ".log");
}

// --- Variety (issue 14): --faces/--layout/--prose varied ---------------------

PageSpec VariedSpec(const std::string& lang, int columns, uint64_t seed) {
  PageSpec s = SmallSpec(lang, columns, seed);
  s.width_mm = 210, s.height_mm = 297;  // A4 at 150 dpi: room for everything
  s.faces = s.layout = s.prose = "varied";
  return s;
}

bool DroppedOrBoilerplate(Role r) { return IsDroppedRole(r); }

std::string Joined(const std::string& s, const std::string& sep) {
  std::string t = s;
  for (size_t p; (p = t.find('\n')) != std::string::npos;) t.replace(p, 1, sep);
  return t;
}

// Every face of the catalogue that is installed draws ink of about the
// width it claims; a face whose file is absent is skipped (and reported).
TEST(PageGenVaried, CatalogueFacesRender) {
  int rendered = 0;
  for (const FaceInfo& f : FaceCatalogue()) {
    if (!f.available) {
      std::printf("[  SKIPPED ] face %s: %s not installed (Debian package %s)\n", f.name.c_str(), f.path.c_str(),
                  f.package.c_str());
      EXPECT_EQ(RenderSample(f.name, "x", 40).status().code(), Code::kNotFound);
      continue;
    }
    const std::string text = f.cjk ? "新闻报道，今日出版。" : "News of the day, 2026";
    auto img = RenderSample(f.name, text, 40);
    ASSERT_TRUE(img.ok()) << f.name << ": " << img.status().ToString();
    cv::Mat ink = *img < 128;
    EXPECT_GT(cv::countNonZero(ink), 400) << f.name;
    cv::Rect r = cv::boundingRect(ink);
    EXPECT_GT(r.width, img->cols / 2) << f.name;  // the glyphs, not .notdef boxes or nothing
    EXPECT_LT(r.height, 80) << f.name;
    ++rendered;
  }
  EXPECT_GE(rendered, 3);  // the Noto faces at least (fonts-noto-cjk)
  EXPECT_EQ(RenderSample("No Such Face", "x", 40).status().code(), Code::kNotFound);
}

// Varied faces: each role gets a face from the catalogue, recorded in the
// page; pages differ in their faces; absent faces are warnings, not errors.
TEST(PageGenVaried, FacesArePickedPerPageAndRole) {
  std::set<std::string> bodies;
  size_t missing = 0;
  for (const FaceInfo& f : FaceCatalogue()) missing += !f.available;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    PageSpec spec = SmallSpec("zh", 2, seed);
    spec.faces = "varied";
    GeneratedPage page = MustGenerate(spec);
    ASSERT_EQ(page.faces.size(), 3u);
    EXPECT_EQ(page.faces[0].first, "headline");
    EXPECT_EQ(page.faces[1].first, "body");
    EXPECT_EQ(page.faces[2].first, "caption");
    bodies.insert(page.faces[1].second);
    if (missing == 0) {
      EXPECT_TRUE(page.warnings.empty());
    }
    for (const auto& w : page.warnings) EXPECT_NE(w.find("skipped"), std::string::npos) << w;
  }
  EXPECT_GE(bodies.size(), 2u);
  // Faces alone leave the text model's draws alone: the same headline (what
  // fits in a column after it depends on the face's widths).
  PageSpec plain = SmallSpec("en", 2, 3), faced = plain;
  faced.faces = "varied";
  GeneratedPage p = MustGenerate(plain), f = MustGenerate(faced);
  EXPECT_EQ(SplitLines(p.expected_text)[0], SplitLines(f.expected_text)[0]);
  EXPECT_TRUE(p.image.size() != f.image.size() || cv::countNonZero(p.image != f.image) > 0);
}

TEST(PageGenVaried, SameSpecGivesSamePixels) {
  PageSpec spec = VariedSpec("zh", 3, 11);
  spec.noise = 6, spec.blur = 0.7, spec.skew_degrees = 1.2, spec.jpeg_quality = 85;
  GeneratedPage a = MustGenerate(spec), b = MustGenerate(spec);
  ASSERT_EQ(a.image.size(), b.image.size());
  EXPECT_EQ(cv::countNonZero(a.image != b.image), 0);
  EXPECT_EQ(a.expected_text, b.expected_text);
  EXPECT_EQ(a.encoded, b.encoded);
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (size_t i = 0; i < a.blocks.size(); ++i) {
    EXPECT_EQ(a.blocks[i].text, b.blocks[i].text);
    EXPECT_EQ(a.blocks[i].kind, b.blocks[i].kind);
  }
  EXPECT_EQ(a.faces, b.faces);
  // "default" is the old page: not the varied one.
  PageSpec old = spec;
  old.faces = old.layout = old.prose = "default";
  EXPECT_NE(MustGenerate(old).expected_text, a.expected_text);
}

TEST(PageGenVaried, RejectsUnknownVarietyValues) {
  PageSpec s = SmallSpec();
  s.faces = "fancy";
  EXPECT_EQ(Generate(s).status().code(), Code::kInvalidArgument);
  s = SmallSpec();
  s.layout = "Varied";
  EXPECT_EQ(Generate(s).status().code(), Code::kInvalidArgument);
}

// On every varied page the gold is the kept blocks' text in block order (ads
// and tables left out), and no two boxes overlap.
TEST(PageGenVaried, GoldIsTheKeptBlocksAndBoxesDoNotOverlap) {
  std::map<std::string, int> kinds;
  for (const std::string lang : {"zh", "en"}) {
    for (int columns : {1, 3, 5}) {
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        GeneratedPage page = MustGenerate(VariedSpec(lang, columns, seed * 7 + columns));
        const std::string sep = lang == "en" ? " " : "";
        std::string drawn, gold;
        for (const auto& b : page.blocks) {
          ++kinds[b.kind.empty() ? RoleName(b.role) : b.kind];
          if (DroppedOrBoilerplate(b.role)) continue;
          drawn += (drawn.empty() ? "" : sep) + Joined(b.text, sep);
        }
        for (const auto& line : SplitLines(page.expected_text)) gold += (gold.empty() ? "" : sep) + line;
        EXPECT_EQ(drawn, gold) << lang << " columns=" << columns << " seed " << seed;
        std::vector<Box> boxes;
        for (const auto& b : page.blocks) boxes.push_back(b.box);
        for (const auto& p : page.photos) boxes.push_back(p);
        for (size_t i = 0; i < boxes.size(); ++i) {
          EXPECT_GE(boxes[i].x, 0);
          EXPECT_LE(boxes[i].right(), page.image.cols);
          EXPECT_LE(boxes[i].bottom(), page.image.rows);
          for (size_t j = i + 1; j < boxes.size(); ++j)
            EXPECT_FALSE(Overlap(boxes[i], boxes[j])) << lang << " columns=" << columns << " seed " << seed << ": " << i
                                                      << " and " << j;
        }
      }
    }
  }
  for (const char* k : {"pull-quote", "inset", "inset-title", "jump", "table"}) EXPECT_GT(kinds[k], 0) << k;
}

// The reading order of an article with an inset, a pull quote and a jump
// line: body (column by column), jump line, caption, pull quote, inset
// title, inset items; in the blocks and in the gold, each its own paragraph.
TEST(PageGenVaried, InsetPullQuoteAndJumpFollowTheArticleText) {
  int checked = 0;
  for (uint64_t seed = 1; seed <= 60 && checked < 3; ++seed) {
    for (const std::string lang : {"zh", "en"}) {
      GeneratedPage page = MustGenerate(VariedSpec(lang, 3, seed));
      const std::vector<std::string> gold = SplitLines(page.expected_text);
      std::map<int, std::vector<const GroundTruthBlock*>> by_article;
      for (const auto& b : page.blocks)
        if (!DroppedOrBoilerplate(b.role)) by_article[b.article].push_back(&b);
      for (const auto& [article, blocks] : by_article) {
        auto where = [&](const std::string& kind, Role role) {
          for (size_t i = 0; i < blocks.size(); ++i)
            if (blocks[i]->kind == kind && (kind.empty() ? blocks[i]->role == role : true)) return static_cast<int>(i);
          return -1;
        };
        int jump = where("", Role::kJump), pull = where("pull-quote", Role::kBody), title = where("inset-title", Role::kBody);
        if (jump < 0 || pull < 0 || title < 0) continue;
        int last_body = -1;
        for (size_t i = 0; i < blocks.size(); ++i)
          if (blocks[i]->role == Role::kBody && blocks[i]->kind.empty()) last_body = static_cast<int>(i);
        EXPECT_LT(last_body, jump) << lang << " seed " << seed;
        EXPECT_LT(jump, pull) << lang << " seed " << seed;
        EXPECT_LT(pull, title) << lang << " seed " << seed;
        EXPECT_EQ(blocks.back()->kind, "inset") << lang << " seed " << seed;
        // In the gold: one line each, in the same order, after the headline.
        const std::string sep = lang == "en" ? " " : "";
        auto line_of = [&](const GroundTruthBlock* b) {
          auto it = std::find(gold.begin(), gold.end(), Joined(b->text, sep));
          return it == gold.end() ? -1 : static_cast<int>(it - gold.begin());
        };
        int lj = line_of(blocks[jump]), lp = line_of(blocks[pull]), lt = line_of(blocks[title]);
        ASSERT_GE(lj, 0) << blocks[jump]->text;
        ASSERT_GE(lp, 0) << blocks[pull]->text;
        ASSERT_GE(lt, 0) << blocks[title]->text;
        EXPECT_LT(line_of(blocks[0]), lj);
        EXPECT_LT(lj, lp);
        EXPECT_LT(lp, lt);
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 1);
}

// A photo over two of an article's three columns, part-way down: in both of
// those columns body text stands above it and goes on below it, and the
// piece below is read right after the piece above, before the next column.
TEST(PageGenVaried, TextGoesOnBelowAPhotoInTheSameColumns) {
  int checked = 0;
  for (uint64_t seed = 1; seed <= 80 && checked < 2; ++seed) {
    PageSpec spec = VariedSpec(seed % 2 ? "zh" : "en", 3, seed);
    spec.articles = 1;
    GeneratedPage page = MustGenerate(spec);
    std::vector<const GroundTruthBlock*> body;
    for (const auto& b : page.blocks)
      if (b.role == Role::kBody && b.kind.empty()) body.push_back(&b);
    for (const Box& photo : page.photos) {
      // Body columns by their left edges (a piece's box starts at its
      // leftmost line; indented first lines start further right).
      std::set<int> lefts, under;
      for (const auto* b : body) lefts.insert(b->box.x);
      std::map<int, std::vector<size_t>> pieces;  // left edge -> indices in reading order
      for (size_t i = 0; i < body.size(); ++i) {
        int left = body[i]->box.x;
        for (int l : lefts)
          if (std::abs(l - left) <= 3 * page.em_px) left = std::min(left, l);
        pieces[left].push_back(i);
      }
      if (pieces.size() != 3) continue;
      for (const auto& [left, idx] : pieces)
        if (left >= photo.x - page.em_px && left < photo.right()) under.insert(left);
      if (under.size() != 2) continue;
      for (int left : under) {
        const auto& idx = pieces[left];
        int above = -1, below = -1;
        for (size_t i : idx) {
          if (body[i]->box.bottom() <= photo.y) above = static_cast<int>(i);
          if (body[i]->box.y >= photo.bottom() && below < 0) below = static_cast<int>(i);
        }
        ASSERT_GE(above, 0) << "seed " << seed << ": no text above the photo in column at x=" << left;
        ASSERT_GE(below, 0) << "seed " << seed << ": no text below the photo in column at x=" << left;
        EXPECT_EQ(below, above + 1) << "seed " << seed;  // read straight on below the photo
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 1);
}

}  // namespace
}  // namespace ocrflow::pagegen
