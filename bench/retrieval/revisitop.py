"""Average precision exactly as revisitop's compute_map, for the Python sides of the
retrieval benchmarks (Loci's own is `MeanAveragePrecision`)."""


def average_precision(ranking, positives, junk=()):
    """AP of one ranking (ids, best first); junk ids are removed from the ranking first."""
    ranking = [i for i in ranking if i not in junk]
    pos = sorted(r for r, i in enumerate(ranking) if i in positives)
    ap = 0.0
    for j, r in enumerate(pos):
        p0 = 1.0 if r == 0 else j / r
        ap += (p0 + (j + 1) / (r + 1)) / 2 / len(positives)
    return ap
