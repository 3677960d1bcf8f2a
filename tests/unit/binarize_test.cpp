// binarize: shading must not become ink, scanner borders go, photos are
// found and kept out of the text mask, specks go, text stays.
#include "stages/image/binarize.h"

#include <gtest/gtest.h>

#include <random>

#include <opencv2/imgproc.hpp>

#include "stages/image/raster_cv.h"

namespace ocrflow::image {
namespace {

constexpr double kDpi = 150;

// Lines of glyph-like marks (two bars and a stroke each) in two columns on a
// page of 150 dpi; `text_rect` receives the area the text covers.
cv::Mat TextPage(cv::Rect* text_rect = nullptr, int width = 1240, int height = 1754) {
  cv::Mat page(height, width, CV_8U, cv::Scalar(235));
  std::mt19937 rng(1);
  const int g = 20, margin = 150, col_w = (width - 2 * margin - g) / 2;
  for (int c = 0; c < 2; ++c) {
    for (int y = margin + g; y < height - margin; y += 30) {
      for (int x = margin + c * (col_w + g); x + g <= margin + c * (col_w + g) + col_w; x += 21) {
        cv::rectangle(page, cv::Rect(x, y - g, g - 2, 3), cv::Scalar(30), cv::FILLED);
        cv::rectangle(page, cv::Rect(x, y - 3, g - 2, 3), cv::Scalar(30), cv::FILLED);
        cv::rectangle(page, cv::Rect(x + static_cast<int>(rng() % 14), y - g, 3, g), cv::Scalar(30), cv::FILLED);
      }
    }
  }
  if (text_rect) *text_rect = cv::Rect(margin, margin, width - 2 * margin, height - 2 * margin);
  return page;
}

// A photo-like patch in `r`: smooth random gray between lo and hi (a fixed
// seed, so every run draws the same).
void PastePhoto(cv::Mat& page, const cv::Rect& r, unsigned seed, int lo, int hi) {
  cv::Mat noise(r.height / 6, r.width / 6, CV_8U), tex;
  cv::theRNG().state = seed;
  cv::randu(noise, lo, hi);
  cv::resize(noise, tex, r.size(), 0, 0, cv::INTER_CUBIC);
  tex.copyTo(page(r));
}

int InkIn(const cv::Mat& mask, const cv::Rect& r) { return cv::countNonZero(mask(r) == 0); }

// Components of the ink that are bigger than any glyph.
int HugeComponents(const cv::Mat& mask, int max_side) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask == 0, labels, stats, centroids, 8, CV_32S);
  int huge = 0;
  for (int i = 1; i < n; ++i)
    if (stats.at<int>(i, cv::CC_STAT_WIDTH) > max_side || stats.at<int>(i, cv::CC_STAT_HEIGHT) > max_side) ++huge;
  return huge;
}

TEST(Binarize, GradientShadingGivesCleanTextComponents) {
  cv::Rect text;
  const cv::Mat clean = TextPage(&text);
  // Light falls off from 100% at the left to 45% at the right, and darker
  // towards the bottom: the paper on the right is darker than the ink on
  // the left was meant to be against.
  cv::Mat shade(clean.size(), CV_32F);
  for (int y = 0; y < shade.rows; ++y)
    for (int x = 0; x < shade.cols; ++x)
      shade.at<float>(y, x) = 1.0f - 0.45f * x / shade.cols - 0.15f * y / shade.rows;
  cv::Mat f, shaded;
  clean.convertTo(f, CV_32F);
  cv::multiply(f, shade, f);
  f.convertTo(shaded, CV_8U);

  BinarizeResult ref = Binarize(clean, {}, kDpi);
  BinarizeResult res = Binarize(shaded, {}, kDpi);
  // Paper outside the text is paper everywhere, even where it is dark.
  EXPECT_EQ(InkIn(res.mask, cv::Rect(0, 0, shaded.cols, 100)), 0);
  EXPECT_EQ(InkIn(res.mask, cv::Rect(shaded.cols - 100, 0, 100, shaded.rows)), 0);
  EXPECT_EQ(HugeComponents(res.mask, 40), 0);
  EXPECT_TRUE(res.photos.empty());
  EXPECT_TRUE(res.borders.empty());
  // The same ink as on the evenly lit page, give or take edge pixels.
  const double ink_ref = InkIn(ref.mask, text), ink = InkIn(res.mask, text);
  EXPECT_NEAR(ink / ink_ref, 1.0, 0.1);
  // The normalised gray is even: paper near 255 on both sides.
  EXPECT_GT(cv::mean(res.gray(cv::Rect(0, 0, 100, 100)))[0], 240);
  EXPECT_GT(cv::mean(res.gray(cv::Rect(shaded.cols - 100, shaded.rows - 100, 100, 100)))[0], 240);
}

