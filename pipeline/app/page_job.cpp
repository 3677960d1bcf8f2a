#include "pipeline/app/page_job.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <thread>

#include <opencv2/imgcodecs.hpp>

#include "pipeline/app/page_chain.h"
#include "pipeline/app/text_job.h"
#include "pipeline/app/worker.h"
#include "pipeline/formats/alto.h"
#include "pipeline/formats/hocr.h"
#include "pipeline/formats/page_xml.h"
#include "pipeline/formats/pdf.h"
#include "pipeline/io/atomic_file.h"
#include "pipeline/io/json_name.h"
#include "pipeline/io/output_names.h"
#include "pipeline/core/shared_work.h"
#include "stages/ocr/engine.h"
#include "stages/image/raster_cv.h"
#include "stages/image/register.h"
#include "stages/ocr/register.h"
#include "stages/text/register.h"
#include "stages/text/utf8.h"

namespace fs = std::filesystem;

namespace ocrflow {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One page through the chain. Catches what a foreign library may throw
// (OpenCV, std::bad_alloc) so a bad page is an error, not a dead process.
Status RunChainUnbounded(const PageChain& chain, Page& page, const RunContext& ctx,
                         const std::function<Result<Page>()>& original);

// The chain under the page's deadline. A page that timed out keeps no text
// (what its stages had read is incomplete): it stays in the JSON, flagged.
Status RunChain(const PageChain& chain, Page& page, const RunContext& ctx, double page_timeout,
                const std::function<Result<Page>()>& original) {
  Status st = RunChainUnbounded(chain, page, ctx, original);
  if (st.code() != Code::kDeadlineExceeded) return st;
  if (page.info.timed_out_stage.empty()) page.info.timed_out_stage = "ocr";
  char msg[300];
  if (ctx.past_deadline()) {
    std::snprintf(msg, sizeof msg, "timed out after %g s (--page-timeout) in stage %s", page_timeout,
                  page.info.timed_out_stage.c_str());
  } else {  // a stage's own bound: "ocr: a Tesseract call ran out of its 60.0 s (ocr.call_timeout)"
    std::snprintf(msg, sizeof msg, "timed out in stage %s: %s", page.info.timed_out_stage.c_str(), st.message().c_str());
  }
  page.blocks.clear();
  page.paragraphs.clear();
  page.dropped.clear();
  page.edits.clear();
  page.warnings.push_back(std::string(msg) + ": its text is not in the outputs");
  return Status(Code::kDeadlineExceeded, msg);
}

// With the page's deadline from `start`.
RunContext::Clock::time_point PageDeadline(const RunOptions& o, RunContext::Clock::time_point start) {
  if (!(o.page_timeout > 0)) return RunContext::Clock::time_point::max();
  return start + std::chrono::duration_cast<RunContext::Clock::duration>(std::chrono::duration<double>(o.page_timeout));
}

Status RunChainUnbounded(const PageChain& chain, Page& page, const RunContext& ctx,
                         const std::function<Result<Page>()>& original) {
  try {
    return chain.Run(page, ctx, original);
  } catch (const cv::Exception& e) {
    if (e.code == cv::Error::StsNoMem) return Status(Code::kUnavailable, "out of memory: " + e.err);
    return Status(Code::kInternal, std::string("image processing failed: ") + e.what());
  } catch (const std::bad_alloc&) {
    return Status(Code::kUnavailable, "out of memory");
  } catch (const std::exception& e) {
    return Status(Code::kInternal, e.what());
  }
}

// A decoder call with what a decoder library may throw turned into a
// Status: out of memory is transient, anything else a bad input.
template <typename Fn>
auto DecodeGuarded(Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status(Code::kUnavailable, "out of memory while decoding");
  } catch (const cv::Exception& e) {  // OpenCV's allocator says so with its own exception
    if (e.code == cv::Error::StsNoMem) return Status(Code::kUnavailable, "out of memory while decoding: " + e.err);
    return Status(Code::kBadInput, std::string("could not be decoded: ") + e.what());
  } catch (const std::exception& e) {
    return Status(Code::kBadInput, std::string("could not be decoded: ") + e.what());
  }
}

Page MakePage(io::DecodedPage& d, const std::string& source, int number) {
  Page page;
  page.number = number;
  page.image = image::FromMat(d.gray);
  d.gray.release();
  page.info.source = source;
  page.info.source_page = d.source_page;
  page.info.width = d.original_width;
  page.info.height = d.original_height;
  page.info.dpi = d.dpi;
  page.info.dpi_estimated = d.dpi_estimated;
  return page;
}

// Page `number` (from 1) of an open input, as `run` reads it: decoded,
// through the chain under its deadline (from before decoding), its rasters
// dropped. `*decoded` false: it could not be decoded (the status says why).
// The in-process run and a worker process (RunOnePage) both read pages so.
Status ReadPage(const PageChain& chain, io::PageDecoder& decoder, const std::string& source, int number,
                const RunOptions& options, RunContext ctx, Page* page, bool* decoded) {
  const auto page_start = Clock::now();
  auto d = DecodeGuarded([&] { return decoder.Decode(number - 1); });
  if (!d.ok()) {
    *decoded = false;
    return d.status();
  }
  *decoded = true;
  *page = MakePage(d.value(), source, number);
  ctx.deadline = PageDeadline(options, page_start);
  auto original = [&decoder, &source, number]() -> Result<Page> {
    auto again = DecodeGuarded([&] { return decoder.Decode(number - 1); });
    if (!again.ok()) return again.status();
    return MakePage(again.value(), source, number);
  };
  Status st = RunChain(chain, *page, ctx, options.page_timeout, original);
  // Keep only what the outputs need.
  page->image = Raster{};
  page->text_mask = Raster{};
  return st;
}

// Output name of each input under OUTDIR, without .txt/.json: its path
// below the inputs' common folder (io/output_names.h), extension dropped.
// A file named twice is read once. Two inputs that would still share an
// output (x.png and x.jpg in one folder), or an output that is an input,
// are a usage error before any work: nothing is overwritten.
struct Input {
  std::string path;
  std::string out_stem;  // relative to out_dir, without .txt/.json
  std::string rel;       // below the input root, as it is: the shard key, the manifest's source
};

// How many pages `inputs` may hold, counted up to `cap`, before any is
// opened (only a worker process opens an input under --isolate): a TIFF or
// a PDF, by its first bytes, as `cap` (it may hold any number of pages); any
// other file as one (every other format holds one; one that cannot be read
// holds none, and counts one all the same).
int PagesUpTo(const std::vector<Input>& inputs, int cap) {
  int pages = 0;
  for (const Input& in : inputs) {
    if (pages >= cap) break;
    char head[8] = {};
    std::ifstream file(in.path, std::ios::binary);
    file.read(head, sizeof head);
    pages += MayHoldManyPages(std::string_view(head, static_cast<size_t>(file.gcount()))) ? cap : 1;
  }
  return std::min(pages, cap);
}

