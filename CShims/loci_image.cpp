// Image decoding and encoding through OpenCV's imgcodecs (loaded on first use, see
// loci_imgcodecs.hpp), JPEG decoding through libjpeg.
//
// Decoding reads the bytes first so that a missing file, an unknown format and a
// corrupt file get three different statuses (cv::imread alone says none of this), and
// checks JPEG/PNG end markers, because libjpeg "decodes" a truncated JPEG by padding it
// with grey and only prints a warning. The pixel grid the header declares is checked
// against the caller's limit before cv::imdecode allocates it (decompression bombs).
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "loci_error.hpp"
#include "loci_image_format.hpp"
#include "loci_imgcodecs.hpp"
#include "loci_jpeg.hpp"

struct loci_image {
  int32_t width = 0, height = 0, channels = 0, bits = 0;
  std::vector<float> pixels;
};

struct loci_buffer {
  std::vector<uint8_t> bytes;
};

namespace {

/// A JPEG is complete when an EOI marker (FF D9) follows its last start-of-scan (FF DA).
/// Inside entropy-coded data FF is always stuffed (FF 00) or a restart marker, so both
/// markers are unambiguous.
bool jpegIsComplete(const uint8_t *b, size_t n) {
  size_t lastScan = 0;
  for (size_t i = 0; i + 1 < n; ++i)
    if (b[i] == 0xFF && b[i + 1] == 0xDA) lastScan = i;
  if (lastScan == 0) return false;
  for (size_t i = lastScan + 2; i + 1 < n; ++i)
    if (b[i] == 0xFF && b[i + 1] == 0xD9) return true;
  return false;
}

/// A PNG is complete when it holds an IEND chunk.
bool pngIsComplete(const uint8_t *b, size_t n) {
  if (n < 20) return false;
  size_t from = n > 64 ? n - 64 : 8;
  for (size_t i = from; i + 4 <= n; ++i)
    if (std::memcmp(b + i, "IEND", 4) == 0) return true;
  return false;
}

/// cv::imdecode, with what OpenCV prints on std::cerr captured instead of printed. When a
/// decoder throws, imdecode catches it and writes "imdecode_(''): can't read data: …" to
/// std::cerr, a line no one can attribute once several images decode in parallel; here it
/// becomes part of the image's own error. std::cerr is one stream for the process, so the
/// redirection is held under a lock (decoding these formats is a small part of featurize).
cv::Mat decodeWithOpenCV(const loci::ImgCodecs &codecs, const cv::Mat &encoded, std::string &said) {
  static std::mutex cerrLock;
  std::lock_guard<std::mutex> guard(cerrLock);
  std::ostringstream sink;
  struct Restore {
    std::streambuf *previous;
    ~Restore() { std::cerr.rdbuf(previous); }
  } restore{std::cerr.rdbuf(sink.rdbuf())};
  cv::Mat decoded = codecs.imdecode(encoded, cv::IMREAD_UNCHANGED);
  said = sink.str();
  // Keep OpenCV's reason, not its framing: "…: can't read data: REASON in function '…'".
  const std::string marker = "can't read data: ";
  if (auto at = said.find(marker); at != std::string::npos) said = said.substr(at + marker.size());
  // cv::Exception's text: "OpenCV(4.6.0) FILE:LINE: error: (-2:Unspecified error) WHAT in function 'F'".
  if (auto at = said.find("error: ("); at != std::string::npos) {
    if (auto close = said.find(") ", at); close != std::string::npos) said = said.substr(close + 2);
  }
  if (auto at = said.find(" in function"); at != std::string::npos) said.resize(at);
  while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
  return decoded;
}

/// Bytes per pixel of the widest encoding decoded (float RGBA TIFF): a file larger than
/// this many bytes per allowed pixel, plus a header allowance, cannot be within the limit.
constexpr int64_t maxBytesPerPixel = 16;
constexpr int64_t headerAllowance = 1 << 20;

bool fileTooLargeForLimit(int64_t bytes, int64_t maxPixels) {
  return maxPixels > 0 && bytes > maxBytesPerPixel * maxPixels + headerAllowance;
}

loci_status decode(const uint8_t *bytes, size_t count, int64_t maxPixels, bool openCVOnly, loci_image **out) {
  if (!out) return loci::fail(LOCI_ERR_ARGUMENT, "null output pointer");
  *out = nullptr;
  if (count == 0) return loci::fail(LOCI_ERR_FORMAT, "empty file (0 bytes)");
  if (fileTooLargeForLimit(static_cast<int64_t>(count), maxPixels))
    return loci::fail(LOCI_ERR_TOO_LARGE, std::to_string(count) + " bytes, more than any image of at most " +
                                              std::to_string(maxPixels) + " pixels needs");
  using loci::ImageFormat;
  ImageFormat format = loci::sniffImageFormat(bytes, count);
  const char *formatName = loci::imageFormatName(format);
  if (format == ImageFormat::unknown)
    return loci::fail(LOCI_ERR_FORMAT,
                      "not a recognised image format (expected JPEG, PNG, PNM, TIFF, BMP or WebP)");
  if (format == ImageFormat::jpeg && !jpegIsComplete(bytes, count))
    return loci::fail(LOCI_ERR_CORRUPT, "truncated JPEG data (no end-of-image marker after the last scan)");
  if (format == ImageFormat::png && !pngIsComplete(bytes, count))
    return loci::fail(LOCI_ERR_CORRUPT, "truncated PNG data (no IEND chunk)");

  int64_t width = 0, height = 0;
  std::string why;
  if (!loci::readImageHeaderSize(format, bytes, count, width, height, why)) return loci::fail(LOCI_ERR_CORRUPT, why);
  if (width <= 0 || height <= 0)
    return loci::fail(LOCI_ERR_CORRUPT, std::string(formatName) + " header declares an empty image (" +
                                            std::to_string(width) + " x " + std::to_string(height) + ")");
  if (maxPixels > 0 && width * height > maxPixels)
    return loci::fail(LOCI_ERR_TOO_LARGE, std::string(formatName) + " header declares " + std::to_string(width) +
                                              " x " + std::to_string(height) + " pixels, more than the limit of " +
                                              std::to_string(maxPixels));

  cv::Mat decoded;
  loci::JPEGOutcome jpeg = loci::JPEGOutcome::notHandled;
  if (format == ImageFormat::jpeg && !openCVOnly) {
    jpeg = loci::decodeJPEG(bytes, count, decoded, why);
    if (jpeg == loci::JPEGOutcome::corrupt) return loci::fail(LOCI_ERR_CORRUPT, why);
  }
  std::string openCVSays;
  if (jpeg == loci::JPEGOutcome::notHandled) {
    std::string unavailable;
    const loci::ImgCodecs *codecs = loci::imgCodecs(unavailable);
    if (!codecs) return loci::fail(LOCI_ERR_INTERNAL, "cannot decode " + std::string(formatName) + ": " + unavailable);
    cv::Mat encoded(1, static_cast<int>(count), CV_8U, const_cast<uint8_t *>(bytes));
    try {
      decoded = decodeWithOpenCV(*codecs, encoded, openCVSays);
    } catch (const cv::Exception &e) {
      return loci::fail(LOCI_ERR_CORRUPT, std::string("corrupt ") + formatName + " data: " + e.what());
    }
  }
  if (decoded.empty() || decoded.cols <= 0 || decoded.rows <= 0)
    return loci::fail(LOCI_ERR_CORRUPT, std::string("corrupt or truncated ") + formatName + " data" +
                                            (openCVSays.empty() ? "" : " (" + openCVSays + ")"));
  if (maxPixels > 0 && static_cast<int64_t>(decoded.total()) > maxPixels)
    return loci::fail(LOCI_ERR_TOO_LARGE, std::string(formatName) + " decoded to " + std::to_string(decoded.cols) +
                                              " x " + std::to_string(decoded.rows) + " pixels, more than the limit");

  int channels = decoded.channels();
  int bits = 8;
  switch (decoded.depth()) {
  case CV_8U: case CV_8S: bits = 8; break;
  case CV_16U: case CV_16S: bits = 16; break;
  default: bits = 32; break;
  }
  cv::Mat grey;
  if (channels == 1) grey = decoded;
  else if (channels == 3) cv::cvtColor(decoded, grey, cv::COLOR_BGR2GRAY);
  else if (channels == 4) cv::cvtColor(decoded, grey, cv::COLOR_BGRA2GRAY);
  else if (channels == 2) { std::vector<cv::Mat> planes; cv::split(decoded, planes); grey = planes[0]; }
  else return loci::fail(LOCI_ERR_CORRUPT, "unsupported channel count " + std::to_string(channels));

  // Divide (rather than multiply by a reciprocal) so that v/255 is correctly rounded.
  double divisor = 1.0;
  switch (grey.depth()) {
  case CV_8U: divisor = 255.0; break;
  case CV_16U: divisor = 65535.0; break;
  case CV_8S: divisor = 127.0; break;
  case CV_16S: divisor = 32767.0; break;
  default: divisor = 1.0; break; // float TIFFs are taken as already in [0, 1]
  }
  auto image = new loci_image();
  image->width = grey.cols;
  image->height = grey.rows;
  image->channels = channels;
  image->bits = bits;
  image->pixels.resize(static_cast<size_t>(grey.cols) * grey.rows);
  cv::Mat target(grey.rows, grey.cols, CV_32F, image->pixels.data());
  grey.convertTo(target, CV_32F);
  if (divisor != 1.0) {
    const float d = static_cast<float>(divisor);
    for (float &v : image->pixels) v /= d;
  }
  cv::min(target, 1.0, target);
  cv::max(target, 0.0, target);
  *out = image;
  return loci::ok();
}

} // namespace