TEST(Binarize, DarkBorderIsRemovedFromMaskAndPaintedWhite) {
  cv::Mat page = TextPage();
  page(cv::Rect(0, 0, 60, page.rows)).setTo(20);     // left border
  page(cv::Rect(0, 0, page.cols, 40)).setTo(35);     // top border
  BinarizeResult res = Binarize(page, {}, kDpi);
  EXPECT_FALSE(res.borders.empty());
  EXPECT_EQ(InkIn(res.mask, cv::Rect(0, 0, 70, page.rows)), 0);
  EXPECT_EQ(InkIn(res.mask, cv::Rect(0, 0, page.cols, 50)), 0);
  EXPECT_GT(cv::mean(res.gray(cv::Rect(0, 200, 60, 1000)))[0], 250);
  EXPECT_GT(cv::mean(res.gray(cv::Rect(200, 0, 800, 40)))[0], 250);
  // The text is still there.
  EXPECT_GT(InkIn(res.mask, cv::Rect(150, 150, 900, 1400)), 50000);
  // A border is near black as scanned, but it is no photo: the frame of two
  // borders once made one "photo" of the whole page, and its text was lost.
  EXPECT_TRUE(res.photos.empty()) << res.photos[0];
}

TEST(Binarize, RuleTouchingTheEdgeIsNotABorder) {
  cv::Mat page = TextPage();
  page(cv::Rect(0, 120, page.cols, 3)).setTo(20);
  BinarizeResult res = Binarize(page, {}, kDpi);
  EXPECT_TRUE(res.borders.empty());
  EXPECT_GT(InkIn(res.mask, cv::Rect(0, 118, page.cols, 7)), page.cols);
}

TEST(Binarize, PhotoIsFoundAndTakenOutOfTheMask) {
  cv::Mat page = TextPage();
  const cv::Rect photo(300, 400, 400, 300);
  PastePhoto(page, photo, 7, 30, 220);
  BinarizeResult res = Binarize(page, {}, kDpi);
  ASSERT_EQ(res.photos.size(), 1u);
  const cv::Rect found = res.photos[0];
  const double iou = static_cast<double>((found & photo).area()) / (found | photo).area();
  EXPECT_GT(iou, 0.8) << found;
  EXPECT_LT(InkIn(res.mask, photo), photo.area() / 100);
  // Text beside the photo stays.
  EXPECT_GT(InkIn(res.mask, cv::Rect(720, 400, 300, 300)), 10000);
}

// Text on stained paper (mottled mid-tones under the glyphs, as on an old
// book page) is mid-tone enough for the photo search; its ink is glyphs, so
// it is text, not a photo, and keeps its ink. A real photo still goes.
TEST(Binarize, TextOnStainedPaperIsNotAPhoto) {
  cv::Rect text;
  cv::Mat page = TextPage(&text);
  const cv::Rect stain(200, 400, 700, 500);
  cv::Mat blotch = page(stain).clone();
  PastePhoto(blotch, cv::Rect(0, 0, stain.width, stain.height), 5, 90, 200);
  cv::min(page(stain), blotch, blotch);
  blotch.copyTo(page(stain));
  const cv::Rect photo(300, 1200, 400, 300);
  PastePhoto(page, photo, 7, 30, 220);

  BinarizeOptions off;
  off.photo_text_share = 0;
  const BinarizeResult before = Binarize(page, off, kDpi);
  int stain_photos = 0;
  for (const cv::Rect& r : before.photos) stain_photos += (r & stain).area() > 0;
  EXPECT_GT(stain_photos, 0) << "the old failure is no longer reproduced";

  const BinarizeResult res = Binarize(page, {}, kDpi);
  for (const cv::Rect& r : res.photos) EXPECT_EQ((r & stain).area(), 0) << r;
  ASSERT_EQ(res.photos.size(), 1u);
  EXPECT_GT(static_cast<double>((res.photos[0] & photo).area()) / (res.photos[0] | photo).area(), 0.8);
  // Its glyphs stay ink (the stain may add a little).
  const cv::Rect inner = stain & text;
  EXPECT_GT(InkIn(res.mask, inner) / static_cast<double>(InkIn(Binarize(TextPage(), {}, kDpi).mask, inner)), 0.9);
}