Result<std::vector<Input>> ExpandInputs(const std::vector<std::string>& args, const std::string& out_dir,
                                        std::vector<std::string>* errors) {
  std::vector<io::InputPath> found;
  std::set<std::string> seen;
  for (const auto& a : args) {
    std::error_code ec;
    std::vector<io::InputPath> here;
    if (fs::is_directory(a, ec)) {
      // The same link rules as `watch`: a link inside the folder to a file
      // inside it is left out (the file is read under its own name); a link
      // that leads out of it is never read, and said so (issue 16, item 11:
      // scans/evil.png -> /etc/passwd was read).
      std::vector<std::string> links;
      auto files = ListPageFiles(a, &links);
      const fs::path root = fs::canonical(a, ec);
      for (const auto& l : links) {
        std::error_code lec;
        const fs::path target = fs::canonical(l, lec);
        const std::string rel = target.lexically_relative(root).string();
        if (!lec && !rel.empty() && rel != "." && rel.rfind("..", 0) != 0) continue;  // inside: read as itself
        const bool dangling = lec.value() != 0;
        const std::string to = fs::read_symlink(l, lec).string();
        errors->push_back(l + ": a symbolic link to " + to +
                          (dangling ? ", which does not exist: not read"
                                    : ", outside the input folder " + a + ": not read (links out of an input folder are never followed)"));
      }
      if (files.empty() && links.empty()) errors->push_back(a + ": directory has no page images (png, jpg, tif, pnm, pdf, ...)");
      for (const auto& f : files) here.push_back({f, a});
    } else {
      here.push_back({a, fs::path(io::AbsoluteNormal(a)).parent_path().string()});
    }
    for (auto& h : here) {
      if (seen.insert(io::AbsoluteNormal(h.path)).second) found.push_back(std::move(h));  // named twice: once
    }
  }
  const std::vector<std::string> rels = io::PathsBelowCommonFolder(found);
  std::vector<Input> inputs;
  std::vector<std::string> paths;
  std::vector<std::vector<std::string>> outputs;
  for (size_t i = 0; i < found.size(); ++i) {
    const fs::path rel(rels[i]);
    const std::string stem = (rel.parent_path() / rel.stem()).string();
    inputs.push_back({found[i].path, stem, rels[i]});
    paths.push_back(found[i].path);
    const fs::path base = fs::path(out_dir) / stem;
    outputs.push_back({base.string() + ".txt", base.string() + ".json"});
  }
  if (Status st = io::CheckOutputsApart(paths, outputs); !st.ok()) return st;
  // Never through a link inside OUTDIR: refused before any work, naming it.
  std::set<std::string> checked;
  for (const auto& in : inputs) {
    fs::path dir = out_dir;
    for (const auto& part : fs::path(in.out_stem).parent_path()) {
      dir /= part;
      if (!checked.insert(dir.string()).second) continue;
      std::error_code ec;
      if (fs::is_symlink(fs::symlink_status(dir, ec))) {
        return Status(Code::kInvalidArgument, dir.string() + " is a symbolic link (to " + fs::read_symlink(dir, ec).string() +
                                                  "): outputs are never written through a link; remove it or choose another -o");
      }
    }
  }
  return inputs;
}

nlohmann::ordered_json BoxJson(const std::optional<Box>& b) {
  if (!b) return nullptr;
  return {b->x, b->y, b->w, b->h};
}

class Progress {
 public:
  explicit Progress(bool on) : on_(on) {}
  void Update(int inputs_done, int inputs_total, int pages_done, int failed, double elapsed) {
    if (!on_) return;
    std::lock_guard<std::mutex> lock(mu_);
    const int width = 30;
    int filled = inputs_total > 0 ? width * inputs_done / inputs_total : 0;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(width, '.');
    double rate = elapsed > 0 ? pages_done / elapsed * 60 : 0;
    std::fprintf(stderr, "\r[%s] %d/%d inputs, %d pages, %d failed, %.1f pages/min ", bar.c_str(), inputs_done, inputs_total,
                 pages_done, failed, rate);
    std::fflush(stderr);
  }
  void Finish() {
    if (on_) std::fprintf(stderr, "\n");
  }

 private:
  bool on_;
  std::mutex mu_;
};

// The manifest of a run (RunOptions::manifest): what an input became, as
// its line says it (app/manifest.h). Null: no manifest.
struct RunRecorder {
  RunManifest* manifest = nullptr;
  nlohmann::ordered_json models;
  std::string lang;

  // Appends the line of `in` (after its outputs were written); a line that
  // cannot be written is an error of that input.
  void Record(const Input& in, InputReport& r, const RunOptions& options,
              const std::function<void(const std::string&)>& log) const {
    if (manifest == nullptr) return;
    ManifestRecord m;
    m.source = in.rel;
    m.output = in.out_stem + (options.write_txt ? ".txt" : ".json");
    m.sha256 = r.sha256;
    m.status = r.errors.empty() ? "done" : "failed";
    m.errors = r.errors;
    m.pages = r.pages - r.failed_pages;
    m.failed_pages = r.failed_pages;
    m.timed_out_pages = r.timed_out_pages;
    m.characters = r.characters;
    m.paragraphs = r.paragraphs;
    m.mean_confidence = r.mean_confidence;
    m.skew_degrees = r.skew_degrees;
    m.ocrflow = OCRFLOW_VERSION;
    m.tesseract = ocr::TesseractVersion();
    m.lang = lang;
    m.models = models;
    if (Status st = manifest->Append(in.rel, RenderManifestLine(m)); !st.ok()) {
      r.errors.push_back("cannot write " + st.ToString());
      if (log) log(r.errors.back());
    }
  }
};

}  // namespace

void RegisterBuiltinStages() {
  static std::once_flag once;
  std::call_once(once, [] {
    StageRegistry& registry = StageRegistry::Global();
    registry.Register(ocr::OrientStage());
    image::RegisterImageStages(registry);
    registry.Register(ocr::OcrStage());
    RegisterTextStagesOnce();
  });
}

std::vector<std::string> DefaultPageStages() {
  // Orientation first: binarisation, deskew and layout want an upright page.
  std::vector<std::string> names = {"orient"};
  for (auto& n : image::DefaultImageStages()) names.push_back(n);
  names.push_back("ocr");
  for (auto& n : text::DefaultOcrTextStages()) names.push_back(n);
  return names;
}

bool MayHoldManyPages(std::string_view head) {
  const std::string format = io::SniffFormat(head);
  return format == "tiff" || format == "pdf";
}

