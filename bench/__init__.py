"""Benchmarks of blog-archiver: run as scripts (``python bench/quality.py``), not imported."""
