// The weighted alpha filtration of a regular triangulation, with CGAL.
//
// CGAL's Regular_triangulation_2 gives the triangulation; the filtration values come from
// the kernel's own constructions and exact predicates, exactly as CGAL::Alpha_shape_2
// computes them (Compute_squared_radius_smallest_orthogonal_circle_2 for triangles and
// edges, Power_side_of_bounded_power_circle_2 for attachment). Alpha_shape_2 itself was
// used first and gave identical values (the §2A.3 fixture test), but its interval maps and
// classification made it 3x slower than needed; we never use its α-shape queries.
// Kept in a file of its own: CGAL's headers dominate the package's build time.
#include <CGAL/Exact_predicates_inexact_constructions_kernel.h>
#include <CGAL/Regular_triangulation_2.h>
#include <CGAL/Regular_triangulation_face_base_2.h>
#include <CGAL/Regular_triangulation_vertex_base_2.h>
#include <CGAL/Triangulation_vertex_base_with_info_2.h>
#include <CGAL/Triangulation_face_base_with_info_2.h>

#include <algorithm>
#include <limits>
#include <cmath>
#include <utility>
#include <vector>

#include "loci_error.hpp"

namespace {
using Kernel = CGAL::Exact_predicates_inexact_constructions_kernel;
using KernelWeightedPoint = Kernel::Weighted_point_2;

// Semi-static filters for the two power tests that dominate the filtration (a third of
// WaSH's time went to their interval-arithmetic stage). Each evaluates CGAL's own formula
// (predicates/kernel_ftC2.h) in double and returns its sign when that sign is certain: the
// rounding error of the whole evaluation, inputs' differences included, is below about
// 13·2⁻⁵³ times the sum of the magnitudes of its terms, and the bound used (1e-13 of that
// sum) is fifty times larger. Otherwise, or for non-finite or extreme magnitudes, the exact
// CGAL predicate decides, so results are those of CGAL alone. This is the same technique
// as CGAL's static filters for orientation and in-circle, which Epick lacks for these two.
constexpr double kRelativeBound = 1e-13;

inline bool certain(double value, double magnitude) {
  return std::isfinite(magnitude) && magnitude > 1e-200 && magnitude < 1e200 &&
         std::fabs(value) > kRelativeBound * magnitude;
}

// Sign of the 3×3 power determinant of p, q, r against t (CGAL's
// power_side_of_oriented_power_circleC2, the same cofactor expansion as its
// sign_of_determinant); 0 when uncertain.
inline int filteredPowerSide(const KernelWeightedPoint &p, const KernelWeightedPoint &q,
                             const KernelWeightedPoint &r, const KernelWeightedPoint &t, bool &known) {
  const double tx = t.x(), ty = t.y(), tw = t.weight();
  const double dpx = p.x() - tx, dpy = p.y() - ty, dqx = q.x() - tx, dqy = q.y() - ty;
  const double drx = r.x() - tx, dry = r.y() - ty;
  const double lp = dpx * dpx + dpy * dpy, lq = dqx * dqx + dqy * dqy, lr = drx * drx + dry * dry;
  const double dpz = lp - p.weight() + tw, dqz = lq - q.weight() + tw, drz = lr - r.weight() + tw;
  const double m01 = dpx * dqy - dqx * dpy, m02 = dpx * dry - drx * dpy, m12 = dqx * dry - drx * dqy;
  const double det = m01 * drz - m02 * dqz + m12 * dpz;
  const double aw = std::fabs(tw);
  const double magnitude =
      (std::fabs(dpx * dqy) + std::fabs(dqx * dpy)) * (lr + std::fabs(r.weight()) + aw) +
      (std::fabs(dpx * dry) + std::fabs(drx * dpy)) * (lq + std::fabs(q.weight()) + aw) +
      (std::fabs(dqx * dry) + std::fabs(drx * dqy)) * (lp + std::fabs(p.weight()) + aw);
  known = certain(det, magnitude);
  return det > 0 ? 1 : det < 0 ? -1 : 0;
}

// The kernel with the 4-point power test filtered; everything else is Epick's.
struct FilteredPowerKernel : public Kernel {
  struct Power_side_of_oriented_power_circle_2 {
    typedef CGAL::Oriented_side result_type;
    Kernel::Power_side_of_oriented_power_circle_2 exact = Kernel().power_side_of_oriented_power_circle_2_object();
    result_type operator()(const KernelWeightedPoint &p, const KernelWeightedPoint &q,
                           const KernelWeightedPoint &r, const KernelWeightedPoint &t) const {
      bool known = false;
      const int sign = filteredPowerSide(p, q, r, t, known);
      if (known) return sign > 0 ? CGAL::ON_POSITIVE_SIDE : CGAL::ON_NEGATIVE_SIDE;
      return exact(p, q, r, t);
    }
    result_type operator()(const KernelWeightedPoint &p, const KernelWeightedPoint &q,
                           const KernelWeightedPoint &t) const { return exact(p, q, t); }
    result_type operator()(const KernelWeightedPoint &p, const KernelWeightedPoint &t) const { return exact(p, t); }
  };
  Power_side_of_oriented_power_circle_2 power_side_of_oriented_power_circle_2_object() const { return {}; }
};

// CGAL's power_side_of_bounded_power_circleC2 (is t inside the smallest circle orthogonal
// to p and q?), filtered the same way.
CGAL::Bounded_side filteredBoundedSide(const KernelWeightedPoint &p, const KernelWeightedPoint &q,
                                       const KernelWeightedPoint &t) {
  const double qx = q.x(), qy = q.y(), qw = q.weight();
  const double dpx = p.x() - qx, dpy = p.y() - qy, dtx = t.x() - qx, dty = t.y() - qy;
  const double dpz = dpx * dpx + dpy * dpy, lt = dtx * dtx + dty * dty;
  const double dot = dpx * dtx + dpy * dty;
  const double value = -(lt - t.weight() + qw) * dpz + (dpz - p.weight() + qw) * dot;
  const double magnitude = (lt + std::fabs(t.weight()) + std::fabs(qw)) * dpz +
                           (dpz + std::fabs(p.weight()) + std::fabs(qw)) * (std::fabs(dpx * dtx) + std::fabs(dpy * dty));
  if (certain(value, magnitude)) return value > 0 ? CGAL::ON_BOUNDED_SIDE : CGAL::ON_UNBOUNDED_SIDE;
  return Kernel().power_side_of_bounded_power_circle_2_object()(p, q, t);
}

using InfoBase = CGAL::Triangulation_vertex_base_with_info_2<int32_t, Kernel>;
using RegularVertex = CGAL::Regular_triangulation_vertex_base_2<Kernel, InfoBase>;
using RegularFace = CGAL::Regular_triangulation_face_base_2<Kernel>;
using IndexedFace = CGAL::Triangulation_face_base_with_info_2<int32_t, Kernel, RegularFace>;
using DataStructure = CGAL::Triangulation_data_structure_2<RegularVertex, IndexedFace>;
using Regular = CGAL::Regular_triangulation_2<FilteredPowerKernel, DataStructure>;
using WeightedPoint = Regular::Weighted_point;
using BarePoint = Kernel::Point_2;
} // namespace

