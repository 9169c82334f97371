// Image header sizes before decoding (see loci_image_format.hpp).
#include "loci_image_format.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>
#include <webp/decode.h>

namespace loci {

ImageFormat sniffImageFormat(const uint8_t *b, size_t n) {
  if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat::jpeg;
  if (n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return ImageFormat::png;
  if (n >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7') return ImageFormat::pnm;
  if (n >= 4 && (std::memcmp(b, "II*\0", 4) == 0 || std::memcmp(b, "MM\0*", 4) == 0)) return ImageFormat::tiff;
  if (n >= 2 && b[0] == 'B' && b[1] == 'M') return ImageFormat::bmp;
  if (n >= 12 && std::memcmp(b, "RIFF", 4) == 0 && std::memcmp(b + 8, "WEBP", 4) == 0) return ImageFormat::webp;
  return ImageFormat::unknown;
}

const char *imageFormatName(ImageFormat format) {
  switch (format) {
  case ImageFormat::jpeg: return "JPEG";
  case ImageFormat::png: return "PNG";
  case ImageFormat::pnm: return "PNM";
  case ImageFormat::tiff: return "TIFF";
  case ImageFormat::bmp: return "BMP";
  case ImageFormat::webp: return "WebP";
  default: return "unknown";
  }
}

namespace {

// MARK: JPEG (libjpeg: jpeg_read_header reads the frame header, no scan data)

struct JPEGErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

bool jpegSize(const uint8_t *bytes, size_t count, int64_t &width, int64_t &height, std::string &why) {
  jpeg_decompress_struct info;
  JPEGErrorManager errors;
  info.err = jpeg_std_error(&errors.base);
  errors.message[0] = 0;
  errors.base.error_exit = [](j_common_ptr common) {
    auto *manager = reinterpret_cast<JPEGErrorManager *>(common->err);
    manager->base.format_message(common, manager->message);
    std::longjmp(manager->jump, 1);
  };
  errors.base.output_message = [](j_common_ptr) {}; // warnings: the decoder reports them
  if (setjmp(errors.jump)) {
    why = std::string("unreadable JPEG header: ") + errors.message;
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes, static_cast<unsigned long>(count));
  jpeg_read_header(&info, TRUE);
  width = info.image_width;
  height = info.image_height;
  jpeg_destroy_decompress(&info);
  return true;
}

// MARK: PNG (libpng's simplified API reads the IHDR chunk)

bool pngSize(const uint8_t *bytes, size_t count, int64_t &width, int64_t &height, std::string &why) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes, count)) {
    why = std::string("unreadable PNG header: ") + image.message;
    png_image_free(&image);
    return false;
  }
  width = image.width;
  height = image.height;
  png_image_free(&image);
  return true;
}

// MARK: WebP (libwebp: WebPGetInfo reads the VP8/VP8L/VP8X header)

bool webpSize(const uint8_t *bytes, size_t count, int64_t &width, int64_t &height, std::string &why) {
  int w = 0, h = 0;
  if (!WebPGetInfo(bytes, count, &w, &h)) {
    why = "unreadable WebP header";
    return false;
  }
  width = w;
  height = h;
  return true;
}

// MARK: TIFF (libtiff over the bytes in memory; the first directory is what OpenCV decodes)

struct MemoryFile {
  const uint8_t *bytes;
  toff_t count, offset;
  std::string error;
};

tmsize_t tiffRead(thandle_t handle, void *buffer, tmsize_t size) {
  auto *file = static_cast<MemoryFile *>(handle);
  if (size < 0 || file->offset >= file->count) return 0;
  toff_t available = file->count - file->offset;
  toff_t n = static_cast<toff_t>(size) < available ? static_cast<toff_t>(size) : available;
  std::memcpy(buffer, file->bytes + file->offset, n);
  file->offset += n;
  return static_cast<tmsize_t>(n);
}
tmsize_t tiffWrite(thandle_t, void *, tmsize_t) { return 0; }
toff_t tiffSeek(thandle_t handle, toff_t offset, int whence) {
  auto *file = static_cast<MemoryFile *>(handle);
  toff_t base = whence == SEEK_CUR ? file->offset : whence == SEEK_END ? file->count : 0;
  file->offset = base + offset;
  return file->offset;
}
int tiffClose(thandle_t) { return 0; }
toff_t tiffSize(thandle_t handle) { return static_cast<MemoryFile *>(handle)->count; }
int tiffMap(thandle_t, void **, toff_t *) { return 0; }
void tiffUnmap(thandle_t, void *, toff_t) {}
int tiffError(TIFF *, void *user, const char *, const char *format, va_list arguments) {
  char message[512];
  std::vsnprintf(message, sizeof message, format, arguments);
  auto *file = static_cast<MemoryFile *>(user);
  if (file->error.empty()) file->error = message;
  return 1;
}
int tiffWarning(TIFF *, void *, const char *, const char *, va_list) { return 1; }

bool tiffSize(const uint8_t *bytes, size_t count, int64_t &width, int64_t &height, std::string &why) {
  MemoryFile file{bytes, static_cast<toff_t>(count), 0, {}};
  TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(options, tiffError, &file);
  TIFFOpenOptionsSetWarningHandlerExtR(options, tiffWarning, &file);
  TIFF *tiff = TIFFClientOpenExt("memory", "rm", &file, tiffRead, tiffWrite, tiffSeek, tiffClose, tiffSize,
                                 tiffMap, tiffUnmap, options);
  TIFFOpenOptionsFree(options);
  if (!tiff) {
    why = "unreadable TIFF header: " + (file.error.empty() ? std::string("no image directory") : file.error);
    return false;
  }
  uint32_t w = 0, h = 0;
  bool found = TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &w) == 1 && TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &h) == 1;
  TIFFClose(tiff);
  if (!found) {
    why = "TIFF header without image width and length";
    return false;
  }
  width = w;
  height = h;
  return true;
}