TEST(Binarize, SpecksGoGlyphsStay) {
  cv::Mat page = TextPage();
  std::mt19937 rng(3);
  for (int i = 0; i < 500; ++i) page.at<unsigned char>(rng() % 100, rng() % page.cols) = 0;  // specks in the top margin
  BinarizeResult res = Binarize(page, {}, kDpi);
  EXPECT_GT(res.specks_removed, 400);
  // A few specks land next to each other and make a pair: those stay.
  EXPECT_LT(InkIn(res.mask, cv::Rect(0, 0, page.cols, 100)), 20);
  EXPECT_GT(InkIn(res.mask, cv::Rect(150, 150, 900, 1400)), 50000);
}

// Former bug: a book page printed light-on-dark (the whole lower part of
// the page a dark ground reaching the edges, the text light on it) lost
// all its text: the ground was one huge ink component, taken for a
// scanner border, and the light glyphs were paper.
TEST(Binarize, LightTextOnDarkGroundKeepsItsText) {
  cv::Rect text;
  const cv::Mat normal = TextPage(&text);
  cv::Mat page = normal.clone();
  const cv::Rect ground(0, 700, page.cols, page.rows - 700);
  cv::Mat inverted = 265 - normal(ground);  // paper 235 -> ground 30, ink 30 -> glyphs 235
  inverted.copyTo(page(ground));
  cv::Mat noise(page.size(), CV_16S);
  cv::theRNG().state = 11;
  cv::randn(noise, 0, 4);
  cv::Mat noisy;
  page.convertTo(noisy, CV_16S);
  noisy += noise;
  noisy.convertTo(page, CV_8U);
  const cv::Rect lower = text & cv::Rect(0, ground.y + 40, page.cols, page.rows);  // away from the band's edge
  const double ink_ref = InkIn(Binarize(normal, {}, kDpi).mask, lower);

  BinarizeOptions off;
  off.invert_dark_areas = false;
  EXPECT_LT(InkIn(Binarize(page, off, kDpi).mask, lower), ink_ref / 10) << "the old failure is no longer reproduced";

  BinarizeResult res = Binarize(page, {}, kDpi);
  ASSERT_EQ(res.inverted.size(), 1u);
  // Its box may take in a glyph of the line above that touches it.
  EXPECT_GT((res.inverted[0] & ground).area(), 0.95 * (res.inverted[0] | ground).area()) << res.inverted[0];
  EXPECT_TRUE(res.borders.empty());
  EXPECT_TRUE(res.photos.empty());
  EXPECT_NEAR(InkIn(res.mask, lower) / ink_ref, 1.0, 0.1);
  EXPECT_EQ(HugeComponents(res.mask, 40), 0);
  // The dark text above the ground is untouched.
  const cv::Rect upper = text & cv::Rect(0, 0, page.cols, ground.y - 40);
  EXPECT_NEAR(InkIn(res.mask, upper) / static_cast<double>(InkIn(Binarize(normal, {}, kDpi).mask, upper)), 1.0, 0.1);
  // The gray handed on is dark text on light paper there too.
  EXPECT_GT(cv::mean(res.gray(cv::Rect(20, ground.y + 20, 100, 100)))[0], 240);
}

TEST(Binarize, DarkPhotoAndDarkTextAreNotInverted) {
  // A dark photo has glyph-sized light holes too, but its gray spreads.
  cv::Mat page = TextPage();
  const cv::Rect photo(300, 400, 400, 300);
  PastePhoto(page, photo, 9, 10, 140);
  // A solid black box and a big bold letter with a few counters.
  page(cv::Rect(800, 400, 200, 150)).setTo(20);
  page(cv::Rect(700, 1200, 450, 400)).setTo(235);
  cv::putText(page, "B8", cv::Point(760, 1500), cv::FONT_HERSHEY_SIMPLEX, 6, cv::Scalar(20), 40);
  BinarizeResult res = Binarize(page, {}, kDpi);
  ASSERT_TRUE(res.inverted.empty()) << res.inverted[0];
  EXPECT_LT(InkIn(res.mask, cv::Rect(800, 400, 200, 150)), 200 * 150 / 2);  // not hollowed out either
}

