#include "pipeline/stage.h"

#include <algorithm>

namespace ocrflow {

const char* DataKindName(DataKind kind) {
  switch (kind) {
    case DataKind::kImage: return "image";
    case DataKind::kLines: return "lines";
    case DataKind::kParagraphs: return "paragraphs";
  }
  return "unknown";
}

StageRegistry& StageRegistry::Global() {
  static StageRegistry registry;
  return registry;
}

void StageRegistry::Register(StageInfo info) {
  for (auto& s : stages_) {
    if (s->name == info.name) {
      *s = std::move(info);  // re-registration replaces (idempotent set-up)
      return;
    }
  }
  stages_.push_back(std::make_unique<StageInfo>(std::move(info)));
}

const StageInfo* StageRegistry::Find(const std::string& name) const {
  for (const auto& s : stages_) {
    if (s->name == name) return s.get();
  }
  return nullptr;
}

std::vector<const StageInfo*> StageRegistry::All() const {
  std::vector<const StageInfo*> out;
  for (const auto& s : stages_) out.push_back(s.get());
  return out;
}

Result<Pipeline> Pipeline::Build(const std::vector<std::string>& names,
                                 const std::map<std::string, StageSettings>& settings) {
  Pipeline p;
  const StageInfo* prev = nullptr;
  for (const auto& [stage_name, unused] : settings) {
    bool used = false;
    for (const auto& n : names) used = used || n == stage_name;
    if (!used) {
      return Status(Code::kInvalidArgument, "settings given for stage '" + stage_name + "', which is not in the pipeline");
    }
  }
  for (const auto& name : names) {
    const StageInfo* info = StageRegistry::Global().Find(name);
    if (info == nullptr) {
      return Status(Code::kInvalidArgument, "unknown stage '" + name + "' (see `ocrflow stages`)");
    }
    if (prev != nullptr && prev->output != info->input) {
      return Status(Code::kInvalidArgument, "stage '" + name + "' reads " + DataKindName(info->input) +
                                                " but '" + prev->name + "' before it produces " +
                                                DataKindName(prev->output));
    }
    StageSettings mine;
    if (auto it = settings.find(name); it != settings.end()) mine = it->second;
    auto stage = info->make(mine);
    if (!stage.ok()) return stage.status();
    p.names_.push_back(name);
    p.stages_.push_back(std::shared_ptr<const Stage>(std::move(stage).value().release()));
    prev = info;
  }
  return p;
}

Status Pipeline::RunRange(Page& page, const RunContext& ctx, size_t first, size_t last) const {
  for (size_t i = first; i < last && i < stages_.size() && !page.info.ocr_stopped_early; ++i) {
    if (ctx.cancelled()) return Status(Code::kCancelled, "cancelled before stage " + names_[i]);
    Status st = stages_[i]->Run(page, ctx);
    if (!st.ok()) return Status(st.code(), names_[i] + ": " + st.message());
  }
  return Status::Ok();
}

Status Pipeline::Run(Page& page, const RunContext& ctx) const {
  const bool ocr_follows =
      !names_.empty() && names_[0] == "orient" && std::find(names_.begin() + 1, names_.end(), "ocr") != names_.end();
  if (!ocr_follows) return RunRange(page, ctx, 0, stages_.size());
  // Most pages arrive upright: orient may take the page as upright on trust
  // and the OCR confirms it from how well the body text read. When it did
  // not read well, orient checks the page as it came in (a text patch, then
  // OSD); only a page it turns goes through the chain again.
  Page original = page;
  RunContext trusting = ctx;
  trusting.orientation_checked_by_ocr = true;
  Status st = RunRange(page, trusting, 0, stages_.size());
  if (!st.ok() || !page.info.orientation_unconfirmed) return st;
  st = RunRange(original, ctx, 0, 1);
  if (!st.ok()) return st;
  const std::string read_as_is = page.info.orientation_note;
  auto add_note = [&](Page& p) {
    p.info.orientation_note += (p.info.orientation_note.empty() ? "" : "; ") + read_as_is;
  };
  if (original.info.orientation == 0 && !page.info.ocr_stopped_early) {
    // Not turned after all, and the text is all read: keep it.
    page.info.orientation_confidence = original.info.orientation_confidence;
    page.info.orientation_note = original.info.orientation_note;
    add_note(page);
    page.info.orientation_unconfirmed = false;
    return Status::Ok();
  }
  st = RunRange(original, ctx, 1, stages_.size());
  add_note(original);
  page = std::move(original);
  return st;
}

}  // namespace ocrflow
