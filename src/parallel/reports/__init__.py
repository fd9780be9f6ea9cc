"""What a run tells people: report.json and report.md (counts, timings, scores, what to review first)
and review.html (each document's source, MT and reference side by side)."""
