#include "pipeline/core/stage.h"

#include <algorithm>
#include <map>

#include "pipeline/core/text_diff.h"

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
    p.infos_.push_back(*info);
    p.text_kinds_.push_back(info->input == info->output ? info->input : DataKind::kImage);
    p.stages_.push_back(std::shared_ptr<const Stage>(std::move(stage).value().release()));
    prev = info;
  }
  return p;
}

namespace {

// The texts a lines or paragraphs stage was given, keyed by source line
// (lines) or first line (paragraphs); a key seen twice is left out.
struct TextSnapshot {
  DataKind kind = DataKind::kImage;
  std::map<int, std::string> texts;
  size_t dropped = 0;
};

template <typename Fn>
void ForEachText(Page& page, DataKind kind, Fn fn) {
  if (kind == DataKind::kLines) {
    for (Block& b : page.blocks)
      for (Line& l : b.lines) fn(l.source_line, l.text);
  } else if (kind == DataKind::kParagraphs) {
    for (Paragraph& p : page.paragraphs) fn(p.first_line, p.text);
  }
}

TextSnapshot Snapshot(Page& page, DataKind kind) {
  TextSnapshot s;
  s.kind = kind;
  s.dropped = page.dropped.size();
  std::map<int, int> seen;
  ForEachText(page, kind, [&](int key, const std::string&) { ++seen[key]; });
  ForEachText(page, kind, [&](int key, const std::string& text) {
    if (key > 0 && seen[key] == 1) s.texts.emplace(key, text);
  });
  return s;
}

std::string Trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// What the stage changed in the texts it kept, as Page::edits. Not listed:
// text the stage dropped with a reason (Page::dropped), and a vanished line
// or paragraph appended to a neighbour (a moved text is not new).
void RecordEdits(const std::string& stage, const TextSnapshot& before, Page& page) {
  if (before.kind == DataKind::kImage) return;
  std::map<int, std::string> after;
  std::map<int, int> seen;
  ForEachText(page, before.kind, [&](int key, const std::string&) { ++seen[key]; });
  ForEachText(page, before.kind, [&](int key, const std::string& text) {
    if (seen[key] == 1) after.emplace(key, text);
  });
  std::vector<std::string> accounted;  // dropped with a reason, or moved
  for (size_t i = before.dropped; i < page.dropped.size(); ++i) accounted.push_back(page.dropped[i].text);
  for (const auto& [key, text] : before.texts)
    if (seen.count(key) == 0) accounted.push_back(text);
  // A piece made of accounted texts end to end (a doubled phrase and its
  // doubled 。 dropped as two).
  auto account = [&](const std::string& piece) {
    std::vector<std::string> pool = accounted;
    std::string rest = Trimmed(piece);
    while (!rest.empty()) {
      auto it = std::find_if(pool.begin(), pool.end(), [&](const std::string& t) {
        const std::string tt = Trimmed(t);
        return !tt.empty() && rest.compare(0, tt.size(), tt) == 0;
      });
      if (it == pool.end()) return false;
      rest = Trimmed(rest.substr(Trimmed(*it).size()));
      pool.erase(it);
    }
    accounted = std::move(pool);
    return true;
  };
  const bool lines = before.kind == DataKind::kLines;
  int index = 0;
  std::map<int, int> paragraph_index;
  if (!lines)
    for (const Paragraph& p : page.paragraphs) paragraph_index.emplace(p.first_line, ++index);
  for (const auto& [key, old_text] : before.texts) {
    auto it = after.find(key);
    if (it == after.end() || it->second == old_text) continue;
    for (TextChange& c : DiffText(old_text, it->second)) {
      if ((c.after.empty() || c.before.empty()) && account(c.after.empty() ? c.before : c.after)) continue;
      Edit e;
      e.stage = stage;
      (lines ? e.line : e.paragraph) = lines ? key : paragraph_index[key];
      e.at = c.at;
      e.before = std::move(c.before);
      e.after = std::move(c.after);
      page.edits.push_back(std::move(e));
    }
  }
}

}  // namespace

Status Pipeline::Run(Page& page, const RunContext& ctx) const {
  // A stage that saw the deadline may have stopped early and still said
  // ok: past the deadline, the page is timed out in the stage that ran.
  auto timed_out = [&](size_t i) {
    page.info.timed_out_stage = names_[i];
    return Status(Code::kDeadlineExceeded, "timed out in stage " + names_[i]);
  };
  for (size_t i = 0; i < stages_.size() && !page.info.ocr_stopped_early; ++i) {
    if (ctx.cancel != nullptr && ctx.cancel->load())
      return Status(Code::kCancelled, "cancelled before stage " + names_[i]);
    if (ctx.past_deadline()) return timed_out(i);
    if (ctx.on_stage) ctx.on_stage(names_[i]);
    const TextSnapshot before = Snapshot(page, text_kinds_[i]);
    Status st = stages_[i]->Run(page, ctx);
    const bool really_cancelled = ctx.cancel != nullptr && ctx.cancel->load();
    if (!really_cancelled && ctx.past_deadline()) return timed_out(i);
    if (st.code() == Code::kDeadlineExceeded) page.info.timed_out_stage = names_[i];  // a bound of its own (ocr.call_timeout)
    if (!st.ok()) return Status(st.code(), names_[i] + ": " + st.message());
    RecordEdits(names_[i], before, page);
  }
  return Status::Ok();
}

Pipeline Pipeline::Slice(size_t first, size_t last) const {
  Pipeline p;
  last = std::min(last, stages_.size());
  for (size_t i = first; i < last; ++i) {
    p.names_.push_back(names_[i]);
    p.infos_.push_back(infos_[i]);
    p.stages_.push_back(stages_[i]);
    p.text_kinds_.push_back(text_kinds_[i]);
  }
  return p;
}

}  // namespace ocrflow
