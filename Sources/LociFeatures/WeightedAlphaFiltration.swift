import CShims

/// A weighted point p̂ = (p, w) with w a squared radius (px²).
package struct WeightedPoint: Sendable, Equatable {
  package var x: Double
  package var y: Double
  package var weight: Double
  package init(x: Double, y: Double, weight: Double) {
    self.x = x
    self.y = y
    self.weight = weight
  }
}

/// The weighted α-filtration of a planar weighted point set: CGAL's
/// `Regular_triangulation_2` with the values `Alpha_shape_2` assigns (same kernel
/// constructions and exact predicates), via `loci_filtration_build`.
///
/// α is a squared radius (power distance) and may be negative. A triangle enters the
/// complex at the squared radius of its orthocircle; an edge at the squared radius of its
/// smallest orthogonal circle, unless it is *attached* (that circle is not empty), in which
/// case it enters with the first of its incident triangles (Edelsbrunner, "The union of
/// balls and its dual shape", 1995; CGAL's `Alpha_shape_2` documentation).
package struct WeightedAlphaFiltration: Sendable {
  package struct Triangle: Sendable, Equatable {
    /// Indices into the input points, counter-clockwise.
    package var vertices: (Int32, Int32, Int32)
    /// Neighbouring triangle across the edge opposite each vertex, or -1 on the hull.
    package var neighbors: (Int32, Int32, Int32)
    package var alpha: Double
    /// The α at which the edge opposite each vertex enters (its `Edge.alpha`), so that a
    /// sweep over triangles needs no edge lookup.
    package var edgeAlpha: (Double, Double, Double)

    package static func == (l: Triangle, r: Triangle) -> Bool {
      l.vertices == r.vertices && l.neighbors == r.neighbors && l.alpha == r.alpha && l.edgeAlpha == r.edgeAlpha
    }
  }

  package struct Edge: Sendable, Equatable {
    package var vertices: (Int32, Int32)
    package var alpha: Double
    package var isAttached: Bool

    package static func == (l: Edge, r: Edge) -> Bool {
      l.vertices == r.vertices && l.alpha == r.alpha && l.isAttached == r.isAttached
    }
  }

  package let triangles: [Triangle]
  package let edges: [Edge]
  /// Input points that are redundant in the regular triangulation (or exact duplicates).
  package let hiddenPoints: [Int]

  /// Builds the filtration. Fewer than three affinely independent points give no
  /// triangles and no edges. Throws when a coordinate or weight is not finite.
  package init(points: [WeightedPoint]) throws {
    var xyw = [Double]()
    xyw.reserveCapacity(points.count * 3)
    for p in points {
      xyw.append(p.x)
      xyw.append(p.y)
      xyw.append(p.weight)
    }
    var handle: OpaquePointer?
    let status = loci_filtration_build(xyw, points.count, &handle)
    guard status == LOCI_OK, let handle else {
      throw DetectorError.backend(detector: "alpha-filtration", reason: String(cString: loci_last_error()))
    }
    defer { loci_filtration_free(handle) }
    let nt = loci_filtration_triangle_count(handle)
    var triangles = [Triangle]()
    triangles.reserveCapacity(nt)
    if nt > 0 {
      let v = loci_filtration_triangle_vertices(handle)!, n = loci_filtration_triangle_neighbors(handle)!
      let a = loci_filtration_triangle_alpha(handle)!, e = loci_filtration_triangle_edge_alpha(handle)!
      for i in 0..<nt {
        triangles.append(Triangle(vertices: (v[3 * i], v[3 * i + 1], v[3 * i + 2]),
                                  neighbors: (n[3 * i], n[3 * i + 1], n[3 * i + 2]), alpha: a[i],
                                  edgeAlpha: (e[3 * i], e[3 * i + 1], e[3 * i + 2])))
      }
    }
    let ne = loci_filtration_edge_count(handle)
    var edges = [Edge]()
    edges.reserveCapacity(ne)
    if ne > 0 {
      let v = loci_filtration_edge_vertices(handle)!, a = loci_filtration_edge_alpha(handle)!
      let attached = loci_filtration_edge_attached(handle)!
      for i in 0..<ne {
        edges.append(Edge(vertices: (Swift.min(v[2 * i], v[2 * i + 1]), Swift.max(v[2 * i], v[2 * i + 1])),
                          alpha: a[i], isAttached: attached[i] != 0))
      }
    }
    let nh = loci_filtration_hidden_count(handle)
    hiddenPoints = nh > 0 ? UnsafeBufferPointer(start: loci_filtration_hidden(handle), count: nh).map(Int.init) : []
    self.triangles = triangles
    self.edges = edges
  }
}
