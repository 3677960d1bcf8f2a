#include "pipeline/app/text_job.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "stages/text/register.h"

namespace ocrflow {

void RegisterTextStagesOnce() {
  static std::once_flag once;
  std::call_once(once, [] { text::RegisterTextStages(StageRegistry::Global()); });
}

Result<TextJob> TextJob::Build(const TextJobOptions& options) {
  RegisterTextStagesOnce();
  TextJob job;
  auto names = options.stages.empty() ? text::DefaultTextStages() : options.stages;
  auto pipeline = Pipeline::Build(names, options.settings);
  if (!pipeline.ok()) return pipeline.status();
  job.pipeline_ = std::move(pipeline).value();
  job.decode_ = options.decode;
  return job;
}

Result<Page> TextJob::Run(std::string_view bytes, const RunContext& ctx) const {
  text::DecodeReport report;
  std::string storage;
  auto decoded = text::DecodeTextView(bytes, decode_, &report, storage);
  if (!decoded.ok()) return decoded.status();
  Page page = PageFromPlainText(decoded.value());
  if (report.had_bom) page.warnings.push_back("byte-order mark removed");
  if (report.crlf > 0) page.warnings.push_back(std::to_string(report.crlf) + " CR/CRLF line ends converted to LF");
  if (report.controls_removed > 0) {
    page.warnings.push_back(std::to_string(report.controls_removed) + " NUL/control bytes removed");
  }
  if (report.invalid_replaced > 0) {
    page.warnings.push_back(std::to_string(report.invalid_replaced) + " invalid UTF-8 bytes replaced by U+FFFD");
  }
  Status st = pipeline_.Run(page, ctx);
  if (!st.ok()) return st;
  return page;
}

Status TextJob::RunPage(Page& page, const RunContext& ctx) const { return pipeline_.Run(page, ctx); }

std::string RenderText(const Page& page) { return RenderParagraphs(page.paragraphs); }

nlohmann::json EditsJson(const std::vector<Edit>& edits) {
  nlohmann::json out = nlohmann::json::array();
  for (const Edit& e : edits) {
    nlohmann::json j = {{"stage", e.stage}};
    if (e.line > 0) j["line"] = e.line;
    if (e.paragraph > 0) j["paragraph"] = e.paragraph;
    j["at"] = e.at;
    j["before"] = e.before;
    j["after"] = e.after;
    out.push_back(std::move(j));
  }
  return out;
}

std::string RenderJson(const Page& page, const std::string& source, bool with_decisions) {
  using nlohmann::json;
  json j;
  j["source"] = source;
  j["paragraphs"] = json::array();
  for (const auto& p : page.paragraphs) {
    j["paragraphs"].push_back({{"text", p.text}, {"role", RoleName(p.role)}, {"lines", {p.first_line, p.last_line}}});
    if (!p.jump_to.empty()) j["paragraphs"].back()["jump_to"] = p.jump_to;
  }
  j["dropped"] = json::array();
  for (const auto& d : page.dropped) {
    j["dropped"].push_back({{"text", d.text}, {"reason", d.reason}, {"lines", {d.first_line, d.last_line}}});
  }
  j["edits"] = EditsJson(page.edits);
  j["warnings"] = page.warnings;
  if (with_decisions) {
    j["decisions"] = json::array();
    for (const auto& d : page.decisions) {
      j["decisions"].push_back({{"lines", {d.line_a, d.line_b}},
                                {"join", d.join},
                                {"rule", d.rule},
                                {"detail", d.detail}});
    }
  }
  // Text was validated as UTF-8 on the way in; `replace` guards the output anyway.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string RenderExplain(const Page& page, const std::string& source) {
  std::string out;
  for (const auto& d : page.decisions) {
    out += source + ":" + std::to_string(d.line_a) + "-" + std::to_string(d.line_b) + ": " +
           (d.join ? "join  " : "split ") + d.rule;
    if (!d.detail.empty()) out += " (" + d.detail + ")";
    out += '\n';
  }
  for (const auto& d : page.dropped) {
    out += source + ":" + std::to_string(d.first_line) + "-" + std::to_string(d.last_line) + ": drop  " + d.reason +
           ": " + d.text.substr(0, 90) + '\n';
  }
  return out;
}

Result<std::string> ReadFileBytes(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int e = errno;
    return Status(e == ENOENT ? Code::kNotFound : Code::kIoError,
                  e == ENOENT ? "no such file" : std::string("cannot stat: ") + std::strerror(e))
        .WithFile(path);
  }
  if (S_ISDIR(st.st_mode)) return Status(Code::kIoError, "is a directory, not a file").WithFile(path);
  if (!S_ISREG(st.st_mode)) return Status(Code::kIoError, "not a regular file").WithFile(path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(Code::kIoError, std::string("cannot open: ") + std::strerror(errno)).WithFile(path);
  std::string data;
  data.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (true) {
    if (got == data.size()) data.resize(data.size() * 2 + 65536);  // file grew, or /proc-like
    ssize_t r = ::read(fd, data.data() + got, data.size() - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Status(Code::kIoError, std::string("read failed: ") + std::strerror(e)).WithFile(path);
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  data.resize(got);
  return data;
}

}  // namespace ocrflow
