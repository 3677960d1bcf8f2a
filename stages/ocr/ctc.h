// Greedy CTC decoding of a line recognizer's output (PP-OCR rec): a table of
// `steps` x `classes` probabilities, class 0 the CTC blank. At each time
// step the most probable class; repeats of a class merge, blanks separate.
//
// Confidence: the mean of the winning probability over the steps that
// emitted a character (PaddleOCR's rec score); 0 for an empty reading.
// Each character keeps the first and last time step it won, so its place on
// the line can be mapped back to pixels (step x input width / steps).
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace ocrflow::ocr {

struct CtcChar {
  int label = 0;       // class index (1..classes-1)
  int first_step = 0;  // time steps it won, inclusive
  int last_step = 0;
  float probability = 0;  // highest probability it won with
};

struct CtcReading {
  std::string text;
  double confidence = 0;  // 0..1
  std::vector<CtcChar> chars;
  int steps = 0;  // time steps of the output the chars' steps count in (0: no chars)
  // Columns of the line image the model read, before its padding (0:
  // unknown): a step covers padded width / steps of them.
  int input_width = 0;
};

// `labels[k]`: the text of class k (labels[0], the blank, is never emitted;
// a class beyond the labels is skipped).
CtcReading GreedyCtc(const float* probabilities, int steps, int classes, const std::vector<std::string>& labels);

}  // namespace ocrflow::ocr
