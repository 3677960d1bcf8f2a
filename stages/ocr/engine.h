// Tesseract engines, one per worker thread and language set.
//
// Initialising an engine costs about 0.2 s and a few hundred MB for
// chi_sim; recognising with one engine from two threads is not allowed. So
// every thread that OCRs keeps its own engines, created on first use and
// reused for every block of every page it processes (OCR_NOTES.md: an engine
// per block makes OCR 1.4-1.8x slower).
//
// OpenMP: Tesseract parallelises inside an engine with OpenMP, which on a
// 2-core machine makes a page ~10x slower when pages already run in
// parallel. libgomp reads OMP_THREAD_LIMIT once, when it is loaded, so the
// process must be started with it: SetSingleThreadOpenMP() and main() re-execute
// the program with OMP_THREAD_LIMIT=1 when it is not set.
#pragma once

#include <memory>
#include <string>

#include <tesseract/baseapi.h>
#include <tesseract/ltrresultiterator.h>

#include "pipeline/core/status.h"

namespace ocrflow::ocr {

// The calling thread's engine for `lang` ("chi_sim+eng", "osd"), created on
// first use. `datapath` empty = Tesseract's default tessdata directory.
// Never shared between threads. Fails with the language and the directory
// when a model is missing.
Result<tesseract::TessBaseAPI*> ThreadEngine(const std::string& lang, const std::string& datapath = "");

// The last Recognize's results of an engine ThreadEngine made, in plain
// left-to-right order (Tesseract's LTRResultIterator; null when there are
// none). The public GetIterator() reorders right-to-left runs, and to do it
// every IsAtBeginningOf(line or block) and every step to the next word walks
// the page from its start: a whole page read at once (Tesseract's own
// segmentation: 3,000 words on a black-letter front page) spent a quarter
// of its CPU there. Our models (chi_sim, eng and the like) read left to
// right, so the order is the same. Only for engines from ThreadEngine.
std::unique_ptr<tesseract::LTRResultIterator> LeftToRightResults(tesseract::TessBaseAPI* api);

// The directory models are read from: `datapath`, else $TESSDATA_PREFIX,
// else Tesseract's default.
std::string TessdataDir(const std::string& datapath = "");

// Whether every model of `lang` ('+'-joined) is installed, without loading
// any: kNotFound names the missing ones and the directory looked in.
Status CheckLanguages(const std::string& lang, const std::string& datapath = "");

// Sets OMP_THREAD_LIMIT=1 unless it is already set. Returns true when it
// set it: the process must then start again (execv) for libgomp to see it;
// main() does that, once, with what else is read only at start-up.
bool SetSingleThreadOpenMP();

// Tesseract's version and the model files used, for manifests.
std::string TesseractVersion();

}  // namespace ocrflow::ocr
