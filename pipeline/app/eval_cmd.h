// `ocrflow eval OUTPUT GOLD [--json]`: scores ocrflow output against ground
// truth with the metrics of pipeline/eval/eval.h (CER, paragraph-boundary
// precision/recall/F1, exact-paragraph rate).
//
// Contract of RunEval:
//   - OUTPUT and GOLD are both files, or both directories.
//   - Directories: every regular file under GOLD (recursively, sorted by
//     relative path) is scored against the file at the same relative path
//     under OUTPUT. A missing output file is reported on `err` as
//     "OUTPUT/rel: missing, scored as empty" and scored as empty output.
//     Files only under OUTPUT are ignored, with a note on `err` for each.
//   - Files are read as bytes. Invalid UTF-8 is not an error (the canonical
//     form turns it into U+FFFD); a leading UTF-8 byte-order mark is dropped,
//     since it marks the encoding and is not text.
//   - Text output on `out`: one row per file (name, CER %, P, R, F1, exact
//     rate, gold characters) and a TOTAL row, the micro average over all
//     files (eval::Accumulate). The name is the relative path, or OUTPUT as
//     given when comparing two files.
//   - JSON output on `out` (json = true):
//       {"files": [{"name", "cer", "edit_distance", "gold_chars",
//                   "output_chars", "precision", "recall", "f1",
//                   "exact_rate", "gold_paragraphs", "output_paragraphs",
//                   "exact_paragraphs", "gold_boundaries",
//                   "output_boundaries", "matched_boundaries"}, ...],
//        "total": {the same keys except "name"}}
//     "cer" is a fraction (0.05), not a percentage.
//   - Returns 0 when every file was scored. Returns 2 after writing one line
//     on `err` that names the path and the reason when a path is missing,
//     one is a file and the other a directory, a file cannot be read, or
//     GOLD is a directory without files; nothing is written to `out` then.
//   - Never throws.
//
// Thread safety: re-entrant; `out` and `err` are the caller's to share.
#pragma once

#include <ostream>
#include <string>

namespace ocrflow {

int RunEval(const std::string& output_path, const std::string& gold_path, bool json, std::ostream& out,
            std::ostream& err);

}  // namespace ocrflow
