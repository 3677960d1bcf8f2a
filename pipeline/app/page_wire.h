// One page's result between a worker process and its parent (run's
// page-level isolation, app/worker.h): the Page as the chain left it, less
// its rasters, in MessagePack, every field as it was (doubles bit for bit),
// so that the parent renders exactly the bytes the in-process run renders.
// With it, when a PDF is asked for, the page's image as the PDF embeds it
// (made in the worker: the input is decoded there, never in the parent).
#pragma once

#include <string>

#include "pipeline/core/document.h"
#include "pipeline/core/status.h"
#include "pipeline/formats/pdf.h"

namespace ocrflow {

// `image` may be null (no PDF asked for).
std::string EncodePage(const Page& page, const formats::PdfImage* image);
// Fails on bytes EncodePage did not make. `image` receives the PDF image
// when there is one (has_image true).
Status DecodePage(std::string_view bytes, Page* page, formats::PdfImage* image, bool* has_image);

}  // namespace ocrflow