bool LooksLikePageFile(const std::string& path) {
  static const std::set<std::string> kExt = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pnm", ".pbm", ".pgm",
                                             ".ppm", ".bmp", ".gif", ".webp", ".jp2", ".pdf"};
  return kExt.count(Lower(fs::path(path).extension().string())) > 0;
}

std::vector<std::string> ListPageFiles(const std::string& dir, std::vector<std::string>* links) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {  // hidden files and folders
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!LooksLikePageFile(it->path().string())) continue;
    if (it->is_symlink(ec)) {
      if (links) links->push_back(it->path().string());
    } else if (it->is_regular_file(ec)) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  if (links) std::sort(links->begin(), links->end());
  return files;
}

namespace {

// Paragraph text with digits and whitespace removed, or "" when too long to
// be a running line.
std::string RunningKey(const std::string& text) {
  std::string key;
  for (unsigned char c : text) {
    if (!std::isdigit(c) && !std::isspace(c)) key += static_cast<char>(c);
  }
  return key.size() > 60 ? std::string() : key;  // ~20 CJK characters
}

constexpr size_t kEdgeParagraphs = 2;  // how far from the top/bottom a running line may sit

// `more` (pages without text: timed out) into `pages`, in page order.
void MergeByPageNumber(std::vector<Page>& pages, std::vector<Page> more) {
  if (more.empty()) return;
  for (Page& p : more) pages.push_back(std::move(p));
  std::stable_sort(pages.begin(), pages.end(), [](const Page& a, const Page& b) { return a.number < b.number; });
}

}  // namespace

int DropRepeatedRunningLines(std::vector<Page>& pages) {
  if (pages.size() < 3) return 0;
  auto edge = [](const Page& p, size_t i) {
    const size_t reach = p.paragraphs.size() > 2 * kEdgeParagraphs ? kEdgeParagraphs : 1;
    return i < reach || i + reach >= p.paragraphs.size();
  };
  std::map<std::string, std::set<size_t>> seen;  // key -> pages it is on, at an edge
  for (size_t k = 0; k < pages.size(); ++k) {
    for (size_t i = 0; i < pages[k].paragraphs.size(); ++i) {
      if (!edge(pages[k], i)) continue;
      std::string key = RunningKey(pages[k].paragraphs[i].text);
      if (!key.empty()) seen[key].insert(k);
    }
  }
  const size_t need = std::max<size_t>(3, (pages.size() + 1) / 2);
  int dropped = 0;
  for (size_t k = 0; k < pages.size(); ++k) {
    Page& page = pages[k];
    std::vector<Paragraph> kept;
    for (size_t i = 0; i < page.paragraphs.size(); ++i) {
      const Paragraph& para = page.paragraphs[i];
      std::string key = edge(page, i) ? RunningKey(para.text) : std::string();
      if (!key.empty() && seen[key].size() >= need) {
        page.dropped.push_back({para.text, "running header/footer: repeated on " + std::to_string(seen[key].size()) + " of " +
                                               std::to_string(pages.size()) + " pages",
                                para.first_line, para.last_line});
        ++dropped;
        continue;
      }
      kept.push_back(para);
    }
    page.paragraphs = std::move(kept);
  }
  return dropped;
}

std::string RenderPagesText(const std::vector<Page>& pages) {
  std::string out;
  for (const auto& p : pages) out += RenderParagraphs(p.paragraphs);
  return out;
}

namespace {

std::vector<formats::ArchivePage> ArchivePages(const std::vector<Page>& pages) {
  std::vector<formats::ArchivePage> out;
  out.reserve(pages.size());
  for (const Page& p : pages) out.push_back(formats::LayoutForArchive(p));
  return out;
}

std::string FileName(const std::string& source) { return fs::path(source).filename().string(); }

}  // namespace

std::string RenderPagesAlto(const std::vector<Page>& pages, const std::string& source) {
  return formats::RenderAlto(ArchivePages(pages), FileName(source));
}

std::string RenderPagesHocr(const std::vector<Page>& pages, const std::string& source) {
  return formats::RenderHocr(ArchivePages(pages), FileName(source));
}

std::vector<std::pair<std::string, std::string>> PageXmlFiles(const std::vector<Page>& pages, const std::string& source) {
  std::vector<std::string> docs = formats::RenderPageXml(ArchivePages(pages), FileName(source));
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t k = 0; k < docs.size(); ++k)
    files.emplace_back(docs.size() == 1 ? ".page.xml" : "-p" + std::to_string(pages[k].number) + ".page.xml",
                       std::move(docs[k]));
  return files;
}

namespace {

// The image the PDF embeds for `p`: a one-page JPEG as it is (no second
// compression, colour kept), else the page decoded again, Flate-compressed.
Result<formats::PdfImage> PdfImageOfPage(const Page& p, std::string_view input, io::PageDecoder& decoder) {
  formats::PdfImage image;
  if (decoder.pages() == 1 && formats::JpegInfo(input, &image.width, &image.height, &image.components) &&
      image.width == p.info.width && image.height == p.info.height) {
    image.jpeg = std::string(input);
    return image;
  }
  image = formats::PdfImage{};
  auto d = DecodeGuarded([&] { return decoder.Decode(p.info.source_page - 1); });
  if (!d.ok()) return d.status();
  const cv::Mat& g = d.value().gray;
  image.width = g.cols, image.height = g.rows;
  image.gray.resize(static_cast<size_t>(g.cols) * g.rows);
  for (int y = 0; y < g.rows; ++y)
    std::copy(g.ptr<unsigned char>(y), g.ptr<unsigned char>(y) + g.cols, image.gray.begin() + static_cast<long>(y) * g.cols);
  // Compressed now: a book's pages wait for the PDF as Flate streams.
  if (!formats::CompressGray(image)) return Status(Code::kInternal, "zlib could not compress page " + std::to_string(p.number));
  return image;
}

// The PDF of `pages` whose images `image_of` gives, in page order (the
// first that fails fails the PDF).
Result<std::string> RenderPdfOfImages(const std::vector<Page>& pages, const std::string& tessdata,
                                      const std::function<Result<formats::PdfImage>(const Page&)>& image_of) {
  auto font = formats::GlyphlessFont(ocr::TessdataDir(tessdata));
  if (!font.ok()) return font.status();
  std::vector<formats::PdfPage> out;
  for (const Page& p : pages) {
    formats::PdfPage pp;
    pp.layout = formats::LayoutForArchive(p);
    auto image = image_of(p);
    if (!image.ok()) return image.status();
    pp.image = std::move(image).value();
    out.push_back(std::move(pp));
  }
  return formats::RenderPdf(out, font.value());
}

}  // namespace

Result<std::string> RenderPagesPdf(const std::vector<Page>& pages, std::string_view input, io::PageDecoder& decoder,
                                   const std::string& tessdata) {
  return RenderPdfOfImages(pages, tessdata, [&](const Page& p) { return PdfImageOfPage(p, input, decoder); });
}

