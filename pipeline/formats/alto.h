// ALTO XML 4 (https://www.loc.gov/standards/alto/): one file per input, a
// <Page> per page, in original image pixels (MeasurementUnit pixel).
//
// Per page one PrintSpace holding a TextBlock per output paragraph in
// reading order (archive_layout.h), its role as TAGREFS to a StructureTag
// (LABEL = the role's name: headline, byline, caption...); TextLines where
// the source line changes; a String per word (CONTENT, WC = confidence
// 0..1, HPOS/VPOS/WIDTH/HEIGHT) and an SP where the .txt has a space. The
// Strings' CONTENTs with SP as " " and "\n" after each TextBlock are the
// .txt (ArchiveText); a HYP (CONTENT "-") ends a TextLine whose last Latin
// word goes on in the next one, for readers, and is not part of the text.
// A TextBlock of a turned or deskewed page has ROTATION: the degrees its
// text stands turned counterclockwise in the image (ArchivePage::text_angle).
#pragma once

#include <string>
#include <vector>

#include "pipeline/formats/archive_layout.h"

namespace ocrflow::formats {

// `source`: the input's file name (sourceImageInformation/fileName).
std::string RenderAlto(const std::vector<ArchivePage>& pages, const std::string& source);

}  // namespace ocrflow::formats