extern "C" {

loci_status loci_image_decode_file(const char *path, int64_t max_pixels, loci_image **out) {
  return loci::guarded("decode", [&]() -> loci_status {
    if (!path) return loci::fail(LOCI_ERR_ARGUMENT, "null path");
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) return loci::fail(LOCI_ERR_IO, std::string("cannot open: ") + std::strerror(errno));
    std::streamoff size = file.tellg();
    if (size < 0) return loci::fail(LOCI_ERR_IO, "cannot read (is it a directory?)");
    if (fileTooLargeForLimit(size, max_pixels))
      return loci::fail(LOCI_ERR_TOO_LARGE, std::to_string(size) + " bytes, more than any image of at most " +
                                                std::to_string(max_pixels) + " pixels needs");
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    file.seekg(0);
    if (size > 0 && !file.read(reinterpret_cast<char *>(bytes.data()), size))
      return loci::fail(LOCI_ERR_IO, std::string("read failed: ") + std::strerror(errno));
    return decode(bytes.data(), bytes.size(), max_pixels, false, out);
  });
}

loci_status loci_image_decode_memory(const uint8_t *bytes, size_t count, int64_t max_pixels, loci_image **out) {
  return loci::guarded("decode", [&]() -> loci_status {
    if (!bytes && count > 0) return loci::fail(LOCI_ERR_ARGUMENT, "null bytes");
    return decode(bytes, count, max_pixels, false, out);
  });
}

