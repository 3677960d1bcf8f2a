// A deterministic generator of OCR-like Chinese newspaper text, for the
// reflow benchmark and for property tests. The vocabulary is ours (model
// news prose); nothing is taken from real articles.
//
// Output imitates what OCR gives for a newspaper column: paragraphs hard-
// wrapped at a column width (first line two characters short), blank lines
// between paragraphs, column breaks that cut sentences, headlines, bylines,
// digits with stray spaces and half-width commas.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ocrflow::bench {

// The UTF-8 code points of s, one string each (s is valid UTF-8).
inline std::vector<std::string> SplitCodePoints(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

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

  static std::vector<std::string> Chars(const std::string& s) { return SplitCodePoints(s); }
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


// ---------------------------------------------------------------------------
// Clean article text for rendered sample pages (bench/pagegen). Unlike
// NewsTextGenerator above, this is the text *as printed*: full-width Chinese
// punctuation (，。：；“”（）), no stray spaces, no hard wraps. English pages
// get their own vocabulary (fictional towns and people, written by us).
//
// Deterministic from the seed on every platform: SplitMix64 plus our own
// integer/real draws (std::*_distribution differ between standard libraries).

// SplitMix64 (Steele, Lea, Flood 2014): small, fast, passes BigCrush.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (n > 0); the modulo bias is below 2^-40 for our n.
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  // Uniform integer in [lo, hi].
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  // Uniform real in [0, 1), 53 bits.
  double Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  bool Chance(double p) { return Unit() < p; }
  // Standard normal by Box-Muller (one value per call; simple over fast).
  double Normal() {
    double u1 = Unit();
    if (u1 < 1e-300) u1 = 1e-300;
    double u2 = Unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[static_cast<size_t>(Below(static_cast<int>(v.size())))]; }

 private:
  uint64_t state_;
};

struct Article {
  std::string headline;
  std::string subheadline;               // may be empty
  std::string byline;                    // "本报记者 林青" / "By Anna Whitfield"
  std::vector<std::string> paragraphs;   // body, one string per paragraph
  std::string caption;                   // photo caption; may be empty
};

// Sentence-level generator: the page layout asks for one sentence at a time
// so that it can fill a column area exactly; Make() builds a whole article.
class ArticleTextGenerator {
 public:
  // lang: "zh" (Simplified Chinese) or "en". varied: more sentence shapes
  // (quotes split by a speaker clause, numbers with units, dates and times,
  // lists, questions), more headlines, bylines and captions. varied = false
  // gives exactly the text it gave before these were added (same draws).
  ArticleTextGenerator(uint64_t seed, std::string lang, bool varied = false)
      : rng_(seed ^ 0x5DEECE66Dull), en_(lang == "en"), varied_(varied) {
    if (varied_) {
      curly_ = en_ && rng_.Chance(0.5);  // a page sets its English quotes one way
      zh_heads_ = kZhHeads;
      zh_heads_.insert(zh_heads_.end(), kZhHeadsMore.begin(), kZhHeadsMore.end());
      en_heads_ = kEnHeads;
      en_heads_.insert(en_heads_.end(), kEnHeadsMore.begin(), kEnHeadsMore.end());
    }
  }

  bool english() const { return en_; }
  bool varied() const { return varied_; }

  // Headlines of one generator do not repeat their topic (until all are used).
  std::string Headline() {
    const auto& heads = varied_ ? (en_ ? en_heads_ : zh_heads_) : (en_ ? kEnHeads : kZhHeads);
    if (used_heads_.size() >= heads.size()) used_heads_.clear();
    size_t h = static_cast<size_t>(rng_.Below(static_cast<int>(heads.size())));
    while (std::find(used_heads_.begin(), used_heads_.end(), h) != used_heads_.end()) h = (h + 1) % heads.size();
    used_heads_.push_back(h);
    if (en_) return rng_.Pick(kEnPlaces) + " " + heads[h];
    return rng_.Pick(kZhPlaces) + heads[h];
  }
  std::string Subheadline() {
    if (en_) return rng_.Pick(kEnSubheads);
    return "——" + rng_.Pick(kZhPlaces) + rng_.Pick(kZhObjects) + rng_.Pick(kZhSubheadTails);
  }
  std::string Byline() {
    if (varied_ && rng_.Chance(0.4)) return VariedByline();
    if (en_) return "By " + rng_.Pick(kEnReporters);
    switch (rng_.Below(3)) {
      case 0: return "本报记者 " + rng_.Pick(kZhReporters);
      case 1: return "本报记者 " + rng_.Pick(kZhReporters) + " 通讯员 " + rng_.Pick(kZhPeople);
      default: return "本报讯（记者 " + rng_.Pick(kZhReporters) + "）";
    }
  }
  std::string Caption() {
    if (varied_ && rng_.Chance(0.5)) return VariedCaption();
    if (en_) {
      std::string c = rng_.Pick(kEnScenes) + " in " + rng_.Pick(kEnPlaces) + ".";
      if (rng_.Chance(0.6)) c += " Photo by " + rng_.Pick(kEnReporters);
      return c;
    }
    std::string c = "图为" + rng_.Pick(kZhPlaces) + rng_.Pick(kZhScenes) + "。";
    if (rng_.Chance(0.6)) c += "本报记者 " + rng_.Pick(kZhReporters) + "摄";
    return c;
  }

  // One sentence with its final punctuation.
  // No sentence and no quotation repeats within one generator (one page):
  // a repeated passage is what the repeats stage removes as OCR duplication,
  // so the gold text must not contain one.
  std::string Sentence() {
    std::string s;
    for (int tries = 0; tries < 16; ++tries) {
      s = en_ ? EnSentence() : ZhSentence();
      if (std::find(used_sentences_.begin(), used_sentences_.end(), s) == used_sentences_.end()) break;
    }
    used_sentences_.push_back(s);
    return s;
  }

