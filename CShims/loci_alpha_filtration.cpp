// The weighted alpha filtration, from CGAL's Alpha_shape_2 over a Regular_triangulation_2.
// Kept in a file of its own: CGAL's headers dominate the package's build time.
#include <CGAL/Alpha_shape_2.h>
#include <CGAL/Alpha_shape_face_base_2.h>
#include <CGAL/Alpha_shape_vertex_base_2.h>
#include <CGAL/Exact_predicates_inexact_constructions_kernel.h>
#include <CGAL/Regular_triangulation_2.h>
#include <CGAL/Regular_triangulation_face_base_2.h>
#include <CGAL/Regular_triangulation_vertex_base_2.h>
#include <CGAL/Triangulation_vertex_base_with_info_2.h>

#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "loci_error.hpp"

namespace {
using Kernel = CGAL::Exact_predicates_inexact_constructions_kernel;
using InfoBase = CGAL::Triangulation_vertex_base_with_info_2<int32_t, Kernel>;
using RegularVertex = CGAL::Regular_triangulation_vertex_base_2<Kernel, InfoBase>;
using AlphaVertex = CGAL::Alpha_shape_vertex_base_2<Kernel, RegularVertex>;
using RegularFace = CGAL::Regular_triangulation_face_base_2<Kernel>;
using AlphaFace = CGAL::Alpha_shape_face_base_2<Kernel, RegularFace>;
using DataStructure = CGAL::Triangulation_data_structure_2<AlphaVertex, AlphaFace>;
using Regular = CGAL::Regular_triangulation_2<Kernel, DataStructure>;
using AlphaShape = CGAL::Alpha_shape_2<Regular>;
using WeightedPoint = Regular::Weighted_point;
using BarePoint = Kernel::Point_2;

// Alpha_shape_2 marks an attached edge's own value with this sentinel (see its
// initialize_interval_edge_map); Infinity is -1.
constexpr double cgalUndefined = -2.0;
} // namespace

struct loci_filtration {
  std::vector<int32_t> triangleVertices, triangleNeighbors, edgeVertices, hidden;
  std::vector<double> triangleAlpha, edgeAlpha;
  std::vector<uint8_t> edgeAttached;
};

extern "C" {

loci_status loci_filtration_build(const double *xyw, size_t count, loci_filtration **out) {
  return loci::guarded("CGAL::Alpha_shape_2", [&]() -> loci_status {
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
    AlphaShape shape(points.begin(), points.end(), 0, AlphaShape::GENERAL);

    std::vector<uint8_t> present(count, 0);
    for (auto v = shape.finite_vertices_begin(); v != shape.finite_vertices_end(); ++v)
      present[static_cast<size_t>(v->info())] = 1;
    for (size_t i = 0; i < count; ++i)
      if (!present[i]) result->hidden.push_back(static_cast<int32_t>(i));

    if (shape.dimension() == 2) {
      std::map<AlphaShape::Face_handle, int32_t> faceIndex;
      for (auto f = shape.finite_faces_begin(); f != shape.finite_faces_end(); ++f) {
        int32_t index = static_cast<int32_t>(faceIndex.size());
        faceIndex[f] = index;
        for (int k = 0; k < 3; ++k) result->triangleVertices.push_back(f->vertex(k)->info());
        result->triangleAlpha.push_back(f->get_alpha());
      }
      for (auto f = shape.finite_faces_begin(); f != shape.finite_faces_end(); ++f)
        for (int k = 0; k < 3; ++k) {
          auto n = f->neighbor(k);
          result->triangleNeighbors.push_back(shape.is_infinite(n) ? -1 : faceIndex[n]);
        }
      for (auto e = shape.finite_edges_begin(); e != shape.finite_edges_end(); ++e) {
        auto face = e->first;
        int i = e->second;
        auto interval = face->get_ranges(i); // set on both incident faces by Alpha_shape_2
        bool attached = interval.first == cgalUndefined;
        result->edgeVertices.push_back(face->vertex(AlphaShape::cw(i))->info());
        result->edgeVertices.push_back(face->vertex(AlphaShape::ccw(i))->info());
        result->edgeAlpha.push_back(attached ? interval.second : interval.first);
        result->edgeAttached.push_back(attached ? 1 : 0);
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
size_t loci_filtration_edge_count(const loci_filtration *f) { return f ? f->edgeAlpha.size() : 0; }
const int32_t *loci_filtration_edge_vertices(const loci_filtration *f) { return f ? f->edgeVertices.data() : nullptr; }
const double *loci_filtration_edge_alpha(const loci_filtration *f) { return f ? f->edgeAlpha.data() : nullptr; }
const uint8_t *loci_filtration_edge_attached(const loci_filtration *f) { return f ? f->edgeAttached.data() : nullptr; }
size_t loci_filtration_hidden_count(const loci_filtration *f) { return f ? f->hidden.size() : 0; }
const int32_t *loci_filtration_hidden(const loci_filtration *f) { return f ? f->hidden.data() : nullptr; }
void loci_filtration_free(loci_filtration *f) { delete f; }

} // extern "C"
