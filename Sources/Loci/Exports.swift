// The library face: one import gives a retrieval app the whole public API.
@_exported import LociEval
@_exported import LociFeatureTypes
@_exported import LociFeatures
@_exported import LociGeometry
@_exported import LociImage
@_exported import LociQuantization
@_exported import LociIndex
@_exported import LociExport
