#include "pipeline/core/document.h"

#include <algorithm>
#include <iterator>

namespace ocrflow {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kBody: return "body";
    case Role::kHeadline: return "headline";
    case Role::kSubheadline: return "subheadline";
    case Role::kByline: return "byline";
    case Role::kCaption: return "caption";
    case Role::kListItem: return "list-item";
    case Role::kBoilerplate: return "boilerplate";
    case Role::kRunningHeader: return "running-header";
    case Role::kRunningFooter: return "running-footer";
    case Role::kJump: return "jump";
    case Role::kPullQuote: return "pull-quote";
    case Role::kInset: return "inset";
  }
  return "unknown";
}

bool IsDroppedRole(Role role) {
  return role == Role::kBoilerplate || role == Role::kRunningHeader || role == Role::kRunningFooter;
}

Page PageFromPlainText(std::string_view text) {
  Page page;
  page.blocks.reserve(text.size() / 256 + 1);
  // Lines collect in a reused scratch vector; each block then gets exactly
  // its lines in one allocation (growing every block's vector line by line
  // showed in the profile).
  thread_local std::vector<Line> scratch;
  scratch.clear();
  Block current;
  int blank_run = 0;
  int line_no = 0;
  size_t pos = 0;
  auto flush = [&] {
    if (!scratch.empty()) {
      current.lines.assign(std::make_move_iterator(scratch.begin()), std::make_move_iterator(scratch.end()));
      scratch.clear();
      page.blocks.push_back(std::move(current));
      current = Block{};
    }
  };
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end == text.size() && pos == text.size()) break;  // no final empty line
    std::string_view raw = text.substr(pos, end - pos);
    ++line_no;
    pos = end + 1;
    // Leading indentation: ASCII space = 1 column, tab = 4, ideographic space = 2.
    size_t i = 0;
    int indent = 0;
    while (i < raw.size()) {
      if (raw[i] == ' ') { indent += 1; i += 1; }
      else if (raw[i] == '\t') { indent += 4; i += 1; }
      else if (raw.substr(i, 3) == "\xE3\x80\x80") { indent += 2; i += 3; }
      else break;
    }
    std::string_view body = raw.substr(i);
    while (!body.empty() && (body.back() == ' ' || body.back() == '\t' || body.back() == '\r')) {
      body.remove_suffix(1);
    }
    while (body.size() >= 3 && body.substr(body.size() - 3) == "\xE3\x80\x80") body.remove_suffix(3);
    if (body.empty()) {
      flush();
      ++blank_run;
      continue;
    }
    // A line indented deeper than the one before starts a new block: the
    // source shows a paragraph (or a heading) begins there.
    if (!scratch.empty() && indent > scratch.back().indent) flush();
    if (scratch.empty()) current.blank_lines_before = blank_run;
    blank_run = 0;
    Line line;
    line.text = std::string(body);
    line.source_line = line_no;
    line.indent = indent;
    scratch.push_back(std::move(line));
  }
  flush();
  return page;
}

std::string RenderParagraphs(const std::vector<Paragraph>& paragraphs) {
  std::string out;
  for (const auto& p : paragraphs) {
    if (p.text.empty()) continue;
    out += p.text;
    out += '\n';
  }
  return out;
}

size_t BodyColumnCount(const Page& page) {
  std::vector<int> columns;
  for (const Block& b : page.blocks)
    if (b.layout_role == Role::kBody && b.column >= 0 && std::find(columns.begin(), columns.end(), b.column) == columns.end())
      columns.push_back(b.column);
  return columns.size();
}

}  // namespace ocrflow
