// Where each input's output goes under an output folder, so that every
// input gets its own output, deterministically, and nothing is overwritten
// within one run.
//
// Each input counts from a root folder: a file named on the command line
// from its own folder, a file found under a directory argument from that
// directory. The output path is the input's path below the common folder of
// all roots: `a/x.png` alone -> `x`, `a/x.png b/x.png` -> `a/x`, `b/x`;
// `scans/` -> the paths below scans/. The caller adds the extension.
#pragma once

#include <string>
#include <vector>

#include "pipeline/core/status.h"

namespace ocrflow::io {

struct InputPath {
  std::string path;  // as given or found
  std::string root;  // the folder it counts from
};

// The path of each input below the common folder of every root (lexical,
// on absolute paths; no `..` ever appears in a result).
std::vector<std::string> PathsBelowCommonFolder(const std::vector<InputPath>& inputs);

// Before any work: kInvalidArgument naming both when two inputs would
// write one output path, or naming the output when it is one of the inputs
// (nothing is ever overwritten within a run). `outputs[i]` are the paths
// input i writes; an input "-" (stdin) is no file.
Status CheckOutputsApart(const std::vector<std::string>& inputs, const std::vector<std::vector<std::string>>& outputs);

// `path` made absolute and lexically normal, without a trailing slash.
std::string AbsoluteNormal(const std::string& path);

}  // namespace ocrflow::io
