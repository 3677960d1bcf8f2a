// PAGE XML (PRImA's 2019-07-15 schema,
// https://github.com/PRImA-Research-Lab/PAGE-XML): a PcGts document holds
// one Page, so each page of an input is a document of its own (the caller
// names the files: <name>.page.xml, or <name>-p<N>.page.xml per page of a
// multi-page input).
//
// Per page: imageFilename, imageWidth/Height (the image as given); a
// TextRegion per output paragraph (archive_layout.h) in reading order
// (ReadingOrder/OrderedGroup), its role as `type` (heading for headlines
// and subheadlines, caption, paragraph...) and in `custom`, on a turned
// or deskewed page `orientation` (ArchivePage::text_angle: the degrees
// clockwise that right the text, as ALTO's ROTATION); TextLine and
// Word with Coords (the box's four corners) and TextEquiv (Unicode; a
// word's conf 0..1). A region's TextEquiv is its paragraph's text exactly
// (the .txt line), a line's its words with the spaces the .txt has.
// Metadata's Created and LastChange: now, or SOURCE_DATE_EPOCH (seconds
// since 1970, UTC) when that is set: the same input then gives the same
// bytes in every run.
#pragma once

#include <string>
#include <vector>

#include "pipeline/formats/archive_layout.h"

namespace ocrflow::formats {

// One PAGE document per page of `pages`.
std::vector<std::string> RenderPageXml(const std::vector<ArchivePage>& pages, const std::string& source);

}  // namespace ocrflow::formats
