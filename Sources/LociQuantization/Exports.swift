@_exported import LociCore
