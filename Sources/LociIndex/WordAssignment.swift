import LociQuantization

/// How a query's descriptors find their nearest words.
///
/// Exact assignment compares each descriptor with every word; grouped assignment
/// (`GroupedVocabulary`) only with the words of its `probes` nearest of 64 word groups. On
/// the SMVS benchmark's 4,096-word vocabulary 8 probes find 95 % of the exact three nearest
/// words at four times the speed. The database side is unaffected: an index's entries are
/// assigned when they are added, with the vocabulary the index holds then.
public enum WordAssignment: Sendable, Equatable, CustomStringConvertible {
  case exact
  case grouped(probes: Int)

  /// The coarse groups of a grouped vocabulary (64 for 4,096 words: about 64 words each).
  public static let groupCount = 64

  public var description: String {
    switch self {
    case .exact: return "exact"
    case .grouped(let probes): return "grouped, \(probes) of \(Self.groupCount) groups probed"
    }
  }

  /// `vocabulary` assigning as this says. Only words given as explicit centroids with exact
  /// search (`FlatVocabulary`, or a grouped one over it) can be regrouped; other
  /// vocabularies (DRVQ, kd-forest) keep their own search.
  func applied(to vocabulary: any CentroidVocabulary) -> any CentroidVocabulary {
    let flat: FlatVocabulary
    var grouping: GroupedVocabulary?
    if let grouped = vocabulary as? GroupedVocabulary {
      flat = grouped.base
      grouping = grouped
    } else if let plain = vocabulary as? FlatVocabulary {
      flat = plain
    } else {
      return vocabulary
    }
    switch self {
    case .exact:
      return flat
    case .grouped(let probes):
      if let grouping { return GroupedVocabulary(base: flat, coarse: grouping.coarse, probes: probes) }
      return GroupedVocabulary(base: flat, groups: Self.groupCount, probes: probes)
    }
  }
}

extension RetrievalIndex {
  /// This index with its queries assigned as `assignment` says (same words, same entries).
  public func assigning(_ assignment: WordAssignment) -> RetrievalIndex {
    var copy = self
    copy.vocabulary = assignment.applied(to: vocabulary)
    return copy
  }
}

extension ShardedIndex {
  /// These shards with their queries assigned as `assignment` says; the shards share one
  /// grouped vocabulary, as they share their words.
  public func assigning(_ assignment: WordAssignment) -> ShardedIndex {
    let vocabulary = assignment.applied(to: shards[0].vocabulary)
    var copy = self
    copy.shards = shards.map { shard in
      var s = shard
      s.vocabulary = vocabulary
      return s
    }
    return copy
  }
}
