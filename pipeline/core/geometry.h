// Page coordinates back to the original image.
//
// The image stages turn (orient), rescale and rotate (deskew) the page
// before layout and OCR, so every box in Page::blocks is on that final
// canvas. Each stage records what it did as an ImageStep (document.h), an
// affine map from the canvas before it to the canvas after it; the archive
// formats (ALTO, hOCR, searchable PDF) want boxes on the image as the user
// gave it. ToOriginal maps the four corners of a box back through the
// inverse of the steps, in reverse order, and returns their axis-aligned
// bounding box clipped to the original image (ImageInfo::width x height).
//
// Pixel-edge coordinates throughout: a box {x, y, w, h} covers
// [x, x + w) x [y, y + h); the point (W, H) is the image's bottom-right
// corner. Pure, thread-safe.
#pragma once

#include "pipeline/core/document.h"

namespace ocrflow {

// A clockwise quarter turn by `degrees` (0, 90, 180, 270) of a width x
// height canvas (cv::rotate).
ImageStep TurnStep(int degrees, int width, int height);

// A resize from width x height to new_width x new_height (cv::resize).
ImageStep ScaleStep(int width, int height, int new_width, int new_height);

// A warp with OpenCV's 2x3 matrix `m` (cv::warpAffine: pixel-centre
// coordinates, source -> destination) onto a new_width x new_height canvas.
ImageStep WarpStep(const double m[6], int new_width, int new_height);

// A crop: the new canvas is the old one's rectangle at (x, y).
ImageStep CropStep(int x, int y, int new_width, int new_height);

// `box` on the page (after every step of info.steps) in the original
// image's pixels: the bounding box of its mapped corners, clipped to
// info.width x info.height (when those are known, > 0). Without steps, the
// box clipped.
Box ToOriginal(const ImageInfo& info, const Box& box);

// The size of the upright box whose bounding box, turned `degrees`, is
// w x h (a word or line standing turned on the image): quarter turns swap
// the sides, the rest solves w = uw c + uh s, h = uw s + uh c. A side the
// solution shrinks below half keeps the bounding box's (that box was no
// turned rectangle).
void UprightSize(double w, double h, double degrees, double* uw, double* uh);

// How many original pixels one page pixel spans (the steps' linear scale;
// 1 without steps): the rescale stage's factor, inverted.
double OriginalPixelsPerPagePixel(const ImageInfo& info);

}  // namespace ocrflow
