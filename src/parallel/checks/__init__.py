"""The post-editor's flags and what they read: numbers in words, the length model, glossaries."""
