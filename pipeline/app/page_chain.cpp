#include "pipeline/app/page_chain.h"

#include <cstdio>

namespace ocrflow {
namespace {

// The page without its rasters: all the reader and the stages after it
// change (they only read the rasters). Kept from before the reader, so that
// a page the reader stopped on early is read again from there, without a
// copy of the image and without running the image stages again.
Page WithoutRasters(Page& page) {
  Raster image = std::move(page.image), mask = std::move(page.text_mask);
  Page copy = page;
  page.image = std::move(image);
  page.text_mask = std::move(mask);
  return copy;
}

// `page` as `saved` was, with the rasters `page` holds.
void RestoreInto(Page saved, Page& page) {
  saved.image = std::move(page.image);
  saved.text_mask = std::move(page.text_mask);
  page = std::move(saved);
}

bool LatinScript(const std::string& script) { return script == "Latin" || script == "Fraktur"; }

}  // namespace

Result<PageChain> PageChain::Build(const std::vector<std::string>& names,
                                   const std::map<std::string, StageSettings>& settings) {
  auto built = Pipeline::Build(names, settings);
  if (!built.ok()) return built.status();
  PageChain chain;
  chain.all_ = std::move(built).value();
  size_t reader = 0;
  for (size_t i = 1; i < chain.all_.size() && reader == 0; ++i)
    if (chain.all_.info(i).confirms_upright) reader = i;
  if (chain.all_.size() > 1 && chain.all_.info(0).turns_page_upright && reader > 0) {
    chain.first_ = chain.all_.Slice(0, 1);
    chain.rest_ = chain.all_.Slice(1, chain.all_.size());
    chain.before_reader_ = chain.all_.Slice(0, reader);
    chain.reader_on_ = chain.all_.Slice(reader, chain.all_.size());
  }
  return chain;
}

Status PageChain::Run(Page& page, const RunContext& ctx, const std::function<Result<Page>()>& original) const {
  if (!orients_on_trust()) return all_.Run(page, ctx);
  Page copy;
  if (!original) copy = page;
  RunContext trusting = ctx;
  trusting.orientation_checked_by_ocr = true;
  Status st = before_reader_.Run(page, trusting);
  if (!st.ok()) return st;
  Page before = WithoutRasters(page);
  st = reader_on_.Run(page, trusting);
  if (!st.ok() || !page.info.orientation_unconfirmed) return st;
  // The reader did not confirm the page upright: the first stage checks
  // the page as it came in.
  if (original) {
    Result<Page> again = original();
    if (!again.ok()) return again.status();
    copy = std::move(again).value();
  }
  RunContext checking = ctx;
  checking.script_wanted = true;
  st = first_.Run(copy, checking);
  if (!st.ok()) return st;
  const std::string read_as_is = page.info.orientation_note;
  auto add_note = [&](Page& p) {
    p.info.orientation_note += (p.info.orientation_note.empty() ? "" : "; ") + read_as_is;
  };
  auto take_check = [&](Page& p) {
    p.info.orientation_confidence = copy.info.orientation_confidence;
    p.info.orientation_note = copy.info.orientation_note;
    p.info.script = copy.info.script;
    p.info.script_confidence = copy.info.script_confidence;
    add_note(p);
    p.info.orientation_check = 0;
    p.info.orientation_unconfirmed = false;
  };
  // A black-letter page in columns, all read but badly: the layout's
  // columns are the suspect (see below; measured on the NZZ front pages of
  // ../shared/eval, 54-75 % CER with them against 18-26 % without). A
  // one-column page (a book's) keeps them: no gutter to miss.
  const bool fraktur_columns = copy.info.orientation == 0 && !page.info.ocr_stopped_early &&
                               copy.info.script == "Fraktur" && BodyColumnCount(page) >= 2;
  if (copy.info.orientation == 0 && !page.info.ocr_stopped_early && !fraktur_columns) {
    // Not turned after all, and the text is all read: keep it.
    take_check(page);
    return Status::Ok();
  }
  if (copy.info.orientation == 0) {
    // Upright, but its first lines read so badly that the reader stopped,
    // or a black-letter page in columns read badly: read it again from
    // where the reader started (the image stages' work kept), all of it
    // this time. On a page of Latin or Fraktur script the layout stage's
    // blocks are the suspect (measured on the black-letter pages of
    // ../shared/eval: lines run across narrow gutters and between the
    // lines of text showing through the paper, 65-129 % CER against 18-39
    // % with Tesseract's own segmentation): the reader then finds the
    // page's text regions itself. A reader that stopped only to ask for
    // the script (stages/ocr: Latin blocks in columns read under the bar,
    // not far under) keeps the layout's blocks unless the page is Fraktur.
    const bool for_script = page.info.early_stop_for_script;
    const bool fraktur = copy.info.script == "Fraktur";
    const size_t columns = BodyColumnCount(page);
    RestoreInto(std::move(before), page);
    take_check(page);
    if (LatinScript(page.info.script) && !page.blocks.empty() && (!for_script || fraktur)) {
      char why[320];
      if (fraktur_columns || for_script)
        std::snprintf(why, sizeof why,
                      "Tesseract's page segmentation, not the layout stage's %zu blocks: OSD finds the page upright, "
                      "Fraktur script (confidence %.1f), and the body text in the layout's %zu columns read badly (%s)",
                      page.blocks.size(), page.info.script_confidence, columns, read_as_is.c_str());
      else
        std::snprintf(why, sizeof why,
                      "Tesseract's page segmentation, not the layout stage's %zu blocks: OSD finds the page upright, "
                      "%s script (confidence %.1f), and the layout's first body lines read badly (%s)",
                      page.blocks.size(), page.info.script.c_str(), page.info.script_confidence, read_as_is.c_str());
      page.info.segmentation_note = why;
      page.blocks.clear();
    }
    return reader_on_.Run(page, ctx);
  }
  st = rest_.Run(copy, ctx);
  add_note(copy);
  page = std::move(copy);
  return st;
}

}  // namespace ocrflow