  // A paragraph of 1..4 sentences, as separate strings (concatenate for zh,
  // join with one space for en: see JoinSentences).
  std::vector<std::string> ParagraphSentences() {
    int n = 1 + rng_.Below(4);
    std::vector<std::string> s;
    for (int i = 0; i < n; ++i) s.push_back(Sentence());
    return s;
  }
  std::string JoinSentences(const std::vector<std::string>& s, size_t count) const {
    std::string out;
    for (size_t i = 0; i < count && i < s.size(); ++i) {
      if (en_ && i > 0) out += ' ';
      out += s[i];
    }
    return out;
  }

  // --- Texts of the varied layout's extra elements (any generator). ---

  // A pull quote: one quoted sentence, set large between body paragraphs.
  // Its quotations are used nowhere else, so it never repeats body text.
  std::string PullQuote() {
    if (en_) return Open() + Fresh(kEnPullQuotes) + Close();
    return "“" + Fresh(kZhPullQuotes) + "”";
  }
  // An inset box: a short title and n one-line items ("Where: ...").
  std::string InsetTitle() { return rng_.Pick(en_ ? kEnInsetTitles : kZhInsetTitles); }
  std::vector<std::string> InsetItems(int n) {
    std::vector<std::string> out;
    std::vector<size_t> used;
    const size_t kinds = 6;
    for (int i = 0; i < n && used.size() < kinds; ++i) {
      size_t k = static_cast<size_t>(rng_.Below(static_cast<int>(kinds)));
      while (std::find(used.begin(), used.end(), k) != used.end()) k = (k + 1) % kinds;
      used.push_back(k);
      out.push_back(en_ ? EnInsetItem(k) : ZhInsetItem(k));
    }
    return out;
  }
  // A jump line for the end of an article's last column.
  std::string JumpLine() {
    static const char* kZhNumerals[] = {"二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"};
    int page = rng_.Between(2, 12);
    if (en_) {
      std::string to = std::string(1, static_cast<char>('A' + rng_.Below(3))) + std::to_string(page);
      switch (rng_.Below(3)) {
        case 0: return "Continued on Page " + to;
        case 1: return "Continued on " + to;
        default: return "See " + rng_.Pick(kEnJumpWords) + ", Page " + to;
      }
    }
    switch (rng_.Below(3)) {
      case 0: return std::string("（下转第") + kZhNumerals[page - 2] + "版）";
      case 1: return "（下转第" + std::to_string(page) + "版）";
      default: return std::string("（转第") + kZhNumerals[page - 2] + "版）";
    }
  }
  // An advertisement: a big line, a small line, a phone number.
  std::vector<std::string> AdLines() {
    std::vector<std::string> out;
    if (en_) {
      out.push_back(rng_.Pick(kEnAdHeads));
      out.push_back(rng_.Pick(kEnAdLines));
      out.push_back("Call " + std::to_string(rng_.Between(201, 989)) + "-555-0" + std::to_string(rng_.Between(100, 199)));
      return out;
    }
    out.push_back(rng_.Pick(kZhAdHeads));
    out.push_back(rng_.Pick(kZhAdLines));
    out.push_back("电话：0" + std::to_string(rng_.Between(10, 999)) + "-" + std::to_string(rng_.Between(6000, 8999)) +
                  " " + std::to_string(rng_.Between(1000, 9999)));
    return out;
  }

  Article Make(int paragraphs) {
    Article a;
    a.headline = Headline();
    if (rng_.Chance(0.4)) a.subheadline = Subheadline();
    a.byline = Byline();
    for (int i = 0; i < paragraphs; ++i) {
      auto s = ParagraphSentences();
      a.paragraphs.push_back(JoinSentences(s, s.size()));
    }
    a.caption = Caption();
    return a;
  }

  Rng& rng() { return rng_; }

 private:
  std::string Number() {
    switch (rng_.Below(4)) {
      case 0: return std::to_string(rng_.Between(2, 99));
      case 1: return std::to_string(rng_.Between(100, 9999));
      case 2: return std::to_string(rng_.Between(1, 99)) + "." + std::to_string(rng_.Between(1, 9));
      default: return std::to_string(rng_.Between(10, 999));
    }
  }
  std::string ZhAmount() {
    switch (rng_.Below(6)) {
      case 0: return "累计投入资金" + Number() + "万元";
      case 1: return "惠及群众" + std::to_string(rng_.Between(2, 90) * 100) + "余人次";
      case 2: return "新增面积" + Number() + "平方米";
      case 3: return "同比增长" + std::to_string(rng_.Between(2, 40)) + "." + std::to_string(rng_.Between(0, 9)) + "%";
      case 4: return "涉及" + std::to_string(rng_.Between(3, 300)) + "家企业";
      default: return "新修道路" + Number() + "公里";
    }
  }
  std::string ZhClause() {
    std::string c = rng_.Pick(kZhVerbs) + rng_.Pick(kZhObjects);
    if (rng_.Chance(0.35)) c += "，" + ZhAmount();
    return c;
  }
  std::string ZhSentence() {
    if (varied_ && rng_.Chance(0.5)) return ZhVariedSentence();
    switch (rng_.Below(9)) {
      case 0:
      case 1:
      case 2: {
        std::string s;
        if (rng_.Chance(0.4)) s += rng_.Pick(kZhTimes) + "，";
        s += rng_.Pick(kZhSubjects) + ZhClause();
        if (rng_.Chance(0.5)) s += "，" + rng_.Pick(kZhResults);
        return s + "。";
      }
      case 3: {
        std::string who = rng_.Pick(kZhRoles) + rng_.Pick(kZhPeople);
        return who + rng_.Pick(kZhSay) + "：“" + Fresh(kZhQuotes) + "”";
      }
      case 4: {
        // Three different measures.
        size_t n = kZhMeasures.size(), m0 = rng_.Below(static_cast<int>(n));
        size_t m1 = (m0 + 1 + rng_.Below(static_cast<int>(n) - 1)) % n;
        size_t m2 = m0;
        while (m2 == m0 || m2 == m1) m2 = rng_.Below(static_cast<int>(n));
        return rng_.Pick(kZhSubjects) + rng_.Pick(kZhVerbs) + rng_.Pick(kZhObjects) + "：一是" + kZhMeasures[m0] +
               "；二是" + kZhMeasures[m1] + "；三是" + kZhMeasures[m2] + "。";
      }
      case 5:
        return rng_.Pick(kZhPlaces) + rng_.Pick(kZhObjects) + "（" + rng_.Pick(kZhNotes) + "）于" +
               std::to_string(rng_.Between(1, 12)) + "月" + std::to_string(rng_.Between(1, 28)) + "日" +
               rng_.Pick(kZhMilestones) + "，" + ZhAmount() + "。";
      case 6:
        return rng_.Pick(kZhTimes) + "，" + rng_.Pick(kZhObjects) + rng_.Pick(kZhResults) + "。";
      case 7:
        return "“" + Fresh(kZhShortQuotes) + "，”" + rng_.Pick(kZhPeople) + "笑着说，" +
               rng_.Pick(kZhAfterQuote) + "。";
      default:
        return "下一步，" + rng_.Pick(kZhSubjects) + "将" + rng_.Pick(kZhVerbs) + rng_.Pick(kZhObjects) + "，" +
               rng_.Pick(kZhVerbs) + rng_.Pick(kZhObjects) + "。";
    }
  }

