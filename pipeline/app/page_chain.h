// The chain `run`, the worker processes and the daemon apply to a page
// image: the stages one after the other, plus one explicit step, orient and
// reread.
//
// Most pages arrive upright, and checking that costs about a sixth of a
// page's OCR. So when the chain starts with a stage that turns pages
// upright (StageInfo::turns_page_upright) and a later stage reads the text
// and says whether it read upright (StageInfo::confirms_upright), the first
// stage takes the page as upright on trust and the reader confirms it. A
// page it does not confirm is made again as it came in (`original`: decoded
// again, so no copy of a 200-Mpixel page is held meanwhile), checked by the
// first stage for real and, only when that turns it, run through the rest
// of the chain again (RunContext::script_wanted: with the page's script,
// from OSD, even when a text patch shows it upright). A page found upright
// whose reader stopped early (its first lines read too badly to go on, or
// read under the bar on a page of Latin blocks in columns:
// ImageInfo::early_stop_for_script), or a Fraktur page whose body the
// layout found in two columns or more (read to its end, but badly), is
// read again from the reader on, the image stages' work kept; without the
// layout stage's blocks on a page of Latin or Fraktur script (Fraktur only
// after a stop for the script): the reader segments it itself
// (ImageInfo::segmentation_note says why). Without such a pair the chain
// runs as it is.
//
// The runner (pipeline/core/stage.h) knows nothing of this: it runs stages.
//
// Thread safety: immutable once built; Run() may be called from several
// threads at once on different pages.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"
#include "pipeline/core/status.h"

namespace ocrflow {

class PageChain {
 public:
  // The named stages, checked as Pipeline::Build checks them.
  static Result<PageChain> Build(const std::vector<std::string>& names,
                                 const std::map<std::string, StageSettings>& settings);

  // `original` makes the page again as it came in (null: a copy of the
  // page is kept while the chain runs).
  Status Run(Page& page, const RunContext& ctx, const std::function<Result<Page>()>& original = {}) const;

  const Pipeline& stages() const { return all_; }
  bool orients_on_trust() const { return rest_.size() > 0; }

 private:
  Pipeline all_;
  Pipeline first_, rest_;  // the orient step and what follows it: set when it applies
  // The stages before the reader (the first stage that confirms_upright)
  // and the reader with what follows it: set with first_ and rest_.
  Pipeline before_reader_, reader_on_;
};

}  // namespace ocrflow