loci_status loci_image_decode_memory_opencv(const uint8_t *bytes, size_t count, loci_image **out) {
  return loci::guarded("decode", [&]() -> loci_status {
    if (!bytes && count > 0) return loci::fail(LOCI_ERR_ARGUMENT, "null bytes");
    return decode(bytes, count, 0, true, out);
  });
}

int32_t loci_image_width(const loci_image *image) { return image ? image->width : 0; }
int32_t loci_image_height(const loci_image *image) { return image ? image->height : 0; }
int32_t loci_image_source_channels(const loci_image *image) { return image ? image->channels : 0; }
int32_t loci_image_source_bits(const loci_image *image) { return image ? image->bits : 0; }
const float *loci_image_pixels(const loci_image *image) { return image ? image->pixels.data() : nullptr; }
void loci_image_free(loci_image *image) { delete image; }

const uint8_t *loci_buffer_bytes(const loci_buffer *buffer) { return buffer ? buffer->bytes.data() : nullptr; }
size_t loci_buffer_count(const loci_buffer *buffer) { return buffer ? buffer->bytes.size() : 0; }
void loci_buffer_free(loci_buffer *buffer) { delete buffer; }

loci_status loci_image_encode(const uint8_t *pixels, int32_t width, int32_t height, int32_t channels,
                              const char *extension, int32_t quality, loci_buffer **out) {
  return loci::guarded("encode", [&]() -> loci_status {
    if (!pixels || !extension || !out) return loci::fail(LOCI_ERR_ARGUMENT, "null argument");
    if (width <= 0 || height <= 0) return loci::fail(LOCI_ERR_ARGUMENT, "empty image");
    if (channels != 1 && channels != 3) return loci::fail(LOCI_ERR_ARGUMENT, "channels must be 1 or 3");
    std::string ext(extension);
    if (ext != ".png" && ext != ".jpg" && ext != ".jpeg" && ext != ".bmp" && ext != ".tif" && ext != ".tiff" &&
        ext != ".webp" && ext != ".pgm" && ext != ".ppm")
      return loci::fail(LOCI_ERR_ARGUMENT,
                        "unsupported output format '" + ext + "' (use .png, .jpg, .bmp, .tif, .webp, .pgm or .ppm)");
    std::string unavailable;
    const loci::ImgCodecs *codecs = loci::imgCodecs(unavailable);
    if (!codecs) return loci::fail(LOCI_ERR_INTERNAL, "cannot encode " + ext + ": " + unavailable);
    cv::Mat source(height, width, channels == 3 ? CV_8UC3 : CV_8UC1, const_cast<uint8_t *>(pixels));
    cv::Mat bgr;
    if (channels == 3) cv::cvtColor(source, bgr, cv::COLOR_RGB2BGR);
    else bgr = source;
    std::vector<int> params;
    if (ext == ".jpg" || ext == ".jpeg") params = {cv::IMWRITE_JPEG_QUALITY, quality};
    if (ext == ".webp") params = {cv::IMWRITE_WEBP_QUALITY, 101}; // > 100: lossless
    auto buffer = new loci_buffer();
    if (!codecs->imencode(ext, bgr, buffer->bytes, params)) {
      delete buffer;
      return loci::fail(LOCI_ERR_INTERNAL, "cv::imencode failed for " + ext);
    }
    *out = buffer;
    return loci::ok();
  });
}

} // extern "C"