  std::string EnAmount() {
    switch (rng_.Below(5)) {
      case 0: return "at a cost of $" + std::to_string(rng_.Between(1, 40)) + "." + std::to_string(rng_.Between(1, 9)) + " million";
      case 1: return "serving about " + std::to_string(rng_.Between(2, 60)) + "," + std::to_string(rng_.Between(100, 999)) + " residents";
      case 2: return "covering " + std::to_string(rng_.Between(3, 90)) + " miles of road";
      case 3: return "with " + std::to_string(rng_.Between(12, 480)) + " new jobs expected";
      default: return "up " + std::to_string(rng_.Between(2, 40)) + " percent from last year";
    }
  }
  std::string EnSentence() {
    if (varied_ && rng_.Chance(0.5)) return EnVariedSentence();
    switch (rng_.Below(8)) {
      case 0:
      case 1:
      case 2: {
        std::string s;
        bool time = rng_.Chance(0.35);
        std::string subj = rng_.Pick(kEnSubjects);
        if (time) s += rng_.Pick(kEnTimes) + ", " + subj;
        else s += static_cast<char>(std::toupper(static_cast<unsigned char>(subj[0]))) + subj.substr(1);
        s += " " + rng_.Pick(kEnVerbs) + " " + rng_.Pick(kEnObjects);
        if (rng_.Chance(0.4)) s += ", " + EnAmount();
        if (rng_.Chance(0.4)) s += ", " + rng_.Pick(kEnComplements);
        return s + ".";
      }
      case 3:
        return "\"" + Fresh(kEnQuotes) + ",\" said " + rng_.Pick(kEnPeople) + ", " + rng_.Pick(kEnRoles) + ".";
      case 4:
        return "According to " + rng_.Pick(kEnSubjects) + ", the work on " + rng_.Pick(kEnObjects) + " " +
               rng_.Pick(kEnStatus) + ".";
      case 5:
        return rng_.Pick(kEnPeople) + ", " + rng_.Pick(kEnRoles) + ", said the town " + rng_.Pick(kEnPlans) + ".";
      case 6:
        return "The project (" + rng_.Pick(kEnNotes) + ") " + rng_.Pick(kEnStatus) + "; " + rng_.Pick(kEnSubjects) +
               " " + rng_.Pick(kEnVerbs) + " " + rng_.Pick(kEnObjects) + ".";
      default:
        return "Residents will be able to comment on the plan until " + rng_.Pick(kEnMonths) + " " +
               std::to_string(rng_.Between(1, 28)) + ", and a second hearing is set for " + rng_.Pick(kEnMonths) + ".";
    }
  }

  // --- Varied prose (ArticleTextGenerator(seed, lang, true)). ---
  std::string Open() const { return curly_ ? "“" : "\""; }
  std::string Close() const { return curly_ ? "”" : "\""; }
  std::string Apos() const { return curly_ ? "’" : "'"; }

