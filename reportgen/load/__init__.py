"""Loaders: read a data set from disk into the typed model, collecting located problems."""
