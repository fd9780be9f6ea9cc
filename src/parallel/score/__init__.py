"""Scores through sacrebleu, and articles scored against their references."""
