// Quality metrics against ground truth, used by `ocrflow eval` and the
// benchmarks.
//
// Both texts follow the output contract: one paragraph per non-blank line.
// Canonical form: NFKC, every whitespace code point removed. All metrics are
// computed on code points of the canonical form.
//
//   CER            = edit distance(canonical output, canonical gold) / |canonical gold|
//                    (|gold| = 0: CER is 0 when the output is empty too, else 1)
//   boundaries     = positions between two paragraphs, as offsets into the
//                    canonical text; output boundaries are carried into gold
//                    offsets through the character alignment of the edit
//                    distance (an output offset maps to the first gold offset
//                    the alignment reaches with it, so inside a run of gold
//                    characters missing from the output, to the run's start);
//                    one that lands on a gold boundary matches, each gold
//                    boundary at most once.
//   paragraphs     = the '\n'-separated lines whose canonical form is not empty
//   precision      = matched / output boundaries (1 when there are none)
//   recall         = matched / gold boundaries   (1 when there are none)
//   F1             = harmonic mean (0 when both are 0)
//   exact rate     = gold paragraphs whose canonical text equals some output
//                    paragraph's canonical text (each output paragraph used
//                    once) / gold paragraphs (1 when the gold has none)
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ocrflow::eval {

struct Scores {
  size_t gold_chars = 0;
  size_t output_chars = 0;
  size_t edit_distance = 0;
  double cer = 0;

  size_t gold_boundaries = 0;
  size_t output_boundaries = 0;
  size_t matched_boundaries = 0;
  double precision = 1;
  double recall = 1;
  double f1 = 1;

  size_t gold_paragraphs = 0;
  size_t output_paragraphs = 0;
  size_t exact_paragraphs = 0;
  double exact_rate = 1;
};

// NFKC, whitespace removed. Invalid UTF-8 bytes become U+FFFD.
std::string Canonicalize(std::string_view text);

Scores Evaluate(std::string_view output, std::string_view gold);

// Sums the counts of `b` into `a` and recomputes the ratios (micro average).
void Accumulate(Scores& a, const Scores& b);

}  // namespace ocrflow::eval
