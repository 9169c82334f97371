// Internal to CShims: which image format a file holds (by its magic bytes), and the pixel
// grid its header declares, read before anything is decoded.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace loci {

enum class ImageFormat { unknown, jpeg, png, pnm, tiff, bmp, webp };

/// The format named by the first bytes (its magic number), or `unknown`.
ImageFormat sniffImageFormat(const uint8_t *bytes, size_t count);

/// "JPEG", "PNG", … for messages.
const char *imageFormatName(ImageFormat format);

/// Reads the width and height an image's header declares, without decoding its pixels:
/// a decompression bomb (a small file whose header claims 30000 × 30000) is caught here,
/// before the decoder allocates the grid. JPEG, PNG, TIFF and WebP headers are read by
/// the same libraries OpenCV decodes them with (libjpeg, libpng, libtiff, libwebp); BMP
/// and PNM have no such library on the system, and their headers are two fixed fields
/// (BMP's BITMAPINFOHEADER) or three leading ASCII integers (PNM), read here.
/// Returns false with `why` set when the header is unreadable.
bool readImageHeaderSize(ImageFormat format, const uint8_t *bytes, size_t count, int64_t &width,
                         int64_t &height, std::string &why);

} // namespace loci
