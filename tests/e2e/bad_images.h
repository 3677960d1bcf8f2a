// Image bytes for bad-input tests, shared by the run and watch e2e tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

namespace ocrflow::e2e {

inline uint32_t Crc32(const unsigned char* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

// A small valid PNG whose header claims width x height (a decompression
// bomb's header, without the bomb).
inline std::string PngClaiming(uint32_t width, uint32_t height) {
  std::vector<unsigned char> buf;
  cv::imencode(".png", cv::Mat(8, 8, CV_8UC1, cv::Scalar(255)), buf);
  auto put = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) buf[at + i] = static_cast<unsigned char>(v >> (24 - 8 * i));
  };
  put(16, width);
  put(20, height);
  put(29, Crc32(buf.data() + 12, 17));  // IHDR type + data
  return std::string(buf.begin(), buf.end());
}

}  // namespace ocrflow::e2e