// Former bug (a magazine page with a night photo): a near-black photo with
// light specks (sparks, lights) passed for a dark ground with light text.
// It was inverted, its specks became ink, the lighting fit took it for
// paper, and its specks were read as lines of junk. As scanned it is
// mostly near black: a photo, and its specks leave the mask.
TEST(Binarize, NearBlackPhotoWithLightSpecksIsAPhoto) {
  cv::Mat page = TextPage();
  const cv::Rect photo(300, 400, 500, 600);
  page(photo).setTo(15);
  std::mt19937 rng(5);
  for (int i = 0; i < 150; ++i) {
    const int s = 2 + static_cast<int>(rng() % 11);
    const cv::Point p(photo.x + 10 + static_cast<int>(rng() % (photo.width - 30)),
                      photo.y + 10 + static_cast<int>(rng() % (photo.height - 30)));
    cv::rectangle(page, cv::Rect(p.x, p.y, s, 2 + static_cast<int>(rng() % 11)), cv::Scalar(200 + rng() % 50), cv::FILLED);
  }
  BinarizeOptions off;
  off.photo_dark_fraction = 0;
  const BinarizeResult before = Binarize(page, off, kDpi);
  EXPECT_FALSE(before.inverted.empty()) << "the old failure is no longer reproduced";
  EXPECT_GT(InkIn(before.mask, photo), 2000) << "the old failure is no longer reproduced";

  const BinarizeResult res = Binarize(page, {}, kDpi);
  ASSERT_EQ(res.photos.size(), 1u);
  EXPECT_GT(static_cast<double>((res.photos[0] & photo).area()) / (res.photos[0] | photo).area(), 0.8) << res.photos[0];
  EXPECT_LT(InkIn(res.mask, photo), 200);
  // Text beside it stays.
  EXPECT_GT(InkIn(res.mask, cv::Rect(850, 400, 200, 600)), 10000);
}

TEST(Binarize, SauvolaThresholdsAgainstTheLocalMean) {
  // Independent check on a tiny image: a dark dot on light paper is ink,
  // the paper around it is not, and flat paper has no ink at all.
  cv::Mat img(41, 41, CV_8U, cv::Scalar(200));
  img(cv::Rect(18, 18, 5, 5)).setTo(60);
  cv::Mat m = Sauvola(img, 21, 0.3, 128);
  EXPECT_EQ(cv::countNonZero(m(cv::Rect(18, 18, 5, 5)) == 0), 25);
  EXPECT_EQ(cv::countNonZero(m == 0), 25);
  cv::Mat flat(30, 30, CV_8U, cv::Scalar(180));
  EXPECT_EQ(cv::countNonZero(Sauvola(flat, 15, 0.3, 128) == 0), 0);
}

// Small pale type, rendered at a quarter of the resolution and scaled back
// up (a low-resolution e-paper page): the strokes never get dark. Sauvola at
// k = 0.3 keeps only pieces of them; the faint-text check switches to
// faint_k and the glyphs come back, while a normal page keeps k.
TEST(Binarize, FaintTextIsBinarizedWithTheFaintK) {
  cv::Rect text;
  const cv::Mat clean = TextPage(&text);
  cv::Mat small, faint;
  cv::resize(clean, small, cv::Size(), 0.25, 0.25, cv::INTER_AREA);
  cv::resize(small, faint, clean.size(), 0, 0, cv::INTER_CUBIC);
  faint.convertTo(faint, CV_8U, 0.45, 235 * 0.55);  // ink 30 -> 127, paper stays 235

  const BinarizeResult normal = Binarize(clean, {}, kDpi);
  EXPECT_FALSE(normal.faint);
  EXPECT_GT(normal.ink_share, 0.8);

  BinarizeOptions off;
  off.faint_k = 0;
  const BinarizeResult plain = Binarize(faint, off, kDpi);
  const BinarizeResult res = Binarize(faint, {}, kDpi);
  EXPECT_TRUE(res.faint);
  EXPECT_LT(res.ink_share, 0.7);
  const int want = InkIn(normal.mask, text);
  EXPECT_LT(InkIn(plain.mask, text), 0.6 * want);  // k = 0.3 loses the strokes
  EXPECT_GT(InkIn(res.mask, text), 0.8 * want);    // faint_k keeps them
  EXPECT_EQ(InkIn(res.mask, cv::Rect(0, 0, faint.cols, 100)), 0);  // and the paper stays paper

  Page page;
  page.image = FromMat(faint);
  page.info.dpi = kDpi;
  ASSERT_TRUE(BinarizePage(page, {}, {}).ok());
  ASSERT_EQ(page.warnings.size(), 1u);
  EXPECT_NE(page.warnings[0].find("faint text: Sauvola k=0.3 keeps"), std::string::npos) << page.warnings[0];
}

