#include "models/wordlist.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ocrflow::models {

void WordList::LoadFromText(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string w(text.substr(start, end - start));
    start = end + 1;
    if (!w.empty() && w.back() == '\r') w.pop_back();
    if (w.empty() || w.find('\'') != std::string::npos) continue;  // skip possessives
    for (char& c : w) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    words_.insert(std::move(w));
  }
}

const WordList& WordList::System() {
  static const WordList list = [] {
    WordList l;
    const char* env = std::getenv("OCRFLOW_WORDLIST");
    for (const char* path : {env, "/usr/share/dict/words"}) {
      if (path == nullptr) continue;
      std::ifstream in(path, std::ios::binary);
      if (!in) continue;
      std::stringstream ss;
      ss << in.rdbuf();
      l.LoadFromText(ss.str());
      l.source_ = path;
      break;
    }
    return l;
  }();
  return list;
}

}  // namespace ocrflow::models
