// pagegen: writes sample newspaper pages (image + expected text + truth
// JSON) for the image/OCR tests and benchmarks. See bench/pagegen/pagegen.h.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "bench/news_text_gen.h"
#include "bench/pagegen/pagegen.h"

namespace {

constexpr const char* kDescription = R"(pagegen: render newspaper-like sample pages with known ground truth.

Every page is drawn from text we generate (a model of Chinese or English
news prose), so the expected text is known exactly. For each page it writes
  DIR/page-001.png   the page (8-bit gray; .jpg when --jpeg is given)
  DIR/page-001.gold.txt   expected text: one paragraph per line (headline,
                     sub-headline, byline, body paragraphs, caption, per
                     article in reading order); running header/footer excluded
  DIR/page-001.truth.json spec, skew, dpi, and block boxes (before skew) with
                     role, article, column, text and line boxes
Output is deterministic: the same flags give the same pixels.

Examples:
  pagegen --out /tmp/pages                      one clean zh page, 3 columns, A4 300 dpi
  pagegen --out /tmp/pages --count 20 --scan    20 scanned-looking pages, skew within +-5 deg
  pagegen --out /tmp/p --lang en --columns 2 --skew -1.5 --dpi 200
  pagegen --out /tmp/p --columns 1 --articles 1 --no-photo --no-header   plain text page for OCR CER
Variety (a generator that is not a mirror of what ocrflow was tuned on):
  --faces varied   faces per page and role: Song/Ming, Hei, Kai (zh), serif
                   and sans Latin faces (en); a missing one is skipped with a
                   warning (fonts-arphic-uming, fonts-arphic-ukai,
                   fonts-wqy-zenhei, fonts-dejavu-core, fonts-liberation2,
                   fonts-urw-base35 beside fonts-noto-cjk)
  --layout varied  photos part-way down over some columns, insets, pull
                   quotes, jump lines, ads and tables (not in the gold text),
                   articles with columns of their own width
  --prose varied   more sentence shapes: quotes split by the speaker, numbers
                   with units, dates, times, lists, questions
  --varied         all three
Without them the pages are exactly what they always were.
Degradations are applied in this order: --show-through, --light, --skew,
--blur, --noise, --border, --jpeg. Block boxes in truth.json are on the
unskewed page; its 'rotation' matrix maps them into the image.)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "pagegen"};
  app.get_formatter()->column_width(34);

  std::string out;
  int count = 1;
  uint64_t seed = 1;
  ocrflow::pagegen::PageSpec spec;
  double random_skew = 0;
  std::string size = "a4";
  bool no_photo = false, no_header = false, scan = false;
  std::string prefix = "page";

  app.add_option("--out", out, "Output directory (created if missing)")->required();
  app.add_option("--count", count, "Number of pages; page i uses seed S+i-1")->check(CLI::Range(1, 100000));
  app.add_option("--seed", seed, "Seed of the first page (text, layout, photo, noise)");
  app.add_option("--lang", spec.lang, "Text language: zh (Simplified Chinese) or en")->check(CLI::IsMember({"zh", "en"}));
  app.add_option("--columns", spec.columns, "Body columns, 1..5")->check(CLI::Range(1, 5));
  app.add_option("--articles", spec.articles, "Articles per page (fewer when they do not fit)")->check(CLI::Range(1, 8));
  app.add_option("--skew", spec.skew_degrees, "Rotate the page by DEG degrees (positive = counter-clockwise)")
      ->check(CLI::Range(-45.0, 45.0));
  app.add_option("--random-skew", random_skew, "Random skew per page, uniform in [-MAX, MAX] deg (overrides --skew)")
      ->check(CLI::Range(0.0, 45.0));
  app.add_option("--dpi", spec.dpi, "Resolution; body text is 9.5 pt (40 px per em at 300 dpi)")->check(CLI::Range(72, 1200));
  app.add_option("--size", size, "Page size: a4, a5, or WxH in mm (e.g. 148x210)");
  app.add_option("--body-pt", spec.body_pt, "Body text size in points")->check(CLI::Range(5.0, 20.0));
  app.add_option("--noise", spec.noise, "Gaussian noise sigma, gray levels (scan: 6)")->check(CLI::Range(0.0, 100.0));
  app.add_option("--blur", spec.blur, "Gaussian blur sigma, pixels (scan: 0.7)")->check(CLI::Range(0.0, 20.0));
  app.add_option("--jpeg", spec.jpeg_quality, "JPEG round trip at quality Q, writes .jpg (scan: 85)")->check(CLI::Range(0, 100));
  app.add_option("--light", spec.uneven_light, "Uneven light: depth 0..1 of a smooth darkening (scan: 0.25)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--border", spec.dark_border_px, "Dark scanner border along left/top edges, PX wide (scan: 30)")
      ->check(CLI::Range(0, 10000));
  app.add_option("--show-through", spec.show_through,
                 "Back page text showing through the paper, strength 0..1 (newsprint: 0.1; not in --scan)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--prefix", prefix, "File name stem prefix (page -> page-001.png)");
  app.add_option("--faces", spec.faces, "Faces: default (Noto CJK) or varied (per page and role)")
      ->check(CLI::IsMember({"default", "varied"}));
  app.add_option("--layout", spec.layout,
                 "Layout: default or varied (mid-article photos, insets, pull quotes, jump lines, ads, tables, own columns)")
      ->check(CLI::IsMember({"default", "varied"}));
  app.add_option("--prose", spec.prose, "Body text: default or varied (more sentence shapes)")
      ->check(CLI::IsMember({"default", "varied"}));
  bool all_varied = false;
  app.add_flag("--varied", all_varied, "Same as --faces varied --layout varied --prose varied");
  app.add_flag("--no-photo", no_photo, "No photo or caption");
  app.add_flag("--no-header", no_header, "No running header/footer");
  app.add_flag("--scan", scan,
               "Scan preset: noise 6, blur 0.7, light 0.25, jpeg 85, random skew +-5, border 30 "
               "(explicit flags win)");
  CLI11_PARSE(app, argc, argv);

  if (size == "a4") {
    spec.width_mm = 210, spec.height_mm = 297;
  } else if (size == "a5") {
    spec.width_mm = 148, spec.height_mm = 210;
  } else {
    double w = 0, h = 0;
    if (std::sscanf(size.c_str(), "%lfx%lf", &w, &h) != 2) {
      std::fprintf(stderr, "pagegen: --size must be a4, a5 or WxH in mm, got '%s'\n", size.c_str());
      return 2;
    }
    spec.width_mm = w, spec.height_mm = h;
  }
  if (scan) {
    // The preset fills only what the user did not set.
    if (app.count("--noise") == 0) spec.noise = 6;
    if (app.count("--blur") == 0) spec.blur = 0.7;
    if (app.count("--light") == 0) spec.uneven_light = 0.25;
    if (app.count("--jpeg") == 0) spec.jpeg_quality = 85;
    if (app.count("--random-skew") == 0 && app.count("--skew") == 0) random_skew = 5;
    if (app.count("--border") == 0) spec.dark_border_px = 30;
  }
  if (all_varied) spec.faces = spec.layout = spec.prose = "varied";
  spec.photo = !no_photo;
  spec.running_header = !no_header;

  for (int i = 0; i < count; ++i) {
    ocrflow::pagegen::PageSpec s = spec;
    s.seed = seed + static_cast<uint64_t>(i);
    if (random_skew > 0) {
      ocrflow::bench::Rng skew_rng(s.seed * 0x2545F4914F6CDD1Dull + 7);
      // Two decimals, so that the angle in the file name/log is the exact one.
      s.skew_degrees = std::round(skew_rng.Uniform(-random_skew, random_skew) * 100) / 100;
    }
    auto page = ocrflow::pagegen::Generate(s);
    if (!page.ok()) {
      std::fprintf(stderr, "%s\n", page.status().ToString().c_str());
      return 1;
    }
    for (const auto& w : page->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    char stem[64];
    std::snprintf(stem, sizeof stem, "%s-%03d", prefix.c_str(), i + 1);
    if (auto st = ocrflow::pagegen::WritePage(*page, out, stem); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    size_t paragraphs = 0;
    for (char c : page->expected_text) paragraphs += c == '\n';
    std::printf("%s/%s.%s  lang=%s columns=%d dpi=%d size=%dx%d skew=%.2f seed=%llu paragraphs=%zu bytes=%zu\n",
                out.c_str(), stem, s.jpeg_quality > 0 ? "jpg" : "png", s.lang.c_str(), s.columns, s.dpi,
                page->image.cols, page->image.rows, s.skew_degrees, static_cast<unsigned long long>(s.seed), paragraphs,
                page->expected_text.size());
  }
  return 0;
}
