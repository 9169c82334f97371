// Loads OpenCV's imgcodecs on first use (see loci_imgcodecs.hpp for why).
#include "loci_imgcodecs.hpp"

#include <dlfcn.h>
#include <opencv2/imgcodecs.hpp>

#include <mutex>
#include <type_traits>

namespace loci {
namespace {

#define LOCI_STRINGIFY_(x) #x
#define LOCI_STRINGIFY(x) LOCI_STRINGIFY_(x)

/// The names the imgcodecs built alongside these headers goes by: Debian and Ubuntu use the
/// soname "so.406" for 4.6 (major, then the minor in two digits); upstream builds also install
/// "so.4.6" and the full version. Only names of this version are tried: a library of another
/// version would bring its own libopencv_core next to the one already loaded.
std::vector<std::string> candidateNames() {
  const std::string major = LOCI_STRINGIFY(CV_VERSION_MAJOR);
  const std::string minor = LOCI_STRINGIFY(CV_VERSION_MINOR);
  const std::string patch = LOCI_STRINGIFY(CV_VERSION_REVISION);
  const std::string twoDigitMinor = minor.size() == 1 ? "0" + minor : minor;
#if defined(__APPLE__)
  return {"libopencv_imgcodecs." + major + "." + minor + "." + patch + ".dylib",
          "libopencv_imgcodecs." + major + "." + minor + ".dylib", "libopencv_imgcodecs." + major + twoDigitMinor + ".dylib"};
#else
  return {"libopencv_imgcodecs.so." + major + twoDigitMinor, "libopencv_imgcodecs.so." + major + "." + minor,
          "libopencv_imgcodecs.so." + major + "." + minor + "." + patch};
#endif
}

// The Itanium C++ ABI names of cv::imdecode(const _InputArray&, int) and
// cv::imencode(const String&, const _InputArray&, std::vector<uchar>&, const std::vector<int>&).
constexpr const char *imdecodeSymbol = "_ZN2cv8imdecodeERKNS_11_InputArrayEi";
constexpr const char *imencodeSymbol =
    "_ZN2cv8imencodeERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERKNS_11_InputArrayERSt6vectorIhSaIhEERKSB_IiSaIiEE";

// The pointer types must be those of the declarations in the headers (decltype does not use
// the functions, so this adds no link dependency).
static_assert(std::is_same_v<decltype(ImgCodecs::imdecode),
                             decltype(static_cast<cv::Mat (*)(cv::InputArray, int)>(&cv::imdecode))>);
static_assert(std::is_same_v<decltype(ImgCodecs::imencode),
                             decltype(static_cast<bool (*)(const cv::String &, cv::InputArray, std::vector<uchar> &,
                                                           const std::vector<int> &)>(&cv::imencode))>);

struct Loaded {
  ImgCodecs codecs{};
  bool available = false;
  std::string why;
};

Loaded load() {
  Loaded loaded;
  void *library = nullptr;
  std::string tried;
  for (const std::string &name : candidateNames()) {
    // RTLD_GLOBAL is not needed: nothing else resolves symbols against imgcodecs. The handle
    // is kept for the life of the process.
    library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library) break;
    const char *error = dlerror();
    tried += (tried.empty() ? "" : "; ") + std::string(error ? error : name);
  }
  if (!library) {
    loaded.why = "OpenCV's imgcodecs " + std::string(CV_VERSION) + " could not be loaded (" + tried + ")";
    return loaded;
  }
  void *decode = dlsym(library, imdecodeSymbol);
  void *encode = dlsym(library, imencodeSymbol);
  if (!decode || !encode) {
    loaded.why = "OpenCV's imgcodecs was loaded but lacks cv::imdecode or cv::imencode";
    return loaded;
  }
  loaded.codecs.imdecode = reinterpret_cast<decltype(ImgCodecs::imdecode)>(decode);
  loaded.codecs.imencode = reinterpret_cast<decltype(ImgCodecs::imencode)>(encode);
  loaded.available = true;
  return loaded;
}

} // namespace

const ImgCodecs *imgCodecs(std::string &why) {
  static std::once_flag once;
  static Loaded loaded;
  std::call_once(once, [] { loaded = load(); });
  if (!loaded.available) {
    why = loaded.why;
    return nullptr;
  }
  return &loaded.codecs;
}

} // namespace loci
