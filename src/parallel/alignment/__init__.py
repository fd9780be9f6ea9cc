"""Sentence alignment: features, the fitted evidence, bead costs, the banded search, the learned word table."""
