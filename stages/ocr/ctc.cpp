#include "stages/ocr/ctc.h"

#include <algorithm>

namespace ocrflow::ocr {

CtcReading GreedyCtc(const float* p, int steps, int classes, const std::vector<std::string>& labels) {
  CtcReading out;
  if (p == nullptr || steps <= 0 || classes <= 0) return out;
  out.steps = steps;
  double sum = 0;
  int prev = -1;
  bool prev_emitted = false;  // the previous step's class is out.chars.back()
  for (int t = 0; t < steps; ++t) {
    const float* row = p + static_cast<size_t>(t) * classes;
    const int best = static_cast<int>(std::max_element(row, row + classes) - row);
    if (best == prev) {
      if (prev_emitted) {
        CtcChar& c = out.chars.back();
        c.last_step = t;
        c.probability = std::max(c.probability, row[best]);
      }
      continue;
    }
    prev = best;
    prev_emitted = best != 0 && best < static_cast<int>(labels.size());
    if (!prev_emitted) continue;
    out.chars.push_back({best, t, t, row[best]});
    out.text += labels[best];
    sum += row[best];
  }
  out.confidence = out.chars.empty() ? 0 : sum / static_cast<double>(out.chars.size());
  return out;
}

}  // namespace ocrflow::ocr
