// Searchable PDF: the page image with an invisible text layer, one PDF page
// per page, sized by the image's resolution (300 dpi when unknown).
//
// The image: a JPEG input's bytes as they are (DCTDecode: no second
// compression, colour kept), else 8-bit grey pixels, Flate-compressed. The
// text: Tesseract's approach (src/api/pdfrenderer.cpp): a glyphless
// CIDFontType2 font (Tesseract's pdf.ttf, one empty glyph 500 units wide,
// every CID mapped to it), Identity-H encoding with CIDs = UTF-16 code
// units and an identity ToUnicode CMap, so a viewer copies and searches
// the real text. Text render mode 3 (invisible). Each word of the archive
// layout (archive_layout.h) is a Tj at its box's bottom-left, the font
// size its line's height, horizontally scaled (Tz) to its box's width; a
// space that follows it in the .txt is in the same Tj. On a turned or
// deskewed page (ArchivePage::text_angle) the words are set turned by that
// angle, from their upright boxes (geometry.h UprightSize), so a selection
// follows the printed lines. Words are written
// in reading order, so `pdftotext -raw` gives the .txt up to whitespace.
#pragma once

#include <string>
#include <vector>

#include "pipeline/core/status.h"
#include "pipeline/formats/archive_layout.h"

namespace ocrflow::formats {

struct PdfImage {
  std::string jpeg;                   // a whole JPEG file, embedded as is; or empty and:
  std::vector<unsigned char> gray;    // width x height 8-bit grey pixels, row-major; or
  std::string flate;                  // those pixels already compressed (CompressGray)
  int width = 0, height = 0;
  int components = 1;                 // of the JPEG: 1 grey, 3 colour (4: CMYK)
};

struct PdfPage {
  ArchivePage layout;
  PdfImage image;
};

// Replaces image.gray by its Flate stream (image.flate), so that a book's
// pages wait for the PDF compressed, not as raw pixels. False when zlib
// fails.
bool CompressGray(PdfImage& image);

// Width, height and components from a JPEG's first SOF marker; false when
// the bytes are no JPEG this can embed.
bool JpegInfo(std::string_view bytes, int* width, int* height, int* components);

// `font`: the glyphless TrueType font's bytes (GlyphlessFont()).
Result<std::string> RenderPdf(const std::vector<PdfPage>& pages, const std::string& font);

// Tesseract's pdf.ttf in `tessdata_dir`; kNotFound naming the file.
Result<std::string> GlyphlessFont(const std::string& tessdata_dir);

}  // namespace ocrflow::formats
