"""Filters over aligned pairs: one module per filter, each a ``PairFilter`` that says why it removes a
pair, all known through ``registry.FILTERS``."""