  std::string ZhDecimal(int lo, int hi) {
    return std::to_string(rng_.Between(lo, hi)) + "." + std::to_string(rng_.Between(1, 9));
  }
  std::string ZhDate() {
    int m = rng_.Between(1, 12), d = rng_.Between(1, 28);
    std::string s = std::to_string(m) + "月" + std::to_string(d) + "日";
    if (rng_.Chance(0.3)) s = std::to_string(rng_.Between(2024, 2027)) + "年" + s;
    return s;
  }
  // A shape index in [0, n) not used since all n were: a page goes through
  // every shape before it repeats one.
  int FreshShape(int n) {
    if (static_cast<int>(used_shapes_.size()) >= n) used_shapes_.clear();
    int k = rng_.Below(n);
    while (std::find(used_shapes_.begin(), used_shapes_.end(), k) != used_shapes_.end()) k = (k + 1) % n;
    used_shapes_.push_back(k);
    return k;
  }
  std::string ZhVariedSentence() {
    switch (FreshShape(12)) {
      case 0: {  // a quotation split by its speaker
        std::string who = rng_.Pick(kZhPeople);
        return "“" + Fresh(kZhQuoteHeads) + "，”" + who + rng_.Pick(kZhSplitSay) + "，“" + Fresh(kZhQuoteTails) + "。”";
      }
      case 1:  // quantities with units, and a comparison
        return rng_.Pick(kZhTimes) + "，" + rng_.Pick(kZhPlaces) + "共" + rng_.Pick(kZhQuantityVerbs) + ZhDecimal(1, 90) +
               rng_.Pick(kZhBigUnits) + "，比去年同期" + (rng_.Chance(0.7) ? "增加" : "减少") + ZhDecimal(1, 30) + "%。";
      case 2: {  // a dated event with a clock time
        int h = rng_.Between(8, 20);
        std::string t = (h < 12 ? "上午" : "下午") + std::to_string(h <= 12 ? h : h - 12) + "时";
        if (rng_.Chance(0.5)) t += std::to_string(rng_.Between(1, 5) * 10) + "分";
        return ZhDate() + t + "，" + rng_.Pick(kZhEvents) + "在" + rng_.Pick(kZhPlaces) + rng_.Pick(kZhVenues) + "举行。";
      }
      case 3: {  // a list of tasks
        size_t n = kZhTasks.size(), a = rng_.Below(static_cast<int>(n));
        size_t b = (a + 1 + rng_.Below(static_cast<int>(n) - 1)) % n, c = a;
        while (c == a || c == b) c = rng_.Below(static_cast<int>(n));
        static const char* kCounts[] = {"三", "四", "五", "六"};
        return rng_.Pick(kZhSubjects) + "列出了" + kCounts[rng_.Below(4)] + "项重点任务，包括" + kZhTasks[a] + "、" +
               kZhTasks[b] + "和" + kZhTasks[c] + "等。";
      }
      case 4:  // a question and its answer
        return rng_.Pick(kZhQuestions) + "据介绍，其中" + std::to_string(rng_.Between(30, 80)) + "%来自" +
               rng_.Pick(kZhFundSources) + "，其余由" + rng_.Pick(kZhFundSources2) + "承担。";
      case 5:  // weather, with degrees
        return "据" + rng_.Pick(kZhPlaces) + "气象台预报，" + std::to_string(rng_.Between(2, 28)) + "日起本地将有一次" +
               rng_.Pick(kZhWeather) + "过程，最低气温降至" + std::to_string(rng_.Between(-12, 6)) + "℃左右。";
      case 6:  // a document title in book-title marks
        return rng_.Pick(kZhPlaces) + "近日印发《" + rng_.Pick(kZhPolicies) + "》，明确到" +
               std::to_string(rng_.Between(2026, 2030)) + "年" + rng_.Pick(kZhGoals) + "。";
      case 7:  // a rate and percentage points
        return rng_.Pick(kZhMetrics) + "达到" + ZhDecimal(40, 98) + "%，较上年提高" + std::to_string(rng_.Between(1, 9)) +
               "." + std::to_string(rng_.Between(1, 9)) + "个百分点。";
      case 8:  // batches, ordinals
        return "其中，第一批" + std::to_string(rng_.Between(3, 40)) + "个项目已经开工，第二批预计" +
               std::to_string(rng_.Between(2, 12)) + "月底前完成招标。";
      case 9:  // a hotline
        return "市民如有疑问，可拨打服务热线" + std::to_string(rng_.Between(1000, 9999)) + "-" +
               std::to_string(rng_.Between(1000000, 9999999)) + "咨询，也可到" + rng_.Pick(kZhVenues) + "现场办理。";
      case 10:  // a span of time and a count
        return "从" + ZhDate() + "到" + ZhDate() + "，" + rng_.Pick(kZhSubjects) + "先后走访" +
               std::to_string(rng_.Between(12, 480)) + "户居民，收集意见建议" + std::to_string(rng_.Between(20, 900)) +
               "条。";
      default:  // an exclamation in a quotation, with a reaction
        return "“" + Fresh(kZhExclaims) + "！”" + rng_.Pick(kZhRoles) + rng_.Pick(kZhPeople) + "说。";
    }
  }

  std::string EnNumber() {
    switch (rng_.Below(3)) {
      case 0: return std::to_string(rng_.Between(2, 99));
      case 1: return std::to_string(rng_.Between(1, 9)) + "," + std::to_string(rng_.Between(100, 999));
      default: return std::to_string(rng_.Between(1, 60)) + "." + std::to_string(rng_.Between(1, 9));
    }
  }
  std::string EnDate() {
    return rng_.Pick(kEnMonthsShort) + " " + std::to_string(rng_.Between(1, 28)) +
           (rng_.Chance(0.4) ? ", " + std::to_string(rng_.Between(2023, 2027)) : "");
  }
  std::string EnVariedSentence() {
    switch (FreshShape(12)) {
      case 0:  // a quotation split by its speaker
        return Open() + Fresh(kEnQuoteHeads) + "," + Close() + " said " + rng_.Pick(kEnPeople) + ", " +
               rng_.Pick(kEnWhoClauses) + ". " + Open() + Fresh(kEnQuoteTails) + "." + Close();
      case 1:  // quantities with units
        return "The storm dropped " + std::to_string(rng_.Between(1, 6)) + "." + std::to_string(rng_.Between(1, 9)) +
               " inches of rain in " + rng_.Pick(kEnDurations) + ", and the " + rng_.Pick(kEnWaters) + " rose " +
               std::to_string(rng_.Between(1, 9)) + "." + std::to_string(rng_.Between(1, 9)) + " feet by " +
               rng_.Pick(kEnDays) + ".";
      case 2: {  // a date and a clock time
        int h = rng_.Between(1, 11);
        return "The " + rng_.Pick(kEnMeetings) + " is set for " + std::to_string(h) + (rng_.Chance(0.5) ? ":30" : "") +
               (rng_.Chance(0.6) ? " p.m." : " a.m.") + " on " + EnDate() + " at " + rng_.Pick(kEnVenues) + ".";
      }
      case 3: {  // a list
        size_t n = kEnItems.size(), a = rng_.Below(static_cast<int>(n));
        size_t b = (a + 1 + rng_.Below(static_cast<int>(n) - 1)) % n, c = a;
        while (c == a || c == b) c = rng_.Below(static_cast<int>(n));
        return "The plan calls for three things: " + kEnItems[a] + ", " + kEnItems[b] + " and " + kEnItems[c] + ".";
      }
      case 4:  // a question and its answer
        return rng_.Pick(kEnQuestions) + " The state will cover " + std::to_string(rng_.Between(20, 80)) +
               " percent, with the rest coming from " + rng_.Pick(kEnFundSources) + ".";
      case 5:  // money with thousands separators
        return "The district spent $" + std::to_string(rng_.Between(1, 9)) + "," + std::to_string(rng_.Between(100, 999)) +
               ",000 on " + rng_.Pick(kEnSpending) + " last year, about $" + std::to_string(rng_.Between(40, 900)) +
               " per " + rng_.Pick(kEnPer) + ".";
      case 6:  // a possessive and a vote count
        return "The " + rng_.Pick(kEnBodies) + Apos() + "s vote was " + std::to_string(rng_.Between(4, 7)) + "-" +
               std::to_string(rng_.Between(1, 3)) + ", with " + rng_.Pick(kEnPeople) + " and " + rng_.Pick(kEnPeople2) +
               " opposed.";
      case 7:  // a percent sign and a year
        return "Turnout reached " + std::to_string(rng_.Between(18, 74)) + "." + std::to_string(rng_.Between(1, 9)) +
               "%, the highest for a " + rng_.Pick(kEnSeasons) + " election since " + std::to_string(rng_.Between(1996, 2016)) +
               ".";
      case 8:  // an aside between dashes
        return "The old " + rng_.Pick(kEnBuildings) + " \xE2\x80\x94 closed since " + std::to_string(rng_.Between(1985, 2012)) +
               " \xE2\x80\x94 will house " + std::to_string(rng_.Between(8, 60)) + " apartments and " + rng_.Pick(kEnGroundFloors) +
               ".";
      case 9:  // temperatures and tons
        return "Overnight lows fell to " + std::to_string(rng_.Between(-8, 30)) + " degrees, and crews spread " +
               EnNumber() + " tons of salt on " + rng_.Pick(kEnRoadKinds) + ".";
      case 10:  // a span of dates
        return "From " + EnDate() + " to " + EnDate() + ", " + rng_.Pick(kEnSubjects) + " logged " +
               std::to_string(rng_.Between(12, 900)) + " complaints about " + rng_.Pick(kEnComplaints) + ".";
      default:  // a question in a quotation
        return Open() + Fresh(kEnAskedQuotes) + "?" + Close() + " asked " + rng_.Pick(kEnPeople2) + ", " +
               rng_.Pick(kEnRoles) + ".";
    }
  }

