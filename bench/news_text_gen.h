// A deterministic generator of OCR-like Chinese newspaper text, for the
// reflow benchmark and for property tests. The vocabulary is ours (model
// news prose); nothing is taken from real articles.
//
// Output imitates what OCR gives for a newspaper column: paragraphs hard-
// wrapped at a column width (first line two characters short), blank lines
// between paragraphs, column breaks that cut sentences, headlines, bylines,
// digits with stray spaces and half-width commas.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ocrflow::bench {

class NewsTextGenerator {
 public:
  explicit NewsTextGenerator(uint64_t seed) : state_(seed * 2654435761u + 1) {}

  // One document of about `target_bytes`.
  std::string Document(size_t target_bytes) {
    std::string out;
    int width = 14 + static_cast<int>(Next() % 12);
    while (out.size() < target_bytes) {
      if (Next() % 6 == 0) {
        out += Pick(kPlaces);
        out += ' ';
        out += Pick(kHeads);
        out += "\n\n";
        if (Next() % 2 == 0) out += "本报记者 " + Pick(kNames) + "\n\n";
        width = 14 + static_cast<int>(Next() % 12);
      }
      std::vector<std::string> chars = Chars(Paragraph());
      // Wrap: first line two short, others full; occasionally a column break.
      size_t i = 0;
      int line_width = width - 2;
      while (i < chars.size()) {
        double w = 0;
        std::string line;
        while (i < chars.size() && w + Width(chars[i]) <= line_width) {
          w += Width(chars[i]);
          line += chars[i++];
        }
        if (line.empty()) line += chars[i++];
        out += line;
        out += '\n';
        if (i < chars.size() && Next() % 40 == 0) out += '\n';  // column break
        line_width = width;
      }
      out += '\n';
    }
    return out;
  }

 private:
  uint64_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  std::string Pick(const std::vector<std::string>& v) { return v[Next() % v.size()]; }

  std::string Paragraph() {
    std::string p;
    int sentences = 1 + static_cast<int>(Next() % 4);
    for (int s = 0; s < sentences; ++s) {
      p += Pick(kSubjects);
      int clauses = 1 + static_cast<int>(Next() % 3);
      for (int c = 0; c < clauses; ++c) {
        p += Pick(kVerbs) + Pick(kObjects);
        if (Next() % 3 == 0) {
          p += Next() % 5 == 0 ? " " : "";
          p += std::to_string(Next() % 5000);
          p += Next() % 5 == 0 ? " " : "";
          p += Pick(kUnits);
        }
        if (c + 1 < clauses) p += Next() % 8 == 0 ? "," : "，";
      }
      p += "。";
    }
    return p;
  }

  static std::vector<std::string> Chars(const std::string& s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
      out.push_back(s.substr(i, len));
      i += len;
    }
    return out;
  }
  static double Width(const std::string& ch) { return ch.size() == 1 ? 0.5 : 1.0; }

  uint64_t state_;
  const std::vector<std::string> kPlaces = {"青禾县", "河湾区", "松岭镇", "东川市", "柳溪乡", "北辰区"};
  const std::vector<std::string> kHeads = {"产业升级迈出新步伐", "民生实事件件落地", "冬季供暖保障有力",
                                           "乡村道路焕然一新", "科技园区项目开工", "文化活动丰富多彩"};
  const std::vector<std::string> kNames = {"林青", "赵一帆", "孙晓岚", "周明远", "陈思齐"};
  const std::vector<std::string> kSubjects = {"今年以来，该县", "区里", "镇政府", "相关部门", "园区企业",
                                              "街道社区", "全体干部", "志愿服务队"};
  const std::vector<std::string> kVerbs = {"持续推进", "认真落实", "大力发展", "全面开展", "积极引导",
                                           "加快建设", "稳步提升", "深入实施"};
  const std::vector<std::string> kObjects = {"老旧小区改造工程", "农田水利设施建设", "便民服务网点布局",
                                             "特色产业培育计划", "学校食堂安全检查", "河道清淤整治行动",
                                             "数字化政务服务", "冬季道路除雪保障"};
  const std::vector<std::string> kUnits = {"个", "户", "万元", "平方米", "公里", "余人次", "家"};
};

}  // namespace ocrflow::bench