// MARK: BMP (BITMAPCOREHEADER: 16-bit sizes; later headers: signed 32-bit, negative height = top-down)

int64_t littleEndian(const uint8_t *b, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = value << 8 | b[i];
  return static_cast<int64_t>(value);
}

bool bmpSize(const uint8_t *bytes, size_t count, int64_t &width, int64_t &height, std::string &why) {
  if (count < 26) {
    why = "truncated BMP header";
    return false;
  }
  int64_t headerSize = littleEndian(bytes + 14, 4);
  if (headerSize == 12) {
    width = littleEndian(bytes + 18, 2);
    height = littleEndian(bytes + 20, 2);
    return true;
  }
  width = static_cast<int32_t>(littleEndian(bytes + 18, 4));
  height = static_cast<int32_t>(littleEndian(bytes + 22, 4));
  if (height < 0) height = -height;
  return true;
}

// MARK: PNM (P1–P6: "Pn width height …" with # comments; P7: WIDTH and HEIGHT header lines)

bool pnmSize(const uint8_t *bytes, size_t count, int64_t &width, int64_t &height, std::string &why) {
  size_t i = 2;
  auto skipSpaceAndComments = [&] {
    while (i < count) {
      if (bytes[i] == '#') {
        while (i < count && bytes[i] != '\n') ++i;
      } else if (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n') {
        ++i;
      } else {
        break;
      }
    }
  };
  auto readNumber = [&](int64_t &value) {
    skipSpaceAndComments();
    size_t start = i;
    value = 0;
    while (i < count && bytes[i] >= '0' && bytes[i] <= '9' && i - start < 12) value = value * 10 + (bytes[i++] - '0');
    return i > start;
  };
  if (bytes[1] == '7') {
    width = height = -1;
    while (i < count && (width < 0 || height < 0)) {
      skipSpaceAndComments();
      auto keyword = [&](const char *word) {
        size_t n = std::strlen(word);
        if (i + n > count || std::memcmp(bytes + i, word, n) != 0) return false;
        i += n;
        return true;
      };
      if (keyword("ENDHDR")) break;
      if (keyword("WIDTH")) { if (!readNumber(width)) break; continue; }
      if (keyword("HEIGHT")) { if (!readNumber(height)) break; continue; }
      while (i < count && bytes[i] != '\n') ++i;
    }
    if (width < 0 || height < 0) {
      why = "PAM header without WIDTH and HEIGHT";
      return false;
    }
    return true;
  }
  if (!readNumber(width) || !readNumber(height)) {
    why = "unreadable PNM header (expected width and height)";
    return false;
  }
  return true;
}

} // namespace

bool readImageHeaderSize(ImageFormat format, const uint8_t *bytes, size_t count, int64_t &width,
                         int64_t &height, std::string &why) {
  width = height = 0;
  switch (format) {
  case ImageFormat::jpeg: return jpegSize(bytes, count, width, height, why);
  case ImageFormat::png: return pngSize(bytes, count, width, height, why);
  case ImageFormat::webp: return webpSize(bytes, count, width, height, why);
  case ImageFormat::tiff: return tiffSize(bytes, count, width, height, why);
  case ImageFormat::bmp: return bmpSize(bytes, count, width, height, why);
  case ImageFormat::pnm: return pnmSize(bytes, count, width, height, why);
  default: why = "not a recognised image format"; return false;
  }
}

} // namespace loci