  std::string VariedByline() {
    if (en_) {
      switch (rng_.Below(3)) {
        case 0: return "By " + rng_.Pick(kEnReporters) + " and " + rng_.Pick(kEnReporters2);
        case 1: return "By " + rng_.Pick(kEnReporters) + ", Staff Writer";
        default: return "By " + rng_.Pick(kEnReporters2) + " | Correspondent";
      }
    }
    switch (rng_.Below(3)) {
      case 0: return "本报记者 " + rng_.Pick(kZhReporters) + " 实习生 " + rng_.Pick(kZhPeople2);
      case 1: return "文/本报记者 " + rng_.Pick(kZhReporters) + " 图/" + rng_.Pick(kZhPeople2);
      default: return "本报通讯员 " + rng_.Pick(kZhPeople2);
    }
  }
  std::string VariedCaption() {
    if (en_) {
      return rng_.Pick(kEnPeople2) + ", " + rng_.Pick(kEnCaptionActs) + " on " + rng_.Pick(kEnDays) + ". (" +
             rng_.Pick(kEnReporters2) + "/Staff)";
    }
    return rng_.Pick(kZhPeople2) + "（" + rng_.Pick(kZhCaptionPositions) + "）在" + rng_.Pick(kZhPlaces) +
           rng_.Pick(kZhCaptionActs) + "。" + rng_.Pick(kZhPeople) + "摄";
  }
  std::string ZhInsetItem(size_t kind) {
    switch (kind) {
      case 0: return "办理地点：" + rng_.Pick(kZhPlaces) + rng_.Pick(kZhVenues);
      case 1: return "开放时间：周一至周五" + std::to_string(rng_.Between(8, 9)) + "时至" + std::to_string(rng_.Between(17, 20)) + "时";
      case 2: return "咨询电话：0" + std::to_string(rng_.Between(10, 999)) + "-" + std::to_string(rng_.Between(60000000, 89999999));
      case 3: return "所需材料：身份证、户口簿及近期照片" + std::to_string(rng_.Between(1, 4)) + "张";
      case 4: return "总投资：" + std::to_string(rng_.Between(1, 90)) + "." + std::to_string(rng_.Between(1, 9)) + "亿元";
      default: return "受益群众：约" + std::to_string(rng_.Between(1, 40)) + "万人";
    }
  }
  std::string EnInsetItem(size_t kind) {
    switch (kind) {
      case 0: return "Where: " + rng_.Pick(kEnVenues);
      case 1: return "When: " + std::to_string(rng_.Between(5, 8)) + " p.m. " + rng_.Pick(kEnDays);
      case 2: return "Cost: $" + std::to_string(rng_.Between(2, 40)) + "; children free";
      case 3: return "Phone: " + std::to_string(rng_.Between(201, 989)) + "-555-0" + std::to_string(rng_.Between(100, 199));
      case 4: return "Budget: $" + std::to_string(rng_.Between(1, 90)) + "." + std::to_string(rng_.Between(1, 9)) + " million";
      default: return "Built: " + std::to_string(rng_.Between(1890, 1975)) + ", rebuilt " + std::to_string(rng_.Between(1980, 2020));
    }
  }

  // A quotation not used yet on this page (all used: start over).
  const std::string& Fresh(const std::vector<std::string>& quotes) {
    std::vector<size_t>& used = used_quotes_[&quotes];
    if (used.size() >= quotes.size()) used.clear();
    size_t q = static_cast<size_t>(rng_.Below(static_cast<int>(quotes.size())));
    while (std::find(used.begin(), used.end(), q) != used.end()) q = (q + 1) % quotes.size();
    used.push_back(q);
    return quotes[q];
  }

  Rng rng_;
  bool en_;
  bool varied_ = false;
  bool curly_ = false;  // varied English: curly quotes on this page
  std::vector<std::string> zh_heads_, en_heads_;  // varied: the old headlines and more
  std::vector<int> used_shapes_;                   // varied sentence shapes used (FreshShape)
  std::vector<size_t> used_heads_;
  std::vector<std::string> used_sentences_;
  std::map<const void*, std::vector<size_t>> used_quotes_;

