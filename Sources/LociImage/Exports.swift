// Re-exported: the file-format primitives are part of this module's public face.
@_exported import LociCore
