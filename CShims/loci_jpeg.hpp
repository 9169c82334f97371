// Internal to CShims: JPEG decoding with libjpeg's warnings attributed (loci_jpeg.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

namespace loci {

enum class JPEGOutcome { decoded, corrupt, notHandled };

/// Decodes a JPEG to 8-bit BGR (three components) or grey (one), as cv::imdecode does with
/// IMREAD_UNCHANGED. `corrupt` (with `why`) for a fatal error or damaged scan data;
/// `notHandled` for CMYK/YCCK files, left to cv::imdecode.
JPEGOutcome decodeJPEG(const uint8_t *bytes, size_t count, cv::Mat &out, std::string &why);

} // namespace loci
