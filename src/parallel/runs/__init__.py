"""Runs: the commands' pipelines, each combining stages (read, segment, translate, align, score,
the formats) into one piece of work.  Only runs combine stages; no stage imports a run."""
