@_exported import LociFeatures
@_exported import LociGeometry
@_exported import LociQuantization