  const std::vector<std::string> kZhPlaces = {"青禾县", "河湾区", "松岭镇", "东川市", "柳溪乡", "北辰区",
                                              "云杉街道", "石桥村", "南屏新区", "白鹭湾", "望江社区", "梨花镇"};
  const std::vector<std::string> kZhHeads = {"产业升级迈出新步伐", "民生实事件件落地", "冬季供暖保障有力",
                                             "乡村道路焕然一新", "科技园区项目开工", "文化活动丰富多彩",
                                             "老旧小区换新颜", "便民服务更贴心", "特色农业走出新路子",
                                             "生态修复见成效", "夜间经济活力足", "校园食堂管理再升级"};
  const std::vector<std::string> kZhSubheadTails = {"侧记", "纪实", "调查", "见闻", "观察"};
  const std::vector<std::string> kZhReporters = {"林青", "赵一帆", "孙晓岚", "周明远", "陈思齐", "顾南星", "韩笑"};
  const std::vector<std::string> kZhPeople = {"王桂兰", "李海涛", "刘晓梅", "赵启明", "许文博", "马春燕", "郑大川"};
  const std::vector<std::string> kZhRoles = {"县住建局负责人", "村民", "园区企业负责人", "社区党委书记", "镇长",
                                             "驻村工作队队员", "项目经理", "返乡创业青年"};
  const std::vector<std::string> kZhSay = {"表示", "介绍说", "告诉记者", "说"};
  const std::vector<std::string> kZhQuotes = {
      "以前办个证要跑好几趟，现在在网上点一点就办好了。",
      "今年的收成比去年好，合作社还帮我们找好了销路。",
      "路灯亮了，晚上出来散步的人也多了。",
      "项目建成后，能解决周边两千多户居民的用水问题。",
      "我们把群众的意见一条条记下来，逐项抓落实。",
      "我们将把这项工作抓紧抓实，让群众得到更多实惠。",
      "过去一到下雨天路就不好走，现在出门方便多了。",
      "下一步，我们还要继续完善配套设施，把好事办好。",
      "企业订单已经排到了明年三月，工人们干劲很足。",
      "这件事大家盼了好多年，今天终于落地了。",
      "只要方向对了，再难的事也能一步步做成。",
      "我们每周都到现场查看进度，发现问题马上整改。",
  };
  const std::vector<std::string> kZhShortQuotes = {
      "路好走了，生意也好做了",
      "老人吃饭再也不用发愁了",
      "家门口就有了好工作",
      "现在家门口就能办事了",
      "菜价稳了，心里也踏实了",
      "孩子上学再也不用绕远路",
      "冬天屋里暖和多了",
  };
  const std::vector<std::string> kZhAfterQuote = {"脸上洋溢着喜悦", "一边说一边给记者算起了细账",
                                                  "言语中满是期待", "随后又忙着招呼前来咨询的邻居"};
  const std::vector<std::string> kZhSubjects = {"县委县政府", "区住建局", "镇政府", "市交通运输局", "园区管委会",
                                                "街道社区", "乡村振兴工作队", "市场监管部门", "县教育局",
                                                "志愿服务队", "当地企业", "村党支部", "相关部门", "全体干部"};
  const std::vector<std::string> kZhVerbs = {"持续推进", "认真落实", "大力发展", "全面开展", "积极引导", "加快建设",
                                             "稳步提升", "深入实施", "统筹推进", "着力优化", "扎实做好", "不断完善"};
  const std::vector<std::string> kZhObjects = {
      "老旧小区改造工程", "农田水利设施建设", "便民服务网点布局", "特色产业培育计划", "学校食堂安全检查",
      "河道清淤整治行动", "数字化政务服务", "冬季道路除雪保障", "农村生活污水治理", "公共文化服务体系",
      "中小企业融资服务", "社区养老服务设施", "智慧停车项目", "冷链物流体系", "职业技能培训"};
  const std::vector<std::string> kZhResults = {"群众满意度明显提高", "项目进度好于预期", "各项指标稳中有升",
                                               "取得了阶段性成效", "为下一步工作打下了坚实基础",
                                               "受到居民普遍欢迎", "带动周边群众增收致富"};
  const std::vector<std::string> kZhTimes = {"今年以来", "近日", "11月下旬", "截至目前", "据了解",
                                             "记者从有关部门获悉", "上周末", "入冬以来", "今年前三季度"};
  const std::vector<std::string> kZhMeasures = {"加强统筹协调", "压实工作责任", "强化督促检查", "完善长效机制",
                                                "做好群众宣传", "优化审批流程", "加大资金投入"};
  const std::vector<std::string> kZhNotes = {"一期", "含配套设施", "见本版图片", "数据截至11月底", "二期工程"};
  const std::vector<std::string> kZhMilestones = {"正式启动", "顺利完工", "投入使用", "通过验收"};
  const std::vector<std::string> kZhScenes = {"新建成的便民服务中心", "正在施工的道路改造现场", "村民在大棚里采摘蔬菜",
                                              "志愿者为老人测量血压", "园区生产车间一角", "改造后的小区广场"};

