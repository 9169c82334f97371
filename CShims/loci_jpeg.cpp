// JPEG decoding through libjpeg directly, so that its warnings belong to the file being
// decoded. Through cv::imdecode, libjpeg prints "Corrupt JPEG data: premature end of data
// segment" on stderr, unattributed, and hands back an image whose damaged part it has
// invented. Here a warning that means damaged entropy-coded data makes the image corrupt,
// with libjpeg's message; a benign one (extraneous bytes before a marker, an unknown JFIF
// revision) is ignored. The pixels are what OpenCV produces: the same library, asked for
// BGR (or grey) exactly as cv::imdecode asks for it.
#include "loci_jpeg.hpp"

#include <csetjmp>
#include <cstdio>
#include <string>

#include <jpeglib.h>
#include <jerror.h>

namespace loci {
namespace {

struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char fatal[JMSG_LENGTH_MAX];
  char damage[JMSG_LENGTH_MAX];
  bool damaged;
};

/// libjpeg warnings that mean the scan data is damaged (the decoder filled in what it
/// could not read).
bool isDamage(int code) {
  switch (code) {
  case JWRN_ARITH_BAD_CODE: case JWRN_HIT_MARKER: case JWRN_HUFF_BAD_CODE: case JWRN_JPEG_EOF:
  case JWRN_MUST_RESYNC: case JWRN_NOT_SEQUENTIAL: case JWRN_BOGUS_PROGRESSION:
    return true;
  default:
    return false;
  }
}

} // namespace

JPEGOutcome decodeJPEG(const uint8_t *bytes, size_t count, cv::Mat &out, std::string &why) {
  jpeg_decompress_struct info;
  ErrorManager errors;
  info.err = jpeg_std_error(&errors.base);
  errors.fatal[0] = errors.damage[0] = 0;
  errors.damaged = false;
  errors.base.error_exit = [](j_common_ptr common) {
    auto *manager = reinterpret_cast<ErrorManager *>(common->err);
    manager->base.format_message(common, manager->fatal);
    std::longjmp(manager->jump, 1);
  };
  errors.base.emit_message = [](j_common_ptr common, int level) {
    auto *manager = reinterpret_cast<ErrorManager *>(common->err);
    if (level >= 0) return; // trace messages
    manager->base.num_warnings++;
    if (!manager->damaged && isDamage(manager->base.msg_code)) {
      manager->damaged = true;
      manager->base.format_message(common, manager->damage);
    }
  };
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&info);
    why = std::string("corrupt JPEG data: ") + errors.fatal;
    return JPEGOutcome::corrupt;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes, static_cast<unsigned long>(count));
  jpeg_read_header(&info, TRUE);
  if (info.num_components != 1 && info.num_components != 3) {
    jpeg_destroy_decompress(&info);
    return JPEGOutcome::notHandled; // CMYK / YCCK: OpenCV's own conversion
  }
  const bool colour = info.num_components == 3;
  info.out_color_space = colour ? JCS_EXT_BGR : JCS_GRAYSCALE;
  jpeg_start_decompress(&info);
  out.create(static_cast<int>(info.output_height), static_cast<int>(info.output_width), colour ? CV_8UC3 : CV_8UC1);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = out.ptr<JSAMPLE>(static_cast<int>(info.output_scanline));
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  if (errors.damaged) {
    why = errors.damage;
    return JPEGOutcome::corrupt;
  }
  return JPEGOutcome::decoded;
}

} // namespace loci
