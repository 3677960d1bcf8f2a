#include "pipeline/app/page_wire.h"

#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

namespace ocrflow {
namespace {

using json = nlohmann::json;

json BoxJ(const Box& b) { return json::array({b.x, b.y, b.w, b.h}); }
Box BoxF(const json& j) { return Box{j.at(0).get<int>(), j.at(1).get<int>(), j.at(2).get<int>(), j.at(3).get<int>()}; }
json OptBoxJ(const std::optional<Box>& b) { return b ? BoxJ(*b) : json(nullptr); }
std::optional<Box> OptBoxF(const json& j) {
  if (j.is_null()) return std::nullopt;
  return BoxF(j);
}
json OptFloatJ(const std::optional<float>& f) { return f ? json(static_cast<double>(*f)) : json(nullptr); }
std::optional<float> OptFloatF(const json& j) {
  if (j.is_null()) return std::nullopt;
  return static_cast<float>(j.get<double>());
}

// Line::role_reason is a static string: the parent's copy lives as long
// as the process.
const char* Intern(const std::string& s) {
  static std::mutex mu;
  static std::set<std::string> strings;
  std::lock_guard<std::mutex> lock(mu);
  return strings.insert(s).first->c_str();
}

json LineJ(const Line& l) {
  json words = json::array();
  for (const Word& w : l.words) words.push_back({w.text, BoxJ(w.box), static_cast<double>(w.confidence)});
  return {{"t", l.text},         {"n", l.source_line},          {"b", OptBoxJ(l.box)},
          {"c", OptFloatJ(l.confidence)}, {"rh", OptFloatJ(l.row_height)}, {"r", static_cast<int>(l.role)},
          {"i", l.indent},       {"lw", l.layout_width},        {"rr", std::string(l.role_reason ? l.role_reason : "")},
          {"w", words}};
}
Line LineF(const json& j) {
  Line l;
  l.text = j.at("t").get<std::string>();
  l.source_line = j.at("n").get<int>();
  l.box = OptBoxF(j.at("b"));
  l.confidence = OptFloatF(j.at("c"));
  l.row_height = OptFloatF(j.at("rh"));
  l.role = static_cast<Role>(j.at("r").get<int>());
  l.indent = j.at("i").get<int>();
  l.layout_width = j.at("lw").get<double>();
  const std::string rr = j.at("rr").get<std::string>();
  l.role_reason = rr.empty() ? "" : Intern(rr);
  for (const json& w : j.at("w"))
    l.words.push_back(Word{w.at(0).get<std::string>(), BoxF(w.at(1)), static_cast<float>(w.at(2).get<double>())});
  return l;
}

json BlockJ(const Block& b) {
  json lines = json::array();
  for (const Line& l : b.lines) lines.push_back(LineJ(l));
  const ColumnShape& s = b.shape;
  return {{"l", lines},
          {"b", OptBoxJ(b.box)},
          {"bl", b.blank_lines_before},
          {"s", json::array({s.estimated, s.wrap, s.wrapped, s.latin, s.tolerance, s.measured})},
          {"lr", b.layout_role ? json(static_cast<int>(*b.layout_role)) : json(nullptr)},
          {"lrr", b.layout_reason},
          {"col", b.column},
          {"art", b.article},
          {"lang", b.lang},
          {"langr", b.lang_reason},
          {"eng", b.engine},
          {"engr", b.engine_reason}};
}
Block BlockF(const json& j) {
  Block b;
  for (const json& l : j.at("l")) b.lines.push_back(LineF(l));
  b.box = OptBoxF(j.at("b"));
  b.blank_lines_before = j.at("bl").get<int>();
  const json& s = j.at("s");
  b.shape.estimated = s.at(0).get<bool>();
  b.shape.wrap = s.at(1).get<double>();
  b.shape.wrapped = s.at(2).get<bool>();
  b.shape.latin = s.at(3).get<bool>();
  b.shape.tolerance = s.at(4).get<double>();
  b.shape.measured = s.at(5).get<bool>();
  if (!j.at("lr").is_null()) b.layout_role = static_cast<Role>(j.at("lr").get<int>());
  b.layout_reason = j.at("lrr").get<std::string>();
  b.column = j.at("col").get<int>();
  b.article = j.at("art").get<int>();
  b.lang = j.at("lang").get<std::string>();
  b.lang_reason = j.at("langr").get<std::string>();
  b.engine = j.at("eng").get<std::string>();
  b.engine_reason = j.at("engr").get<std::string>();
  return b;
}

json InfoJ(const ImageInfo& i) {
  json photos = json::array(), tables = json::array(), figures = json::array(), steps = json::array();
  for (const Box& b : i.photos) photos.push_back(BoxJ(b));
  for (const Box& b : i.tables) tables.push_back(BoxJ(b));
  for (const Box& b : i.figures) figures.push_back(BoxJ(b));
  for (const ImageStep& s : i.steps)
    steps.push_back({s.stage, json::array({s.m[0], s.m[1], s.m[2], s.m[3], s.m[4], s.m[5]}), s.width, s.height});
  return {{"src", i.source},
          {"sp", i.source_page},
          {"w", i.width},
          {"h", i.height},
          {"dpi", i.dpi},
          {"dpie", i.dpi_estimated},
          {"o", i.orientation},
          {"oc", i.orientation_confidence},
          {"on", i.orientation_note},
          {"ochk", i.orientation_check},
          {"ou", i.orientation_unconfirmed},
          {"ose", i.ocr_stopped_early},
          {"esfs", i.early_stop_for_script},
          {"sc", i.script},
          {"scc", i.script_confidence},
          {"seg", i.segmentation_note},
          {"to", i.timed_out_stage},
          {"tc", i.text_confidence},
          {"sk", i.skew_degrees},
          {"skc", i.skew_confidence},
          {"dsk", i.deskewed},
          {"skn", i.skew_note},
          {"scale", i.scale},
          {"blank", i.blank},
          {"photos", photos},
          {"tables", tables},
          {"figures", figures},
          {"steps", steps}};
}
ImageInfo InfoF(const json& j) {
  ImageInfo i;
  i.source = j.at("src").get<std::string>();
  i.source_page = j.at("sp").get<int>();
  i.width = j.at("w").get<int>();
  i.height = j.at("h").get<int>();
  i.dpi = j.at("dpi").get<double>();
  i.dpi_estimated = j.at("dpie").get<bool>();
  i.orientation = j.at("o").get<int>();
  i.orientation_confidence = j.at("oc").get<double>();
  i.orientation_note = j.at("on").get<std::string>();
  i.orientation_check = j.at("ochk").get<double>();
  i.orientation_unconfirmed = j.at("ou").get<bool>();
  i.ocr_stopped_early = j.at("ose").get<bool>();
  i.early_stop_for_script = j.at("esfs").get<bool>();
  i.script = j.at("sc").get<std::string>();
  i.script_confidence = j.at("scc").get<double>();
  i.segmentation_note = j.at("seg").get<std::string>();
  i.timed_out_stage = j.at("to").get<std::string>();
  i.text_confidence = j.at("tc").get<double>();
  i.skew_degrees = j.at("sk").get<double>();
  i.skew_confidence = j.at("skc").get<double>();
  i.deskewed = j.at("dsk").get<bool>();
  i.skew_note = j.at("skn").get<std::string>();
  i.scale = j.at("scale").get<double>();
  i.blank = j.at("blank").get<bool>();
  for (const json& b : j.at("photos")) i.photos.push_back(BoxF(b));
  for (const json& b : j.at("tables")) i.tables.push_back(BoxF(b));
  for (const json& b : j.at("figures")) i.figures.push_back(BoxF(b));
  for (const json& s : j.at("steps")) {
    ImageStep st;
    st.stage = s.at(0).get<std::string>();
    for (int k = 0; k < 6; ++k) st.m[k] = s.at(1).at(k).get<double>();
    st.width = s.at(2).get<int>();
    st.height = s.at(3).get<int>();
    i.steps.push_back(std::move(st));
  }
  return i;
}

}  // namespace

std::string EncodePage(const Page& p, const formats::PdfImage* image) {
  json blocks = json::array(), paragraphs = json::array(), dropped = json::array(), edits = json::array(),
       decisions = json::array();
  for (const Block& b : p.blocks) blocks.push_back(BlockJ(b));
  for (const Paragraph& q : p.paragraphs)
    paragraphs.push_back({q.text, static_cast<int>(q.role), q.first_line, q.last_line, q.jump_to});
  for (const Dropped& d : p.dropped) dropped.push_back({d.text, d.reason, d.first_line, d.last_line});
  for (const Edit& e : p.edits) edits.push_back({e.stage, e.line, e.paragraph, e.at, e.before, e.after});
  for (const Decision& d : p.decisions) decisions.push_back({d.line_a, d.line_b, d.join, d.rule, d.detail});
  json j = {{"number", p.number},         {"info", InfoJ(p.info)}, {"blocks", blocks},
            {"paragraphs", paragraphs},   {"dropped", dropped},    {"edits", edits},
            {"decisions", decisions},     {"warnings", p.warnings}};
  if (image != nullptr) {
    j["image"] = {{"jpeg", json::binary(std::vector<std::uint8_t>(image->jpeg.begin(), image->jpeg.end()))},
                  {"gray", json::binary(std::vector<std::uint8_t>(image->gray.begin(), image->gray.end()))},
                  {"flate", json::binary(std::vector<std::uint8_t>(image->flate.begin(), image->flate.end()))},
                  {"w", image->width},
                  {"h", image->height},
                  {"c", image->components}};
  }
  std::vector<std::uint8_t> bytes = json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

Status DecodePage(std::string_view bytes, Page* page, formats::PdfImage* image, bool* has_image) {
  try {
    json j = json::from_msgpack(bytes.begin(), bytes.end());
    Page p;
    p.number = j.at("number").get<int>();
    p.info = InfoF(j.at("info"));
    for (const json& b : j.at("blocks")) p.blocks.push_back(BlockF(b));
    for (const json& q : j.at("paragraphs")) {
      Paragraph para;
      para.text = q.at(0).get<std::string>();
      para.role = static_cast<Role>(q.at(1).get<int>());
      para.first_line = q.at(2).get<int>();
      para.last_line = q.at(3).get<int>();
      para.jump_to = q.at(4).get<std::string>();
      p.paragraphs.push_back(std::move(para));
    }
    for (const json& d : j.at("dropped"))
      p.dropped.push_back(Dropped{d.at(0).get<std::string>(), d.at(1).get<std::string>(), d.at(2).get<int>(), d.at(3).get<int>()});
    for (const json& e : j.at("edits")) {
      Edit ed;
      ed.stage = e.at(0).get<std::string>();
      ed.line = e.at(1).get<int>();
      ed.paragraph = e.at(2).get<int>();
      ed.at = e.at(3).get<int>();
      ed.before = e.at(4).get<std::string>();
      ed.after = e.at(5).get<std::string>();
      p.edits.push_back(std::move(ed));
    }
    for (const json& d : j.at("decisions")) {
      Decision dc;
      dc.line_a = d.at(0).get<int>();
      dc.line_b = d.at(1).get<int>();
      dc.join = d.at(2).get<bool>();
      dc.rule = d.at(3).get<std::string>();
      dc.detail = d.at(4).get<std::string>();
      p.decisions.push_back(std::move(dc));
    }
    p.warnings = j.at("warnings").get<std::vector<std::string>>();
    *has_image = j.contains("image");
    if (*has_image && image != nullptr) {
      const json& im = j.at("image");
      const auto& jpeg = im.at("jpeg").get_binary();
      const auto& gray = im.at("gray").get_binary();
      const auto& flate = im.at("flate").get_binary();
      image->jpeg.assign(jpeg.begin(), jpeg.end());
      image->gray.assign(gray.begin(), gray.end());
      image->flate.assign(flate.begin(), flate.end());
      image->width = im.at("w").get<int>();
      image->height = im.at("h").get<int>();
      image->components = im.at("c").get<int>();
    }
    *page = std::move(p);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(Code::kInternal, std::string("the worker process sent a page that cannot be read: ") + e.what());
  }
}

}  // namespace ocrflow