  const std::vector<std::string> kEnPlaces = {"Riverton", "Maple Hollow", "Eastbridge", "Cedar Falls", "Northgate",
                                              "Willow Creek", "Harbor Point", "Linden Park", "Stonebrook", "Fairhaven"};
  const std::vector<std::string> kEnHeads = {"Approves New Bridge Plan", "Opens Winter Shelter Early",
                                             "Farmers Market Moves Indoors", "Schools Add Evening Classes",
                                             "Budget Talks Stall Again", "Library Expansion Breaks Ground",
                                             "Bus Routes Redrawn After Survey", "Flood Barrier Passes First Test"};
  const std::vector<std::string> kEnSubheads = {"Officials say the work should be finished by next spring",
                                                "Residents packed a two-hour hearing on Tuesday",
                                                "The plan still needs approval from the state",
                                                "Volunteers filled the gap while funding was delayed"};
  const std::vector<std::string> kEnReporters = {"Anna Whitfield", "Daniel Okafor", "Grace Lindqvist", "Tom Herrera",
                                                 "Priya Raman", "Owen McAllister"};
  const std::vector<std::string> kEnPeople = {"Maria Lowell", "James Pruitt", "Helen Sato", "Robert Vance",
                                              "Lucia Moreno", "Frank Dembski", "Alice Mercer"};
  const std::vector<std::string> kEnRoles = {"the county engineer", "a local shop owner", "the school board chair",
                                             "a retired teacher", "the town manager", "a volunteer coordinator"};
  const std::vector<std::string> kEnQuotes = {
      "It is the first time in years that the numbers have gone our way",
      "We heard every concern and changed the plan twice",
      "The bridge is older than most of the people who use it",
      "Our members voted for this by a wide margin",
      "We expect the work to be finished by spring",
      "People have waited a long time for this",
      "Nobody wants to see the road closed all winter",
      "The numbers finally add up, and that matters",
      "We will keep listening to what residents tell us",
  };
  const std::vector<std::string> kEnSubjects = {"the county council", "city planners", "local farmers",
                                                "the transit authority", "the neighborhood association",
                                                "school officials", "the parks department", "two regional banks"};
  const std::vector<std::string> kEnVerbs = {"approved", "completed", "expanded", "reviewed", "launched",
                                             "postponed", "funded", "defended"};
  const std::vector<std::string> kEnObjects = {"a plan to repair the old river bridge", "the winter road program",
                                               "a new community health clinic", "the downtown parking study",
                                               "a pilot program for school buses", "the flood barrier on Mill Street",
                                               "repairs to the public pool", "a training course for young workers"};
  const std::vector<std::string> kEnComplements = {"after months of public hearings", "ahead of schedule",
                                                   "despite rising costs", "with little debate",
                                                   "following a close vote", "as the first snow arrived"};
  const std::vector<std::string> kEnTimes = {"On Monday", "Last week", "Earlier this year", "By the end of October",
                                             "Over the summer", "Since the spring floods"};
  const std::vector<std::string> kEnStatus = {"is about two months behind", "is nearly complete",
                                              "will begin in the spring", "has cleared its last review"};
  const std::vector<std::string> kEnPlans = {"would hire two more inspectors next year",
                                             "had no plans to raise fees this winter",
                                             "would publish the full report online",
                                             "was still talking with the contractor"};
  const std::vector<std::string> kEnNotes = {"the second phase", "paid for by a state grant", "first proposed in 2019",
                                             "shown in the photo"};
  const std::vector<std::string> kEnScenes = {"Workers pour concrete for the new bridge deck",
                                              "Volunteers sort donated coats", "A bus waits at the new stop",
                                              "Children read at the library", "Farmers unload squash at the market"};
  const std::vector<std::string> kEnMonths = {"January", "February", "March", "April", "May", "June"};

  // --- Varied vocabulary (ours, invented). ---
  const std::vector<std::string> kZhHeadsMore = {"冬储蔬菜货足价稳", "社区食堂开到家门口", "城乡公交实现一票通",
                                                 "老街改造留住烟火气", "校园足球联赛开赛", "湿地公园迎来候鸟",
                                                 "夜校课程一座难求", "新能源充电桩进小区", "山区学校用上新跑道",
                                                 "防汛物资提前到位"};
  const std::vector<std::string> kZhPeople2 = {"钱雨桐", "宋立群", "欧阳明", "贺晓冬", "范思雨", "邱大勇", "冯佳"};
  const std::vector<std::string> kZhSplitSay = {"一边整理材料一边说", "指着墙上的规划图说", "停下手中的活说",
                                                "接过话头说"};
  const std::vector<std::string> kZhQuoteHeads = {"刚开始大家心里都没底", "这条路我们盼了十几年",
                                                  "以前买菜要坐半小时车", "去年这个时候还是一片荒地",
                                                  "活动室一开门就坐满了人", "我们先在两个村试了试"};
  const std::vector<std::string> kZhQuoteTails = {"现在看来这步棋走对了", "明年还要再扩大一些规模",
                                                  "下一步要把后续管护跟上", "老百姓的评价最实在",
                                                  "群众说好才是真的好", "大家的积极性一下子就上来了"};
  const std::vector<std::string> kZhExclaims = {"这下孩子放学有地方去了", "没想到手续这么快就办完了",
                                                "今年的橘子又是大丰收", "家门口就能看上专家门诊了"};
  const std::vector<std::string> kZhQuantityVerbs = {"收储秋粮", "回收废旧家电", "发放消费券", "完成植树",
                                                     "新增充电桩", "改造供水管网"};
  const std::vector<std::string> kZhBigUnits = {"万吨", "万台", "万张", "万株", "个", "公里"};
  const std::vector<std::string> kZhEvents = {"全市职业技能大赛", "首届乡村美食节", "冬季招聘会",
                                              "社区运动会", "科普开放日活动", "少儿书画展"};
  const std::vector<std::string> kZhVenues = {"体育中心", "文化广场", "会展中心", "政务服务中心",
                                              "图书馆报告厅", "职业技术学院"};
  const std::vector<std::string> kZhTasks = {"加快老旧管网改造", "新建社区托育点", "扩大公交线网覆盖",
                                             "整治背街小巷", "提升农村客运服务", "增加公共停车泊位",
                                             "完善应急避难场所"};
  const std::vector<std::string> kZhQuestions = {"资金从哪里来？", "钱怎么花？", "建好以后谁来管？",
                                                 "工期为何一再提前？"};
  const std::vector<std::string> kZhFundSources = {"上级专项补助", "地方政府债券", "社会资本投入"};
  const std::vector<std::string> kZhFundSources2 = {"区级财政", "参与企业", "村集体经济"};
  const std::vector<std::string> kZhWeather = {"降温", "雨雪", "大风降温", "寒潮"};
  const std::vector<std::string> kZhPolicies = {"城市更新三年行动方案", "养老服务体系建设规划",
                                                "农村人居环境整治提升方案", "全民健身设施补短板工程实施意见"};
  const std::vector<std::string> kZhGoals = {"基本完成城镇老旧小区改造", "实现社区养老服务全覆盖",
                                             "农村卫生厕所普及率达到95%以上", "每个街道建成一处全民健身中心"};
  const std::vector<std::string> kZhMetrics = {"全区垃圾分类覆盖率", "农产品抽检合格率", "城区绿化覆盖率",
                                               "政务服务网上可办率"};
  const std::vector<std::string> kZhCaptionPositions = {"左一", "右二", "中", "左二"};
  const std::vector<std::string> kZhCaptionActs = {"查看新建温室大棚", "为居民讲解用电安全知识",
                                                   "检查防汛物资储备", "与学生一起参加植树活动"};
  const std::vector<std::string> kZhPullQuotes = {"每一条意见都要有回音，每一件小事都要有着落。",
                                                  "路通了，心也就近了。",
                                                  "把群众的难处当成自己的事来办。",
                                                  "好的服务，是让人感觉不到麻烦。"};
  const std::vector<std::string> kZhInsetTitles = {"相关链接", "延伸阅读", "数说", "小贴士", "便民提示", "记者手记"};
  const std::vector<std::string> kZhAdHeads = {"旺铺招租", "诚聘英才", "新春特惠", "驾校招生"};
  const std::vector<std::string> kZhAdLines = {"地址：东川市滨江路88号", "详情请来电咨询", "名额有限 欲报从速",
                                               "本周六开业 全场八折"};

