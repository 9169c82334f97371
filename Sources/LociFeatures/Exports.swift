// The detectors work on the feature types; a client of this module gets them with it.
@_exported import LociFeatureTypes
