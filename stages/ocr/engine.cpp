#include "stages/ocr/engine.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

namespace ocrflow::ocr {
namespace {

struct EngineDeleter {
  void operator()(tesseract::TessBaseAPI* api) const {
    api->End();
    delete api;
  }
};

// Serialises Init(): model loading touches process-wide tables in
// Tesseract 5.3 (dawg cache), and it is rare.
std::mutex& InitMutex() {
  static std::mutex m;
  return m;
}

}  // namespace

std::string TessdataDir(const std::string& datapath) {
  if (!datapath.empty()) return datapath;
  const char* env = std::getenv("TESSDATA_PREFIX");
  if (env != nullptr && *env != 0) return env;
  return "/usr/share/tesseract-ocr/5/tessdata";
}

Status CheckLanguages(const std::string& lang, const std::string& datapath) {
  const std::string dir = TessdataDir(datapath);
  std::string missing;
  size_t start = 0;
  while (start <= lang.size()) {
    size_t plus = lang.find('+', start);
    std::string one = lang.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
    if (one.empty() || !std::filesystem::exists(dir + "/" + one + ".traineddata")) {
      missing += (missing.empty() ? "" : ", ") + (one.empty() ? std::string("(empty name)") : one);
    }
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  if (missing.empty()) return Status::Ok();
  return Status(Code::kNotFound, "Tesseract could not load language '" + lang + "' from " + dir + " (missing: " +
                                     missing + "; install tesseract-ocr-<lang> or pass --tessdata)");
}

namespace {

// TessBaseAPI with its left-to-right iterator reachable (protected there).
class Engine : public tesseract::TessBaseAPI {
 public:
  using tesseract::TessBaseAPI::GetLTRIterator;
};

}  // namespace

std::unique_ptr<tesseract::LTRResultIterator> LeftToRightResults(tesseract::TessBaseAPI* api) {
  return std::unique_ptr<tesseract::LTRResultIterator>(static_cast<Engine*>(api)->GetLTRIterator());
}

Result<tesseract::TessBaseAPI*> ThreadEngine(const std::string& lang, const std::string& datapath) {
  thread_local std::map<std::string, std::unique_ptr<tesseract::TessBaseAPI, EngineDeleter>> engines;
  const std::string key = datapath + "|" + lang;
  auto it = engines.find(key);
  if (it != engines.end()) return it->second.get();
  std::unique_ptr<tesseract::TessBaseAPI, EngineDeleter> api(new Engine);
  int rc;
  {
    std::lock_guard<std::mutex> lock(InitMutex());
    // osd.traineddata holds only the legacy engine's model.
    const auto oem = lang == "osd" ? tesseract::OEM_TESSERACT_ONLY : tesseract::OEM_LSTM_ONLY;
    rc = api->Init(datapath.empty() ? nullptr : datapath.c_str(), lang.c_str(), oem);
  }
  if (rc != 0) {
    // Init fails without saying which model; name what we looked for.
    Status missing = CheckLanguages(lang, datapath);
    if (!missing.ok()) return missing;
    return Status(Code::kNotFound, "Tesseract could not load language '" + lang + "' from " + TessdataDir(datapath));
  }
  // Quiet: warnings such as "Invalid resolution" go nowhere; we always set
  // the resolution ourselves.
  api->SetVariable("debug_file", "/dev/null");
  // Recognize() ends with Tesseract's paragraph detection, which reads every
  // line's text again through the BiDi ResultIterator (quadratic in a
  // block's lines: 8 % of the CPU on a newspaper page read with Tesseract's
  // segmentation). ocrflow never asks for Tesseract's paragraphs (reflow
  // finds its own), so it is left to the geometry-only pass that runs
  // before recognition. The text read is the same.
  api->SetVariable("paragraph_text_based", "0");
  auto* raw = api.get();
  engines.emplace(key, std::move(api));
  return raw;
}

bool SetSingleThreadOpenMP() {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return false;
  setenv("OMP_THREAD_LIMIT", "1", 1);
  return true;
}

std::string TesseractVersion() { return tesseract::TessBaseAPI::Version(); }

}  // namespace ocrflow::ocr