  const std::vector<std::string> kEnHeadsMore = {"Ferry Service Returns After Ten Years", "Clinic Extends Evening Hours",
                                                 "Council Weighs Curbside Compost", "Old Mill Gets a Second Life",
                                                 "Youth League Finds a New Field", "Snow Budget Runs Thin in January"};
  const std::vector<std::string> kEnReporters2 = {"Nora Castellanos", "Ben Whitaker", "Iris Nakamura", "Leo Brandt",
                                                  "Ada Forsythe"};
  const std::vector<std::string> kEnPeople2 = {"Carla Jennings", "Victor Hale", "Dana Ruiz", "Martin Kowal",
                                               "Ellen Brooks", "Samuel Ortiz"};
  const std::vector<std::string> kEnWhoClauses = {"who has lived on the street for 30 years",
                                                  "who runs the food pantry", "who chairs the planning board",
                                                  "whose shop sits across from the site"};
  const std::vector<std::string> kEnQuoteHeads = {"We did not expect this many people",
                                                  "Nobody here is against the bridge",
                                                  "The first winter will tell us a lot",
                                                  "Every week it gets a little easier",
                                                  "We asked for help and the town listened"};
  const std::vector<std::string> kEnQuoteTails = {"By nine we had run out of chairs",
                                                  "We just want the work done before the rains",
                                                  "Then we will know whether the design holds",
                                                  "Next year we hope to open on Saturdays too",
                                                  "Now we have to keep our side of the deal"};
  const std::vector<std::string> kEnAskedQuotes = {"Who is going to pay for the upkeep",
                                                   "Why does it take three years to fix one road",
                                                   "What happens if the grant falls through",
                                                   "Where will the buses turn around"};
  const std::vector<std::string> kEnDurations = {"six hours", "less than a day", "two nights", "a single afternoon"};
  const std::vector<std::string> kEnWaters = {"Mill River", "east channel", "harbor", "creek behind the school"};
  const std::vector<std::string> kEnDays = {"Sunday morning", "Monday", "Tuesday night", "Friday", "Saturday"};
  const std::vector<std::string> kEnMeetings = {"public hearing", "budget workshop", "ribbon cutting",
                                                "school board meeting", "open house"};
  const std::vector<std::string> kEnVenues = {"the Riverton town hall", "Eastbridge Public Library, 40 Elm St.",
                                              "the Fairhaven senior center", "Room 210 of the county building",
                                              "the Northgate fire station"};
  const std::vector<std::string> kEnMonthsShort = {"Jan.", "Feb.", "March", "April", "May", "June",
                                                   "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."};
  const std::vector<std::string> kEnItems = {"a new roof for the gym", "wider sidewalks on Elm Street",
                                             "a bus shelter near the school", "two more crossing guards",
                                             "a fence along the creek", "longer library hours"};
  const std::vector<std::string> kEnQuestions = {"Who will pay for it?", "How much will it cost?",
                                                 "What took so long?"};
  const std::vector<std::string> kEnFundSources = {"local property taxes", "a federal grant", "the town's reserve fund"};
  const std::vector<std::string> kEnSpending = {"roof repairs", "new school buses", "snow removal", "heating oil"};
  const std::vector<std::string> kEnPer = {"student", "resident", "household"};
  const std::vector<std::string> kEnBodies = {"council", "school board", "zoning board", "library board"};
  const std::vector<std::string> kEnSeasons = {"spring", "fall", "special"};
  const std::vector<std::string> kEnBuildings = {"mill", "train depot", "post office", "cannery"};
  const std::vector<std::string> kEnGroundFloors = {"a cafe", "a bakery", "a small grocery", "a bike shop"};
  const std::vector<std::string> kEnRoadKinds = {"county roads", "the bridge approaches", "school routes"};
  const std::vector<std::string> kEnComplaints = {"potholes", "late buses", "street lights", "noise from the site"};
  const std::vector<std::string> kEnCaptionActs = {"checks the new water meters", "hands out flu shots",
                                                   "tests the flood gate", "stacks chairs after the hearing"};
  const std::vector<std::string> kEnPullQuotes = {"We are not building a bridge for us. We are building it for our grandchildren.",
                                                  "Nobody moves here for the traffic.",
                                                  "The money is there. The hard part is the calendar.",
                                                  "You cannot plow a road you cannot afford to fix."};
  const std::vector<std::string> kEnInsetTitles = {"At a glance", "If you go", "By the numbers", "Key dates",
                                                   "Background"};
  const std::vector<std::string> kEnJumpWords = {"BRIDGE", "BUDGET", "SCHOOLS", "FLOOD", "MARKET"};
  const std::vector<std::string> kEnAdHeads = {"GRAND OPENING", "NOW HIRING", "WINTER SALE", "ROOMS FOR RENT"};
  const std::vector<std::string> kEnAdLines = {"All coats 30% off this week", "Drivers and warehouse staff",
                                               "Open daily 9 to 6", "Walk to the station"};
};

}  // namespace ocrflow::bench
