// hOCR 1.2 (http://kba.github.io/hocr-spec/1.2/) as XHTML: one file per
// input, an ocr_page per page (title: image file, bbox, ppageno), per
// output paragraph (archive_layout.h) an ocr_carea holding one ocr_par
// (lang from the text: zh when it holds Han; the carea's title has
// textangle on a turned or deskewed page), ocr_line spans where the
// source line changes, ocrx_word spans with bbox and x_wconf (0..100), in
// original image pixels. A word followed by a space in the .txt is followed
// by one space character in the file, and nothing else separates words: the
// words' texts with those spaces, "\n" after each ocr_par, are the .txt
// (ArchiveText).
#pragma once

#include <string>
#include <vector>

#include "pipeline/formats/archive_layout.h"

namespace ocrflow::formats {

std::string RenderHocr(const std::vector<ArchivePage>& pages, const std::string& source);

}  // namespace ocrflow::formats
