"""Sentence segmentation of Arabic and English articles."""
