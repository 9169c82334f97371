// OpenCV's SIFT (DoG) and MSER detectors and SIFT's descriptor, exposed only as
// comparison baselines for Loci's own detectors and descriptors.
#include <opencv2/core.hpp>
#include <opencv2/features2d.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "loci_error.hpp"

struct loci_region_list {
  std::vector<loci_region> items;
};

namespace {
cv::Mat wrapGray(const uint8_t *gray, int32_t width, int32_t height) {
  return cv::Mat(height, width, CV_8UC1, const_cast<uint8_t *>(gray));
}
bool validImage(const uint8_t *gray, int32_t width, int32_t height) {
  return gray && width > 0 && height > 0;
}
} // namespace

extern "C" {

size_t loci_region_list_count(const loci_region_list *list) { return list ? list->items.size() : 0; }
const loci_region *loci_region_list_items(const loci_region_list *list) {
  return list ? list->items.data() : nullptr;
}
void loci_region_list_free(loci_region_list *list) { delete list; }

loci_status loci_sift_detect(const uint8_t *gray, int32_t width, int32_t height, int32_t max_features,
                             double contrast_threshold, loci_region_list **out) {
  return loci::guarded("cv::SIFT::detect", [&]() -> loci_status {
    if (!validImage(gray, width, height) || !out) return loci::fail(LOCI_ERR_ARGUMENT, "invalid image");
    auto sift = cv::SIFT::create(std::max(0, max_features), 3, contrast_threshold);
    std::vector<cv::KeyPoint> keypoints;
    sift->detect(wrapGray(gray, width, height), keypoints);
    auto list = new loci_region_list();
    list->items.reserve(keypoints.size());
    for (const auto &k : keypoints) {
      double r = k.size; // detection circle; x3 magnification gives SIFT's 12-sigma patch
      double angle = k.angle >= 0 ? k.angle * M_PI / 180.0 : std::numeric_limits<double>::quiet_NaN();
      list->items.push_back({k.pt.x, k.pt.y, r * r, 0.0, r * r, angle, k.response});
    }
    *out = list;
    return loci::ok();
  });
}

loci_status loci_mser_detect(const uint8_t *gray, int32_t width, int32_t height, int32_t delta,
                             int32_t min_area, int32_t max_area, double max_variation,
                             double min_diversity, loci_region_list **out) {
  return loci::guarded("cv::MSER::detectRegions", [&]() -> loci_status {
    if (!validImage(gray, width, height) || !out) return loci::fail(LOCI_ERR_ARGUMENT, "invalid image");
    auto mser = cv::MSER::create(delta, min_area, max_area, max_variation, min_diversity);
    std::vector<std::vector<cv::Point>> regions;
    std::vector<cv::Rect> boxes;
    mser->detectRegions(wrapGray(gray, width, height), regions, boxes);
    auto list = new loci_region_list();
    list->items.reserve(regions.size());
    for (const auto &points : regions) {
      if (points.size() < 3) continue;
      double n = static_cast<double>(points.size());
      double mx = 0, my = 0;
      for (const auto &p : points) { mx += p.x; my += p.y; }
      mx /= n; my /= n;
      double cxx = 0, cxy = 0, cyy = 0;
      for (const auto &p : points) {
        double dx = p.x - mx, dy = p.y - my;
        cxx += dx * dx; cxy += dx * dy; cyy += dy * dy;
      }
      // A pixel is a unit square, not a point: add its own variance 1/12 per axis.
      cxx = cxx / n + 1.0 / 12.0; cxy /= n; cyy = cyy / n + 1.0 / 12.0;
      // S = 4 * covariance: the ellipse with the region's area (Matas et al. convention).
      list->items.push_back({mx, my, 4 * cxx, 4 * cxy, 4 * cyy,
                             std::numeric_limits<double>::quiet_NaN(), n});
    }
    *out = list;
    return loci::ok();
  });
}

loci_status loci_sift_compute(const uint8_t *gray, int32_t width, int32_t height, const float *x,
                              const float *y, const float *size, const float *angle_degrees,
                              size_t count, float *descriptors) {
  return loci::guarded("cv::SIFT::compute", [&]() -> loci_status {
    if (!validImage(gray, width, height) || (count > 0 && (!x || !y || !size || !angle_degrees || !descriptors)))
      return loci::fail(LOCI_ERR_ARGUMENT, "invalid arguments");
    std::vector<cv::KeyPoint> keypoints;
    keypoints.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      cv::KeyPoint k(x[i], y[i], size[i], angle_degrees[i]);
      k.class_id = static_cast<int>(i);
      keypoints.push_back(k);
    }
    cv::Mat out;
    cv::SIFT::create()->compute(wrapGray(gray, width, height), keypoints, out);
    if (static_cast<size_t>(out.rows) != keypoints.size() || (out.rows > 0 && out.cols != 128))
      return loci::fail(LOCI_ERR_INTERNAL, "unexpected descriptor matrix shape");
    std::fill(descriptors, descriptors + count * 128, 0.0f);
    for (int r = 0; r < out.rows; ++r) {
      size_t index = static_cast<size_t>(keypoints[r].class_id);
      if (index >= count) continue;
      const float *row = out.ptr<float>(r);
      std::copy(row, row + 128, descriptors + index * 128);
    }
    return loci::ok();
  });
}

void loci_opencv_set_threads(int32_t threads) { cv::setNumThreads(threads > 0 ? threads : -1); }
int32_t loci_opencv_threads(void) { return cv::getNumThreads(); }

} // extern "C"
