#include "pipeline/app/page_chain.h"

namespace ocrflow {

Result<PageChain> PageChain::Build(const std::vector<std::string>& names,
                                   const std::map<std::string, StageSettings>& settings) {
  auto built = Pipeline::Build(names, settings);
  if (!built.ok()) return built.status();
  PageChain chain;
  chain.all_ = std::move(built).value();
  bool confirmed_later = false;
  for (size_t i = 1; i < chain.all_.size(); ++i) confirmed_later = confirmed_later || chain.all_.info(i).confirms_upright;
  if (chain.all_.size() > 1 && chain.all_.info(0).turns_page_upright && confirmed_later) {
    chain.first_ = chain.all_.Slice(0, 1);
    chain.rest_ = chain.all_.Slice(1, chain.all_.size());
  }
  return chain;
}

Status PageChain::Run(Page& page, const RunContext& ctx, const std::function<Result<Page>()>& original) const {
  if (!orients_on_trust()) return all_.Run(page, ctx);
  Page copy;
  if (!original) copy = page;
  RunContext trusting = ctx;
  trusting.orientation_checked_by_ocr = true;
  Status st = all_.Run(page, trusting);
  if (!st.ok() || !page.info.orientation_unconfirmed) return st;
  // The reader did not confirm the page upright: the first stage checks
  // the page as it came in.
  if (original) {
    Result<Page> again = original();
    if (!again.ok()) return again.status();
    copy = std::move(again).value();
  }
  st = first_.Run(copy, ctx);
  if (!st.ok()) return st;
  const std::string read_as_is = page.info.orientation_note;
  auto add_note = [&](Page& p) {
    p.info.orientation_note += (p.info.orientation_note.empty() ? "" : "; ") + read_as_is;
  };
  if (copy.info.orientation == 0 && !page.info.ocr_stopped_early) {
    // Not turned after all, and the text is all read: keep it.
    page.info.orientation_confidence = copy.info.orientation_confidence;
    page.info.orientation_note = copy.info.orientation_note;
    add_note(page);
    page.info.orientation_unconfirmed = false;
    return Status::Ok();
  }
  st = rest_.Run(copy, ctx);
  add_note(copy);
  page = std::move(copy);
  return st;
}

}  // namespace ocrflow
