#!/usr/bin/env python3
"""Prints a `loci eval repeatability --json` report as a Markdown table (repeatability %, matching score %)."""
import json
import sys

report = json.load(open(sys.argv[1]))
print(f"detector {report['detector']}: mean repeatability {report['mean_repeatability']:.1f} %, "
      f"mean matching score {report.get('mean_matching_score') or 0:.1f} %, {report['mean_features']:.0f} features/image")
print("| sequence | 1-2 | 1-3 | 1-4 | 1-5 | 1-6 | mean |")
print("|---|---|---|---|---|---|---|")
for name in sorted(report["sequences"]):
    pairs = report["sequences"][name]
    cells = [f"{p['repeatability']:.1f} ({p['matching_score']:.1f})" if p.get("matching_score") is not None
             else f"{p['repeatability']:.1f}" for p in pairs]
    mean = sum(p["repeatability"] for p in pairs) / len(pairs)
    print(f"| {name} ({pairs[0]['features'][0]} feat.) | " + " | ".join(cells) + f" | {mean:.1f} |")
