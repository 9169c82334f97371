@_exported import LociFeatureTypes
@_exported import LociGeometry
@_exported import LociQuantization
