// A word list for de-hyphenation: "is inter+national a word?".
//
// Loaded lazily, once per process, from the first of:
//   $OCRFLOW_WORDLIST, /usr/share/dict/words (Debian's wamerican package,
//   installed by scripts/setup.sh).
// Words are stored lower-cased. An absent list is not an error: the
// de-hyphenation then relies on the document's own words only.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

namespace ocrflow::models {

class WordList {
 public:
  static const WordList& System();  // thread-safe lazy load
  // `word` must be lower-case ASCII/UTF-8.
  bool Contains(std::string_view word) const { return words_.count(std::string(word)) > 0; }
  size_t size() const { return words_.size(); }
  const std::string& source() const { return source_; }

  void LoadFromText(std::string_view text);  // one word per line

 private:
  std::unordered_set<std::string> words_;
  std::string source_;
};

}  // namespace ocrflow::models
