// Internal to CShims: OpenCV's imgcodecs, loaded the first time an image needs it.
//
// libopencv_imgcodecs pulls in about 140 shared libraries (GDAL, GDCM, poppler, HDF5, …
// behind its optional codecs); linked normally, loading them made every process start take
// about 140 ms, `loci --help` included. JPEG, the format almost every input uses, is decoded
// by libjpeg directly, so imgcodecs is opened with dlopen only when another format is decoded
// or an image is encoded, and a process that never does so never pays for it.
#pragma once
#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace loci {

/// The two imgcodecs entry points the shim calls, with the signatures of
/// `opencv2/imgcodecs.hpp` (the library is the one whose headers the shim was built with).
struct ImgCodecs {
  cv::Mat (*imdecode)(const cv::_InputArray &buffer, int flags);
  bool (*imencode)(const std::string &extension, const cv::_InputArray &image, std::vector<uchar> &buffer,
                   const std::vector<int> &parameters);
};

/// imgcodecs, opened on the first call (once per process, thread-safe). Null when the
/// library or one of its symbols cannot be found; `why` then says what was tried.
const ImgCodecs *imgCodecs(std::string &why);

} // namespace loci
