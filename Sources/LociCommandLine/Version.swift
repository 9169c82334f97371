/// The version both executables print with `--version`; the release procedure in
/// CHANGELOG.md bumps it together with the tag.
public let lociVersion = "0.9.0"
