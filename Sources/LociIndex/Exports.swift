// The face of the LociIndex product (indexes, queries, re-ranking without OpenCV or CGAL):
// the feature types, verification and vocabularies its API takes and returns.
@_exported import LociFeatureTypes
@_exported import LociGeometry
@_exported import LociQuantization
