"""Document pairing: which English document of a crawl translates which Arabic one (``parallel pair-docs``)."""