TEST(Binarize, TwoKsInOnePassGiveTheMasksOfEach) {
  cv::Mat page = TextPage();
  PastePhoto(page, cv::Rect(300, 400, 400, 300), 8, 30, 220);
  cv::Mat a, b;
  Sauvola2(page, 51, 0.3, 0.1, 128, &a, &b);
  EXPECT_EQ(cv::countNonZero(a != Sauvola(page, 51, 0.3, 128)), 0);
  EXPECT_EQ(cv::countNonZero(b != Sauvola(page, 51, 0.1, 128)), 0);
  EXPECT_GT(cv::countNonZero(a != b), 0);  // the two ks do differ on this page
  cv::Mat only;
  Sauvola2(page, 51, 0.3, 0.1, 128, &only, nullptr);
  EXPECT_EQ(cv::countNonZero(only != a), 0);
}

TEST(Binarize, StageFillsPageAndInfo) {
  cv::Mat img = TextPage();
  const cv::Rect photo(300, 400, 400, 300);
  PastePhoto(img, photo, 8, 30, 220);
  Page page;
  page.image = FromMat(img);
  page.info.dpi = kDpi;
  std::vector<std::string> names;
  RunContext ctx;
  ctx.debug = [&](const std::string& name, const Raster&) { names.push_back(name); };
  ASSERT_TRUE(BinarizePage(page, {}, ctx).ok());
  EXPECT_EQ(page.text_mask.width, img.cols);
  EXPECT_EQ(page.text_mask.height, img.rows);
  EXPECT_EQ(page.image.width, img.cols);
  EXPECT_EQ(page.info.photos.size(), 1u);
  EXPECT_EQ(names, std::vector<std::string>{"10-binarized"});

  Page empty;
  EXPECT_FALSE(BinarizePage(empty, {}, {}).ok());
  StageInfo info = BinarizeStageInfo();
  EXPECT_EQ(info.name, "binarize");
  EXPECT_TRUE(info.make({{"k", "0.25"}, {"find_photos", "false"}}).ok());
  EXPECT_FALSE(info.make({{"k", "abc"}}).ok());
}

// The background of a page over the whole-page limit is upscaled row by row
// (no 4-byte full-size image): it must match OpenCV's resize + convertTo
// within one gray level, at OpenCV's sample positions (up and down by odd
// factors, both edges).
TEST(Binarize, RowByRowUpscaleMatchesOpenCv) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> level(-20.0f, 300.0f);  // saturates at both ends too
  for (cv::Size small : {cv::Size(17, 11), cv::Size(40, 3), cv::Size(1, 5)}) {
    cv::Mat f(small, CV_32F);
    for (int y = 0; y < f.rows; ++y)
      for (int x = 0; x < f.cols; ++x) f.at<float>(y, x) = level(rng);
    for (cv::Size big : {cv::Size(173, 97), cv::Size(400, 31), cv::Size(9, 7)}) {
      SCOPED_TRACE(std::to_string(small.width) + "x" + std::to_string(small.height) + " -> " +
                   std::to_string(big.width) + "x" + std::to_string(big.height));
      cv::Mat ref, ref8;
      cv::resize(f, ref, big, 0, 0, cv::INTER_LINEAR);
      ref.convertTo(ref8, CV_8U);
      cv::Mat mine = UpscaleLinearTo8U(f, big);
      ASSERT_EQ(mine.size(), big);
      cv::Mat diff;
      cv::absdiff(mine, ref8, diff);
      double worst = 0;
      cv::minMaxLoc(diff, nullptr, &worst);
      EXPECT_LE(worst, 1);
      EXPECT_LE(cv::countNonZero(diff), static_cast<int>(diff.total() / 100));  // off by one only now and then
    }
  }
}

}  // namespace
}  // namespace ocrflow::image
