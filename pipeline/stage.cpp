#include "pipeline/stage.h"

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

Status Pipeline::Run(Page& page, const RunContext& ctx) const {
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (ctx.cancelled()) return Status(Code::kCancelled, "cancelled before stage " + names_[i]);
    Status st = stages_[i]->Run(page, ctx);
    if (!st.ok()) return Status(st.code(), names_[i] + ": " + st.message());
  }
  return Status::Ok();
}

}  // namespace ocrflow
