// The text of an archive format's file (docs/formats.md), for the tests
// that check the formats `run` and `watch` write (formats_test.cpp,
// watch_test.cpp). The rule, the same for every format: per page, per block
// (TextBlock, ocr_par), per line, per word: its text, then one space where
// the file has one (ALTO: an SP; hOCR: a space after the word's span); "\n"
// after each block. That must be the .txt exactly; so must PAGE XML's
// TextRegion texts, one a line. A PDF's text (pdftotext -raw) must be the
// .txt with all whitespace removed (NoWhitespace): pdftotext puts its own
// line ends and spaces where the words stand.
#pragma once

#include <cstdio>
#include <regex>
#include <string>
#include <utility>

namespace ocrflow::e2e {

inline std::string Unescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities)
    for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += std::string(to).size())
      s.replace(at, std::string(from).size(), to);
  return s;
}

inline std::string NoWhitespace(std::string s) {
  std::erase_if(s, [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; });
  return s;
}

// The ALTO's text by the rule above.
inline std::string AltoText(const std::string& x) {
  std::string out;
  static const std::regex kItem(R"re(<String [^>]*CONTENT="([^"]*)"|<SP |</TextBlock>)re");
  for (std::sregex_iterator it(x.begin(), x.end(), kItem), end; it != end; ++it) {
    const std::string m = (*it)[0];
    if (m.rfind("<String", 0) == 0) out += Unescape((*it)[1]);
    else if (m == "<SP ") out += ' ';
    else out += '\n';
  }
  return out;
}

// The hOCR's text by the rule above.
inline std::string HocrText(const std::string& x) {
  std::string out;
  static const std::regex kItem(R"re(<span class="ocrx_word"[^>]*>([^<]*)</span>( ?)|</p>)re");
  for (std::sregex_iterator it(x.begin(), x.end(), kItem), end; it != end; ++it) {
    if ((*it)[0] == "</p>") {
      out += '\n';
      continue;
    }
    out += Unescape((*it)[1]);
    out += (*it)[2];
  }
  return out;
}

// PAGE XML's text: each TextRegion's own TextEquiv (the last Unicode
// before </TextRegion>), "\n" after each.
inline std::string PageXmlText(const std::string& x) {
  std::string out;
  static const std::regex kRegion(R"re(<Unicode>([^<]*)</Unicode></TextEquiv>\s*</TextRegion>)re");
  for (std::sregex_iterator it(x.begin(), x.end(), kRegion), end; it != end; ++it) out += Unescape((*it)[1]) + "\n";
  return out;
}

inline std::string Command(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  *status = pclose(p);
  return out;
}

}  // namespace ocrflow::e2e
