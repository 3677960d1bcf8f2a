// Repeat removal (REFLOW.md rows 7 and 8).
//
// 1. A phrase doubled in place by the OCR ("活动现场气氛热烈活动现场气氛热烈。。"):
//    a run of min_phrase..max_phrase characters, with Chinese and without
//    sentence or clause punctuation in it (so "X，X，" lists stay), repeated
//    immediately; one copy is dropped. Doubled 。。 and ，， become one.
// 2. A passage duplicated from elsewhere on the page (OCR read a column twice):
//    a run of at least min_passage non-space characters that already occurred
//    earlier in the document and contains at least min_sentence_marks
//    sentence-final marks (or is at least long_passage long). Short repeats
//    and repeated phrases inside different sentences are normal writing and
//    stay: two articles may both list "园林建筑、小品、雕塑…".
//    The later copy is dropped; a leading 。 stays with the sentence before.
//    On a page read from an image (lines with boxes) only a copy whose lines
//    lie on the source's is a passage read twice; the same words printed in
//    two places both stay.
//
// Everything dropped is recorded in page.dropped with the reason.
//
// Cost: one pass with 8-gram fingerprints at anchors (after 。，；…) in a
// compact hash table: linear time, memory linear in the document.
//
// Thread safety: pure function.
#pragma once

#include "pipeline/core/document.h"
#include "pipeline/core/status.h"

namespace ocrflow::text {

struct RepeatOptions {
  int min_phrase = 6;          // characters
  int max_phrase = 40;         // characters
  int min_passage = 30;        // characters (non-space)
  int min_sentence_marks = 2;
  int long_passage = 80;       // characters: dropped regardless of sentence marks
};

Status RemoveRepeats(Page& page, const RepeatOptions& options);

}  // namespace ocrflow::text
