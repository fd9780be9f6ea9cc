"""Translation: the model registry and its formats, OPUS-MT's text rules, batches, the cache, the translator."""
