"""Reproducible performance scripts; each records its results in benchmarks/RESULTS.md."""
