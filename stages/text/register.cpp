#include "stages/text/register.h"

#include "stages/text/boilerplate.h"
#include "stages/text/classify.h"
#include "stages/text/fragments.h"
#include "stages/text/ocr_fixes.h"
#include "stages/text/reflow.h"
#include "stages/text/repeats.h"
#include "stages/text/unicode_clean.h"
#include "stages/text/wrap_width.h"

namespace ocrflow::text {
namespace {

std::vector<OptionField<NormalizeOptions>> NormalizeFields() {
  return {
      {"punctuation", &NormalizeOptions::punctuation, "half-width , : ; ( ) ! ? inside Chinese become full-width", ""},
      {"spaces", &NormalizeOptions::spaces, "remove spaces between digits/Latin and Chinese; collapse runs", ""},
  };
}

std::vector<OptionField<ClassifyOptions>> ClassifyFields() {
  return {
      {"short_fraction", &ClassifyOptions::short_fraction, "headline/caption lines are shorter than this part of the wrap width", "fraction"},
      {"short_unknown", &ClassifyOptions::short_unknown, "'short' when the wrap width is unknown", "em"},
      {"headline_max", &ClassifyOptions::headline_max, "a punctuation-free single line up to this width is a headline", "em"},
      {"headline_max_lines", &ClassifyOptions::headline_max_lines, "most lines in a headline block", "lines"},
      {"caption_max_lines", &ClassifyOptions::caption_max_lines, "most lines in a caption block", "lines"},
      {"fix_section_numbers", &ClassifyOptions::fix_section_numbers, "repair doubled section numbers (11 -> 1) when the sequence shows it", ""},
      {"heading_row_ratio", &ClassifyOptions::heading_row_ratio,
       "a body line whose type (OCR row height) is this many times the page's body type is a heading of its own (0: off)", "ratio"},
  };
}

std::vector<OptionField<ReflowOptions>> ReflowFields() {
  return {
      {"short_gap", &ReflowOptions::short_gap, "a sentence-final line this much short of full width ends its paragraph", "em"},
      {"latin_short_gap", &ReflowOptions::latin_short_gap, "the same for Latin blocks", "fraction of wrap"},
      {"full_gap", &ReflowOptions::full_gap, "a line within this of the wrap width counts as full", "em"},
      {"indent", &ReflowOptions::indent, "paragraph indent lost by OCR", "em"},
      {"dehyphenate", &ReflowOptions::dehyphenate, "remove Latin line-end hyphens when the joined word is a word", ""},
  };
}

std::vector<OptionField<RepeatOptions>> RepeatFields() {
  return {
      {"min_phrase", &RepeatOptions::min_phrase, "shortest phrase doubled in place that is repaired", "chars"},
      {"max_phrase", &RepeatOptions::max_phrase, "longest phrase doubled in place that is repaired", "chars"},
      {"min_passage", &RepeatOptions::min_passage, "shortest duplicated passage that is dropped", "chars"},
      {"min_sentence_marks", &RepeatOptions::min_sentence_marks, "sentence-final marks a passage needs to count as duplicated", "marks"},
      {"long_passage", &RepeatOptions::long_passage, "passages this long are dropped whatever their marks", "chars"},
  };
}

std::vector<OptionField<BoilerplateOptions>> BoilerplateFields() {
  return {
      {"extra_rules", &BoilerplateOptions::extra_rules, "a rule file to add to models/boilerplate/zh_web.tsv (same format)", "path"},
  };
}

class BoilerplateStage : public Stage {
 public:
  explicit BoilerplateStage(std::shared_ptr<const BoilerplateMatcher> m) : matcher_(std::move(m)) {}
  Status Run(Page& page, const RunContext&) const override { return RemoveBoilerplate(page, *matcher_); }

 private:
  std::shared_ptr<const BoilerplateMatcher> matcher_;
};

}  // namespace

void RegisterTextStages(StageRegistry& registry) {
  registry.Register(MakeStageInfo<NormalizeOptions>(
      "normalize", "Unicode clean-up of every line: width, punctuation inside Chinese, digit/Latin-Chinese spaces",
      DataKind::kLines, DataKind::kLines, NormalizeFields(),
      [](Page& page, const NormalizeOptions& o, const RunContext&) { return NormalizePage(page, o); }));

  StageInfo boiler;
  boiler.name = "boilerplate";
  boiler.help = "drops web boilerplate and running headers/footers (rules in models/boilerplate/)";
  boiler.input = DataKind::kLines;
  boiler.output = DataKind::kLines;
  boiler.options = DescribeOptions(BoilerplateFields());
  boiler.make = [](const StageSettings& settings) -> Result<std::unique_ptr<Stage>> {
    auto o = ParseStageOptions<BoilerplateOptions>("boilerplate", BoilerplateFields(), settings);
    if (!o.ok()) return o.status();
    std::vector<std::string> extra;
    if (!o->extra_rules.empty()) extra.push_back(o->extra_rules);
    auto matcher = BoilerplateMatcher::Load(extra);
    if (!matcher.ok()) return matcher.status();
    return std::unique_ptr<Stage>(new BoilerplateStage(matcher.value()));
  };
  registry.Register(std::move(boiler));

  registry.Register(MakeStageInfo<ClassifyOptions>(
      "classify", "assigns each line a role: body, headline, subheadline, byline, caption, list item",
      DataKind::kLines, DataKind::kLines, ClassifyFields(),
      [](Page& page, const ClassifyOptions& o, const RunContext&) {
        return ClassifyLines(page, o);
      }));

  registry.Register(GlyphsStageInfo());
  registry.Register(LayoutRolesStageInfo());
  registry.Register(QuotesStageInfo());

  registry.Register(MakeStageInfo<ReflowOptions>(
      "reflow", "joins wrapped lines into paragraphs; splits where the text shows a paragraph ends",
      DataKind::kLines, DataKind::kParagraphs, ReflowFields(),
      [](Page& page, const ReflowOptions& o, const RunContext& ctx) {
        return Reflow(page, o, ctx);
      }));

  registry.Register(MakeStageInfo<RepeatOptions>(
      "repeats", "drops passages the OCR duplicated and phrases doubled in place",
      DataKind::kParagraphs, DataKind::kParagraphs, RepeatFields(),
      [](Page& page, const RepeatOptions& o, const RunContext&) { return RemoveRepeats(page, o); }));

  registry.Register(MakeStageInfo<FragmentOptions>(
      "fragments", "drops table and chart text: runs of tiny paragraphs without punctuation",
      DataKind::kParagraphs, DataKind::kParagraphs,
      std::vector<OptionField<FragmentOptions>>{
          {"min_run", &FragmentOptions::min_run, "paragraphs in a row that make a table or chart (0: off)", "paragraphs"},
          {"max_chars", &FragmentOptions::max_chars, "longest fragment", "chars"},
      },
      [](Page& page, const FragmentOptions& o, const RunContext&) { return DropFragmentRuns(page, o); }));
}

std::vector<std::string> DefaultTextStages() { return {"normalize", "boilerplate", "classify", "reflow", "repeats"}; }

std::vector<std::string> DefaultOcrTextStages() {
  return {"glyphs", "normalize", "boilerplate", "classify", "layout_roles", "reflow", "repeats", "fragments", "quotes"};
}

}  // namespace ocrflow::text