struct loci_filtration {
  std::vector<int32_t> triangleVertices, triangleNeighbors, edgeVertices, hidden;
  std::vector<double> triangleAlpha, triangleEdgeAlpha, edgeAlpha;
  std::vector<uint8_t> edgeAttached;
};

extern "C" {

loci_status loci_filtration_build(const double *xyw, size_t count, loci_filtration **out) {
  return loci::guarded("CGAL::Regular_triangulation_2", [&]() -> loci_status {
    if (!out || (count > 0 && !xyw)) return loci::fail(LOCI_ERR_ARGUMENT, "null argument");
    if (count > static_cast<size_t>(INT32_MAX / 4)) return loci::fail(LOCI_ERR_ARGUMENT, "too many points");
    std::vector<std::pair<WeightedPoint, int32_t>> points;
    points.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      double x = xyw[3 * i], y = xyw[3 * i + 1], w = xyw[3 * i + 2];
      if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(w))
        return loci::fail(LOCI_ERR_ARGUMENT, "point " + std::to_string(i) + " is not finite");
      points.emplace_back(WeightedPoint(BarePoint(x, y), w), static_cast<int32_t>(i));
    }
    auto result = new loci_filtration();
    Regular rt;
    rt.insert(points.begin(), points.end());

    std::vector<uint8_t> present(count, 0);
    for (auto v = rt.finite_vertices_begin(); v != rt.finite_vertices_end(); ++v)
      present[static_cast<size_t>(v->info())] = 1;
    for (size_t i = 0; i < count; ++i)
      if (!present[i]) result->hidden.push_back(static_cast<int32_t>(i));

    if (rt.dimension() == 2) {
      const Kernel kernel;
      auto squaredRadius = kernel.compute_squared_radius_smallest_orthogonal_circle_2_object();
      int32_t next = 0;
      for (auto f = rt.finite_faces_begin(); f != rt.finite_faces_end(); ++f) {
        f->info() = next++;
        for (int k = 0; k < 3; ++k) result->triangleVertices.push_back(f->vertex(k)->info());
        // A triangle enters at the squared radius of its orthocircle.
        result->triangleAlpha.push_back(CGAL::to_double(
            squaredRadius(f->vertex(0)->point(), f->vertex(1)->point(), f->vertex(2)->point())));
      }
      result->triangleEdgeAlpha.assign(result->triangleAlpha.size() * 3, 0);
      for (auto f = rt.finite_faces_begin(); f != rt.finite_faces_end(); ++f)
        for (int k = 0; k < 3; ++k) {
          auto n = f->neighbor(k);
          result->triangleNeighbors.push_back(rt.is_infinite(n) ? -1 : n->info());
        }
      for (auto e = rt.finite_edges_begin(); e != rt.finite_edges_end(); ++e) {
        auto face = e->first;
        int i = e->second;
        auto mirror = face->neighbor(i);
        int j = mirror->index(face);
        const WeightedPoint &p = face->vertex(Regular::cw(i))->point();
        const WeightedPoint &q = face->vertex(Regular::ccw(i))->point();
        // Attached: an opposite vertex of a finite incident triangle lies inside the edge's
        // smallest orthogonal circle; the edge then enters with its first triangle.
        bool attached = false;
        double smallestFace = std::numeric_limits<double>::infinity();
        for (auto [f, k] : {std::make_pair(face, i), std::make_pair(mirror, j)}) {
          if (rt.is_infinite(f)) continue;
          smallestFace = std::min(smallestFace, result->triangleAlpha[static_cast<size_t>(f->info())]);
          if (filteredBoundedSide(p, q, f->vertex(k)->point()) == CGAL::ON_BOUNDED_SIDE) attached = true;
        }
        result->edgeVertices.push_back(face->vertex(Regular::cw(i))->info());
        result->edgeVertices.push_back(face->vertex(Regular::ccw(i))->info());
        const double alpha = attached ? smallestFace : CGAL::to_double(squaredRadius(p, q));
        result->edgeAlpha.push_back(alpha);
        result->edgeAttached.push_back(attached ? 1 : 0);
        for (auto [f, k] : {std::make_pair(face, i), std::make_pair(mirror, j)})
          if (!rt.is_infinite(f)) result->triangleEdgeAlpha[3 * static_cast<size_t>(f->info()) + k] = alpha;
      }
    }
    *out = result;
    return loci::ok();
  });
}
size_t loci_filtration_triangle_count(const loci_filtration *f) { return f ? f->triangleAlpha.size() : 0; }
const int32_t *loci_filtration_triangle_vertices(const loci_filtration *f) { return f ? f->triangleVertices.data() : nullptr; }
const double *loci_filtration_triangle_alpha(const loci_filtration *f) { return f ? f->triangleAlpha.data() : nullptr; }
const int32_t *loci_filtration_triangle_neighbors(const loci_filtration *f) { return f ? f->triangleNeighbors.data() : nullptr; }
const double *loci_filtration_triangle_edge_alpha(const loci_filtration *f) { return f ? f->triangleEdgeAlpha.data() : nullptr; }
size_t loci_filtration_edge_count(const loci_filtration *f) { return f ? f->edgeAlpha.size() : 0; }
const int32_t *loci_filtration_edge_vertices(const loci_filtration *f) { return f ? f->edgeVertices.data() : nullptr; }
const double *loci_filtration_edge_alpha(const loci_filtration *f) { return f ? f->edgeAlpha.data() : nullptr; }
const uint8_t *loci_filtration_edge_attached(const loci_filtration *f) { return f ? f->edgeAttached.data() : nullptr; }
size_t loci_filtration_hidden_count(const loci_filtration *f) { return f ? f->hidden.size() : 0; }
const int32_t *loci_filtration_hidden(const loci_filtration *f) { return f ? f->hidden.data() : nullptr; }
void loci_filtration_free(loci_filtration *f) { delete f; }

} // extern "C"