std::vector<std::string> OutputSuffixes(const RunOptions& o) {
  std::vector<std::string> out;
  if (o.write_txt) out.push_back(".txt");
  if (o.write_json) out.push_back(".json");
  if (o.write_alto) out.push_back(".alto.xml");
  if (o.write_hocr) out.push_back(".hocr");
  if (o.write_pdf) out.push_back(".pdf");
  return out;
}

const std::string& OutputBytes(const InputOutcome& o, const std::string& suffix) {
  if (suffix == ".txt") return o.txt;
  if (suffix == ".json") return o.json;
  if (suffix == ".alto.xml") return o.alto;
  if (suffix == ".hocr") return o.hocr;
  if (suffix == ".pdf") return o.pdf;
  throw std::logic_error("OutputBytes: no output named *" + suffix);
}

std::vector<std::pair<std::string, const std::string*>> OutcomeFiles(const RunOptions& options,
                                                                     const InputOutcome& outcome) {
  std::vector<std::pair<std::string, const std::string*>> files;
  for (const std::string& suffix : OutputSuffixes(options)) files.emplace_back(suffix, &OutputBytes(outcome, suffix));
  for (const auto& [suffix, doc] : outcome.page_xml) files.emplace_back(suffix, &doc);
  return files;
}

std::string RenderPagesJson(const std::vector<Page>& pages, const std::string& source) {
  using json = nlohmann::ordered_json;
  json j;
  io::PutJsonName(j, "source", source);  // a name is bytes: source_b64 when it is not UTF-8
  j["pages"] = json::array();
  for (const auto& p : pages) {
    json jp;
    jp["page"] = p.number;
    jp["source_page"] = p.info.source_page;
    jp["width"] = p.info.width;
    jp["height"] = p.info.height;
    jp["dpi"] = p.info.dpi;
    jp["dpi_estimated"] = p.info.dpi_estimated;
    jp["orientation"] = {{"degrees", p.info.orientation},
                         {"confidence", p.info.orientation_confidence},
                         {"note", p.info.orientation_note}};
    if (!p.info.script.empty()) jp["orientation"]["script"] = {{"name", p.info.script}, {"confidence", p.info.script_confidence}};
    if (!p.info.segmentation_note.empty()) jp["segmentation"] = p.info.segmentation_note;
    jp["skew"] = {{"degrees", p.info.skew_degrees},
                  {"confidence", p.info.skew_confidence},
                  {"applied", p.info.deskewed},
                  {"note", p.info.skew_note}};
    jp["ocr_scale"] = p.info.scale;
    jp["blank"] = p.info.blank;
    jp["timed_out"] = !p.info.timed_out_stage.empty();
    if (!p.info.timed_out_stage.empty()) jp["timed_out_stage"] = p.info.timed_out_stage;
    if (p.info.text_confidence >= 0) jp["text_confidence"] = p.info.text_confidence;
    else jp["text_confidence"] = nullptr;
    jp["photos"] = json::array();
    for (const auto& b : p.info.photos) jp["photos"].push_back(BoxJson(b));
    jp["tables"] = json::array();
    for (const auto& b : p.info.tables) jp["tables"].push_back(BoxJson(b));
    jp["figures"] = json::array();
    for (const auto& b : p.info.figures) jp["figures"].push_back(BoxJson(b));
    jp["blocks"] = json::array();
    for (size_t k = 0; k < p.blocks.size(); ++k) {
      const Block& b = p.blocks[k];
      json jb = {{"order", k + 1},
                 {"role", RoleName(b.layout_role.value_or(b.lines.empty() ? Role::kBody : b.lines.front().role))},
                 {"box", BoxJson(b.box)},
                 {"column", b.column},
                 {"article", b.article}};
      if (!b.lang.empty()) jb["lang"] = b.lang;
      if (!b.lang_reason.empty()) jb["lang_reason"] = b.lang_reason;
      if (!b.engine.empty()) jb["engine"] = b.engine;
      if (!b.engine_reason.empty()) jb["engine_reason"] = b.engine_reason;
      jb["lines"] = json::array();
      for (const auto& l : b.lines) {
        jb["lines"].push_back({{"line", l.source_line},
                               {"text", l.text},
                               {"box", BoxJson(l.box)},
                               {"confidence", l.confidence ? json(*l.confidence) : json(nullptr)},
                               {"role", RoleName(l.role)}});
        if (l.row_height) jb["lines"].back()["row_height"] = std::round(*l.row_height * 10) / 10;
      }
      jp["blocks"].push_back(std::move(jb));
    }
    jp["paragraphs"] = json::array();
    for (const auto& para : p.paragraphs) {
      jp["paragraphs"].push_back({{"text", para.text}, {"role", RoleName(para.role)}, {"lines", {para.first_line, para.last_line}}});
      if (!para.jump_to.empty()) jp["paragraphs"].back()["jump_to"] = para.jump_to;
    }
    jp["edits"] = EditsJson(p.edits);
    jp["dropped"] = json::array();
    for (const auto& d : p.dropped) {
      jp["dropped"].push_back({{"text", d.text}, {"reason", d.reason}, {"lines", {d.first_line, d.last_line}}});
    }
    jp["warnings"] = p.warnings;
    j["pages"].push_back(std::move(jp));
  }
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Status ProcessInputBytes(std::string_view bytes, const std::string& source, const RunOptions& options,
                         std::vector<Page>* pages_out, const PageCallback& on_page) {
  RegisterBuiltinStages();
  auto chain = PageChain::Build(options.stages.empty() ? DefaultPageStages() : options.stages, options.settings);
  if (!chain.ok()) return chain.status();
  // One page decoded at a time: a long book costs one page's pixels.
  auto decoder = DecodeGuarded([&] { return io::PageDecoder::Open(bytes, options.load); });
  if (!decoder.ok()) return decoder.status();
  RunContext ctx;
  ctx.cancel = options.cancel;
  const int pages = (*decoder)->pages();
  for (int number = 1; number <= pages; ++number) {
    const auto start = Clock::now();
    ctx.deadline = PageDeadline(options, start);
    auto d = DecodeGuarded([&] { return (*decoder)->Decode(number - 1); });
    if (!d.ok()) {
      Page failed;
      failed.number = number;
      failed.info.source = source;
      failed.info.source_page = number;
      if (on_page) on_page(failed, d.status(), Seconds(start));
      if (d.status().code() == Code::kUnavailable) return d.status();
      continue;
    }
    Page page = MakePage(d.value(), source, number);
    auto original = [&decoder, &source, number]() -> Result<Page> {
      auto again = DecodeGuarded([&] { return (*decoder)->Decode(number - 1); });
      if (!again.ok()) return again.status();
      return MakePage(again.value(), source, number);
    };
    if (options.on_stage) {
      ctx.on_stage = [&options, number, pages](const std::string& stage) { options.on_stage(number, pages, stage); };
    }
    Status st = RunChain(chain.value(), page, ctx, options.page_timeout, original);
    page.image = Raster{};
    page.text_mask = Raster{};
    if (on_page) on_page(page, st, Seconds(start));
    // A timed-out page goes out too, flagged and without text.
    if (st.ok() || st.code() == Code::kDeadlineExceeded) pages_out->push_back(std::move(page));
    if (options.cancel && options.cancel->load()) return Status(Code::kCancelled, "cancelled");
  }
  return Status::Ok();
}

namespace {

std::string TessdataSetting(const RunOptions& o) {
  if (auto it = o.settings.find("ocr"); it != o.settings.end() && it->second.count("tessdata"))
    return it->second.at("tessdata");
  return "";
}

}  // namespace

InputOutcome ProcessInput(std::string_view bytes, const std::string& source, const RunOptions& options,
                          const std::function<void(const PageEvent&)>& on_page) {
  InputOutcome out;
  std::vector<Page> pages;
  std::vector<Status> page_status;
  out.status = ProcessInputBytes(bytes, source, options, &pages, [&](const Page& page, const Status& s, double secs) {
    page_status.push_back(s);
    if (on_page) on_page(MakePageEvent(page, s, secs));
  });
  if (!out.status.ok()) return out;
  // The PDF's pages decoded again, from the input opened once more.
  std::unique_ptr<io::PageDecoder> again;
  Status again_status;
  return AssembleInput(std::move(pages), page_status, {}, source, options, [&](const Page& p) -> Result<formats::PdfImage> {
    if (!again && again_status.ok()) {
      auto opened = DecodeGuarded([&] { return io::PageDecoder::Open(bytes, options.load); });
      if (opened.ok()) again = std::move(opened).value();
      else again_status = opened.status();
    }
    if (!again) return again_status;
    return PdfImageOfPage(p, bytes, *again);
  });
}

PageEvent MakePageEvent(const Page& page, const Status& status, double seconds, int number) {
  PageEvent e;
  e.number = number > 0 ? number : page.number;
  e.status = status;
  e.seconds = seconds;
  if (!status.ok()) return e;
  for (const auto& p : page.paragraphs) e.characters += text::CodePointCount(p.text);
  e.paragraphs = page.paragraphs.size();
  e.skew_degrees = page.info.skew_degrees;
  int n = 0;
  for (const auto& b : page.blocks)
    for (const auto& l : b.lines)
      if (l.confidence) e.confidence += *l.confidence, ++n;
  if (n) e.confidence /= n;
  return e;
}

InputOutcome AssembleInput(std::vector<Page> pages, const std::vector<Status>& page_status,
                           const std::set<int>& left_out, const std::string& source, const RunOptions& options,
                           const std::function<Result<formats::PdfImage>(const Page&)>& image_of) {
  InputOutcome out;
  std::vector<Page> good, timed_out;
  std::set<int> flagged;  // the pages that timed out inside a stage
  for (Page& p : pages) {
    if (!p.info.timed_out_stage.empty()) flagged.insert(p.number);
    (p.info.timed_out_stage.empty() ? good : timed_out).push_back(std::move(p));
  }
  for (size_t i = 0; i < page_status.size(); ++i) {
    const Status& s = page_status[i];
    if (s.ok()) continue;
    const int number = static_cast<int>(i) + 1;
    PageError e;
    e.page = number;
    e.reason = left_out.count(number) ? PageFailure::kLeftOut
               : flagged.count(number) ? PageFailure::kTimedOut
                                       : PageFailure::kNotRead;
    e.message = "page " + std::to_string(number) + ": " + s.message();
    ++out.failed_pages;
    out.timed_out_pages += e.reason == PageFailure::kTimedOut;
    out.left_out_pages += e.reason == PageFailure::kLeftOut;
    out.page_errors.push_back(std::move(e));
  }
  if (good.empty() && !page_status.empty()) {  // why the input failed: every page did
    out.status = page_status.front();
    for (const auto& s : page_status)
      if (s.code() == Code::kUnavailable) out.status = s;
    // As `run` writes them: the timed-out pages flagged (the daemon writes
    // nothing for a failed input).
    if (!timed_out.empty() && out.status.code() == Code::kDeadlineExceeded) {
      if (options.write_txt) out.txt = RenderPagesText(timed_out);
      if (options.write_json) out.json = RenderPagesJson(timed_out, source);
    }
    return out;
  }
  DropRepeatedRunningLines(good);
  double conf = 0;
  int conf_n = 0;
  for (const auto& p : good) {
    for (const auto& para : p.paragraphs) {
      out.characters += text::CodePointCount(para.text);
      ++out.paragraphs;
    }
    for (const auto& b : p.blocks)
      for (const auto& l : b.lines)
        if (l.confidence) conf += *l.confidence, ++conf_n;
    out.skew_degrees.push_back(p.info.skew_degrees);
  }
  out.pages = static_cast<int>(good.size());
  out.mean_confidence = conf_n ? conf / conf_n : 0;
  MergeByPageNumber(good, std::move(timed_out));
  if (options.write_txt) out.txt = RenderPagesText(good);
  if (options.write_json) out.json = RenderPagesJson(good, source);
  if (options.write_alto) out.alto = RenderPagesAlto(good, source);
  if (options.write_hocr) out.hocr = RenderPagesHocr(good, source);
  if (options.write_page) out.page_xml = PageXmlFiles(good, source);
  if (options.write_pdf) {
    auto pdf = RenderPdfOfImages(good, TessdataSetting(options), image_of);
    if (pdf.ok()) out.pdf = std::move(pdf).value();
    else out.pdf_error = source + ": no PDF written: " + pdf.status().message();
  }
  return out;
}

Result<std::unique_ptr<io::PageDecoder>> OpenInputPages(std::string_view bytes, const io::LoadOptions& load) {
  return DecodeGuarded([&] { return io::PageDecoder::Open(bytes, load); });
}

WorkerPage RunOnePage(const PageChain& chain, io::PageDecoder& decoder, std::string_view bytes, const std::string& source,
                      int number, const RunOptions& options) {
  WorkerPage out;
  RunContext ctx;
  ctx.cancel = options.cancel;
  if (options.on_stage) {
    ctx.on_stage = [&options, number, pages = decoder.pages()](const std::string& stage) {
      options.on_stage(number, pages, stage);
    };
  }
  bool decoded = false;
  out.status = ReadPage(chain, decoder, source, number, options, ctx, &out.page, &decoded);
  out.has_page = decoded;
  // What the parent keeps of a page: one read, or one that timed out
  // (flagged, without text); its image for the PDF with it.
  if (decoded && options.write_pdf && (out.status.ok() || !out.page.info.timed_out_stage.empty())) {
    auto image = PdfImageOfPage(out.page, bytes, decoder);
    if (image.ok()) {
      out.image = std::move(image).value();
      out.has_image = true;
    } else {
      out.image_error = image.status().message();
    }
  }
  return out;
}

namespace {

// RunOptions::write_alto, write_hocr, write_pdf: each file written whole or
// not at all (io::WriteFileAtomic), failures in the input's errors. The
// PDF's page images from `decoder`, or (run --isolate) made by the worker
// processes: `images` by page number, or why one could not be made.
void WriteArchiveFormats(const RunOptions& o, const std::string& base, const std::string& source,
                         const std::vector<Page>& pages, io::PageDecoder* decoder, InputReport& r,
                         std::map<int, formats::PdfImage>* images, const std::map<int, std::string>* image_errors) {
  auto write = [&](const std::string& path, const std::string& data) {
    Status st = io::WriteFileAtomic(path, data);
    if (st.ok()) r.archive_paths.push_back(path);
    else r.errors.push_back(st.ToString());
  };
  if (o.write_alto) write(base + ".alto.xml", RenderPagesAlto(pages, source));
  if (o.write_hocr) write(base + ".hocr", RenderPagesHocr(pages, source));
  if (o.write_page) {
    for (const auto& [suffix, doc] : PageXmlFiles(pages, source)) write(base + suffix, doc);
  }
  if (o.write_pdf) {
    Result<std::string> pdf = Status(Code::kInternal, "the input's pages cannot be decoded again");
    if (images != nullptr) {
      pdf = RenderPdfOfImages(pages, TessdataSetting(o), WorkerPdfImages(*images, *image_errors));
    } else {
      auto bytes = ReadFileBytes(source);
      if (!bytes.ok()) pdf = bytes.status();
      else if (decoder != nullptr) {
        pdf = RenderPagesPdf(pages, bytes.value(), *decoder, TessdataSetting(o));
      }
    }
    if (pdf.ok()) write(base + ".pdf", pdf.value());
    else r.errors.push_back(source + ": no PDF written: " + pdf.status().message());
  }
}

}  // namespace

std::function<Result<formats::PdfImage>(const Page&)> WorkerPdfImages(std::map<int, formats::PdfImage>& images,
                                                                       const std::map<int, std::string>& errors) {
  return [&images, &errors](const Page& p) -> Result<formats::PdfImage> {
    if (auto it = images.find(p.number); it != images.end()) return std::move(it->second);
    if (auto it = errors.find(p.number); it != errors.end()) return Status(Code::kBadInput, it->second);
    return Status(Code::kInternal, "no image of page " + std::to_string(p.number) + " from its worker process");
  };
}

void UseOneMallocArenaForOneWorker(int workers) {
  if (workers == 1) mallopt(M_ARENA_MAX, 1);
}

Result<RunReport> RunPages(const RunOptions& options, const std::function<void(const std::string&)>& log) {
  RegisterBuiltinStages();
  auto built = PageChain::Build(options.stages.empty() ? DefaultPageStages() : options.stages, options.settings);
  if (!built.ok()) return built.status();
  const PageChain& chain = built.value();
  std::vector<std::string> expand_errors;
  auto expanded = ExpandInputs(options.inputs, options.out_dir, &expand_errors);
  if (!expanded.ok()) return expanded.status();
  std::vector<Input> inputs = std::move(expanded.value());
  RunReport report;
  for (const auto& e : expand_errors) {
    InputReport r;
    r.source = e.substr(0, e.find(':'));
    r.errors.push_back(e);
    report.inputs.push_back(r);
    ++report.failed_inputs;
    if (log) log(e);
  }
  if (inputs.empty()) {
    if (expand_errors.empty()) return Status(Code::kInvalidArgument, "no inputs");
    return report;
  }
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec || !fs::is_directory(options.out_dir)) {
    return Status(Code::kIoError, options.out_dir + ": cannot create output directory" + (ec ? ": " + ec.message() : ""));
  }
  // A cluster run (app/manifest.h): this shard's inputs only, named from
  // the whole set (the output names do not depend on the shard), and with
  // --resume only those not done before.
  if (options.shard.active()) {
    const size_t all = inputs.size();
    std::erase_if(inputs, [&](const Input& in) { return ShardOf(in.rel, options.shard.count) != options.shard.index; });
    report.other_shards = all - inputs.size();
  }
  std::optional<RunManifest> manifest;
  RunRecorder recorder;
  if (options.manifest || options.resume || options.shard.active()) {
    auto opened = RunManifest::Open(options.out_dir, options.shard.ManifestName(), options.resume);
    if (!opened.ok()) return opened.status();
    manifest.emplace(std::move(opened).value());
    if (options.resume) {
      std::vector<Input> todo;
      for (auto& in : inputs) {
        bool done = false;
        if (manifest->Knows(in.rel)) {
          const fs::path base = fs::path(options.out_dir) / in.out_stem;
          std::vector<std::string> outs;
          for (const std::string& suffix : OutputSuffixes(options)) outs.push_back(base.string() + suffix);
          auto bytes = ReadFileBytes(in.path);
          done = bytes.ok() && manifest->DoneBefore(in.rel, Sha256Hex(bytes.value()), outs);
        }
        if (done) {
          manifest->Keep(in.rel);
          ++report.resumed;
        } else {
          todo.push_back(std::move(in));
        }
      }
      inputs = std::move(todo);
    }
    if (Status st = manifest->Start(); !st.ok()) return Status(Code::kIoError, "cannot write " + st.ToString());
    recorder.manifest = &*manifest;
    recorder.lang = options.lang;
    if (auto it = options.settings.find("ocr"); it != options.settings.end()) {
      StageSettings ocr_settings = it->second;
      if (!ocr_settings.count("lang")) ocr_settings["lang"] = options.lang;
      auto models = ModelIds(ocr_settings, ocr_settings.count("tessdata") ? ocr_settings.at("tessdata") : "");
      recorder.models = models.ok() ? models.value() : nlohmann::ordered_json::object();
    }
  }
  // Written sorted when the run ends (interrupted too: what finished).
  auto finish_manifest = [&](RunReport r) -> Result<RunReport> {
    if (manifest) {
      if (Status st = manifest->Finish(); !st.ok()) return Status(Code::kIoError, "cannot write " + st.ToString());
    }
    return r;
  };
  if (inputs.empty()) return finish_manifest(std::move(report));
  if (!options.debug_dir.empty()) {
    fs::create_directories(options.debug_dir, ec);
    if (ec) return Status(Code::kIoError, options.debug_dir + ": cannot create debug directory: " + ec.message());
  }

  struct State {
    Input input;
    std::unique_ptr<io::PageDecoder> decoder;  // pages are decoded when a worker takes them
    // run --isolate: the input's bytes, sent to the worker processes, and
    // the PDF's page images they made (by page number), or why not.
    std::shared_ptr<const std::string> bytes;
    std::map<int, formats::PdfImage> pdf_images;
    std::map<int, std::string> pdf_image_errors;
    std::vector<Page> pages;           // indexed by page number - 1
    std::vector<std::string> errors;
    std::vector<bool> ok;
    int remaining = 0;
    Clock::time_point start;
    InputReport report;
  };
  std::vector<State> states(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) states[i].input = inputs[i];

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<size_t, size_t>> page_tasks;  // (input, page index)
  size_t next_input = 0;
  int decoding = 0;
  int inputs_done = 0, pages_done = 0, pages_failed = 0;
  const auto run_start = Clock::now();
  Progress progress(options.progress);

  auto finish_input = [&](State& s) {  // called with mu NOT held, once per input
    InputReport& r = s.report;
    r.source = s.input.path;
    r.errors = s.errors;
    r.seconds = Seconds(s.start);
    std::vector<Page> good, timed_out;
    double conf_sum = 0;
    size_t conf_n = 0;
    for (size_t p = 0; p < s.pages.size(); ++p) {
      if (!s.ok[p] && !s.pages[p].info.timed_out_stage.empty()) timed_out.push_back(std::move(s.pages[p]));
      if (!s.ok[p]) continue;
      r.skew_degrees.push_back(s.pages[p].info.skew_degrees);
      for (const auto& b : s.pages[p].blocks)
        for (const auto& l : b.lines)
          if (l.confidence) conf_sum += *l.confidence, ++conf_n;
      good.push_back(std::move(s.pages[p]));
    }
    r.mean_confidence = conf_n ? conf_sum / conf_n : 0;
    r.timed_out_pages = static_cast<int>(timed_out.size());
    DropRepeatedRunningLines(good);
    for (const auto& page : good)
      for (const auto& para : page.paragraphs) {
        r.characters += text::CodePointCount(para.text);  // as ProcessInput counts
        ++r.paragraphs;
      }
    s.pages.clear();
    const bool any_good = !good.empty();
    MergeByPageNumber(good, std::move(timed_out));
    if (any_good || !good.empty() || (r.errors.empty() && r.pages > 0)) {
      const fs::path base = fs::path(options.out_dir) / s.input.out_stem;
      // Made one folder at a time, never through a link (checked before
      // the run too; this is the check that holds if one appears since).
      auto dir = io::MakeFoldersBelow(options.out_dir, fs::path(s.input.out_stem).parent_path().string());
      if (!dir.ok()) r.errors.push_back("cannot write " + base.string() + ": " + dir.status().ToString());
      if (dir.ok() && options.write_txt) {
        std::string path = base.string() + ".txt";
        Status st = io::WriteFileAtomic(path, RenderPagesText(good));
        if (st.ok()) r.txt_path = path;
        else r.errors.push_back(st.ToString());
      }
      if (dir.ok() && options.write_json) {
        std::string path = base.string() + ".json";
        Status st = io::WriteFileAtomic(path, RenderPagesJson(good, s.input.path));
        if (st.ok()) r.json_path = path;
        else r.errors.push_back(st.ToString());
      }
      if (dir.ok()) {
        WriteArchiveFormats(options, base.string(), s.input.path, good, s.decoder.get(), r,
                            options.isolate ? &s.pdf_images : nullptr, &s.pdf_image_errors);
      }
    }
    s.decoder.reset();
    s.bytes.reset();
    s.pdf_images.clear();
    if (log) {
      for (const auto& e : r.errors) log(e);
    }
    // A page stopped by Ctrl-C is no outcome: the input has no line, and
    // --resume runs it again.
    if (!(options.cancel && options.cancel->load())) recorder.Record(s.input, r, options, log);
  };

  // The last page of an input is done (or it had none): write its outputs
  // without holding the lock.
  auto complete = [&](State& s, std::unique_lock<std::mutex>& lock) {
    lock.unlock();
    finish_input(s);
    lock.lock();
    ++inputs_done;
  };

  const int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // run --isolate: a thread per worker process, and no more of them than
  // the run has pages (a one-page run at --jobs 2 forked two workers, one
  // of which never read a page). The pages are counted by the worker
  // processes, so here the inputs are, by their first bytes (PagesUpTo):
  // a TIFF or a PDF may need every one.
  const int threads_n = options.isolate ? std::max(1, PagesUpTo(inputs, jobs)) : jobs;
  SharedWork shared;  // blocks of running pages that idle workers take on
  int running = 0;    // pages being processed (under mu)

  // run --isolate: each thread's pages are read in its worker process
  // (app/worker.h), kept for the thread's next pages. They are forked here,
  // while this process runs one thread, so that none execs ocrflow again
  // and loads its libraries (the cost of a worker process, docs/watch.md);
  // one that dies is started again by exec.
  // The reflow stage's word list is loaded once here and shared with the
  // forked copies, as the in-process run's threads share it.
  std::vector<std::unique_ptr<WorkerProcess>> children;
  if (options.isolate) {
    const auto& names = chain.stages().names();
    children = ForkWorkerProcesses(threads_n, options.worker_exe,
                                   MakeWorkerLimits(options.page_timeout, options.memory_limit_mb, options.worker_hooks),
                                   options.worker_hooks,
                                   std::find(names.begin(), names.end(), "reflow") != names.end(),
                                   options.verbose ? log : std::function<void(const std::string&)>());
  }

  // -v: a worker process started anew for a request (a replacement of one
  // that died), and how long it took to be ready, outside the page's time.
  auto log_started = [&](const WorkerProcess& child) {
    if (!options.verbose || !log || child.started_in() < 0) return;
    log(child.StartedLine());
  };

  auto worker = [&](WorkerProcess* child) {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      if (options.cancel && options.cancel->load()) {
        cv.notify_all();
        return;
      }
      if (!page_tasks.empty()) {
        // Named, not a structured binding: the lambdas below capture p,
        // which clang before 16 (the fuzz build) refuses for a binding.
        const size_t i = page_tasks.front().first, p = page_tasks.front().second;
        page_tasks.pop_front();
        State& s = states[i];
        ++running;
        lock.unlock();
        // Decoded only now: at most one page per worker holds its pixels.
        RunContext ctx;
        ctx.cancel = options.cancel;
        if (jobs > 1) ctx.shared_work = &shared;
        // -v: the stages' own lines (layout's block count and line height...).
        if (options.verbose && log) {
          ctx.log = [&log, where = s.input.path + ": page " + std::to_string(p + 1) + ": "](const std::string& m) {
            log(where + m);
          };
        }
        if (options.on_stage) {
          ctx.on_stage = [&options, p, n = static_cast<int>(s.pages.size())](const std::string& stage) {
            options.on_stage(static_cast<int>(p) + 1, n, stage);
          };
        }
        if (!options.debug_dir.empty()) {
          std::string stem = s.input.out_stem;  // flat: a/b -> a_b
          std::replace(stem.begin(), stem.end(), '/', '_');
          std::string prefix = (fs::path(options.debug_dir) / stem).string() + "-p" + std::to_string(p + 1) + "-";
          ctx.debug = [prefix](const std::string& name, const Raster& r) {
            cv::imwrite(prefix + name + ".png", image::View(r));
          };
        }
        Page page;
        bool decoded = false;
        Status st;
        std::string error_line;  // "" = "<input>: page N: <reason>"
        int worker_pid = static_cast<int>(getpid());
        const double page_from = Seconds(run_start);
        if (child) {
          auto got = child->ProcessPage(*s.bytes, s.input.path, i, static_cast<int>(p) + 1,
                                        static_cast<int>(s.pages.size()), options, options.cancel);
          worker_pid = child->served_pid();
          log_started(*child);
          if (!got.ok()) {
            // The worker died, or was killed for time, on this page: the
            // page is lost, the others are not (their workers are their own).
            // Named as a worker that died on a whole input was: the input
            // and the reason for a one-page input, the page "left out"
            // for a page of a longer one.
            st = LeftOut(got.status(), static_cast<int>(s.pages.size()));
            if (s.pages.size() < 2) error_line = s.input.path + ": " + st.message();
          } else {
            WorkerPage& w = got.value();
            st = w.status;
            decoded = w.has_page;
            if (w.has_page) page = std::move(w.page);
            if (w.has_image || !w.image_error.empty()) {
              std::lock_guard<std::mutex> image_lock(mu);
              if (w.has_image) s.pdf_images[static_cast<int>(p) + 1] = std::move(w.image);
              else s.pdf_image_errors[static_cast<int>(p) + 1] = w.image_error;
            }
          }
        } else {
          st = ReadPage(chain, *s.decoder, s.input.path, static_cast<int>(p) + 1, options, ctx, &page, &decoded);
        }
        if (options.verbose && log) {
          char line[160];
          std::snprintf(line, sizeof line, ": page %zu: %s pid %d, %.3f-%.3f s", p + 1,
                        child ? "worker process" : "in process", worker_pid, page_from, Seconds(run_start));
          log(s.input.path + line);
        }
        if (!decoded && !child) {
          lock.lock();
          --running;
          s.errors.push_back(s.input.path + ": page " + std::to_string(p + 1) + ": " + st.message());
          ++s.report.failed_pages;
          ++pages_failed;
          ++pages_done;
          if (--s.remaining == 0) complete(s, lock);
          progress.Update(inputs_done, static_cast<int>(states.size()), pages_done, pages_failed, Seconds(run_start));
          cv.notify_all();
          continue;
        }
        lock.lock();
        --running;
        s.pages[p] = std::move(page);
        s.ok[p] = st.ok();
        ++pages_done;
        if (!st.ok()) {
          s.errors.push_back(!error_line.empty() ? error_line
                                                 : s.input.path + ": page " + std::to_string(p + 1) + ": " + st.message());
          ++s.report.failed_pages;
          ++pages_failed;
        }
        if (--s.remaining == 0) complete(s, lock);
        progress.Update(inputs_done, static_cast<int>(states.size()), pages_done, pages_failed, Seconds(run_start));
        cv.notify_all();
        continue;
      }
      if (next_input < states.size()) {
        size_t i = next_input++;
        ++decoding;
        lock.unlock();
        State& s = states[i];
        s.start = Clock::now();
        int count = 0;
        Status st;
        auto bytes = ReadFileBytes(s.input.path);
        if (!bytes.ok()) {
          st = bytes.status();
        } else {
          s.report.sha256 = Sha256Hex(bytes.value());
          // Format, first header and page count now; the pages one by one
          // as workers take them.
          if (child) {
            // In a worker process too: the parent never parses an input.
            s.bytes = std::make_shared<const std::string>(std::move(bytes).value());
            auto pages = child->CountPages(*s.bytes, s.input.path, i, options, options.cancel);
            log_started(*child);
            if (!pages.ok()) st = pages.status();
            else count = pages.value();
          } else {
            auto decoder = DecodeGuarded([&] { return io::PageDecoder::Open(bytes.value(), options.load); });
            if (!decoder.ok()) {
              st = decoder.status();
            } else {
              s.decoder = std::move(decoder).value();
              count = s.decoder->pages();
            }
          }
        }
        if (!st.ok()) {
          std::string msg = st.message();
          // ReadFileBytes already names the file.
          if (msg.rfind(s.input.path, 0) != 0) msg = s.input.path + ": " + msg;
          s.errors.push_back(msg);
        }
        lock.lock();
        --decoding;
        s.report.pages = count;
        s.pages.assign(static_cast<size_t>(count), Page{});
        s.ok.assign(s.pages.size(), false);
        s.remaining = static_cast<int>(s.pages.size());
        for (size_t p = 0; p < s.pages.size(); ++p) page_tasks.emplace_back(i, p);
        if (s.remaining == 0) {  // nothing decoded: the error is the input's outcome
          complete(s, lock);
          progress.Update(inputs_done, static_cast<int>(states.size()), pages_done, pages_failed, Seconds(run_start));
        }
        cv.notify_all();
        continue;
      }
      if (decoding == 0 && running == 0) {
        cv.notify_all();
        return;
      }
      if (running > 0) {
        // Nothing left to start: take blocks of the pages still being read
        // (the last pages of a run would otherwise run alone).
        lock.unlock();
        if (!shared.HelpOnce()) shared.WaitForWork(std::chrono::milliseconds(20));
        lock.lock();
        continue;
      }
      // A bounded wait: a cancel request is noticed even if nobody notifies.
      cv.wait_for(lock, std::chrono::milliseconds(200));
    }
  };

  UseOneMallocArenaForOneWorker(threads_n);
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_n; ++t) {
    threads.emplace_back([&, t] {
      worker(options.isolate ? children[t].get() : nullptr);
      // Its worker process ends (its stdin closed, reaped) as the thread
      // does, beside the others'.
      if (options.isolate) children[t].reset();
    });
  }
  for (auto& t : threads) t.join();
  progress.Finish();

  for (auto& s : states) {
    s.report.source = s.input.path;
    report.pages += s.report.pages;
    report.failed_pages += s.report.failed_pages;
    if (!s.report.errors.empty()) ++report.failed_inputs;
    report.inputs.push_back(std::move(s.report));
  }
  report.seconds = Seconds(run_start);
  return finish_manifest(std::move(report));
}

}  // namespace ocrflow
