@_exported import LociCore
@_exported import LociFeatureTypes
