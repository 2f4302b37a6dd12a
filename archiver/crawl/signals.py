"""Signals of blog-archiver's own, sent through Scrapy's signal manager."""

from __future__ import annotations

#: A URL could not be archived: ``url``, ``reason`` and ``status`` (int or None) are sent.
url_failed = object()
#: Something about discovery worth a line in the summary: ``key`` and ``value``.
discovery_note = object()
#: summary.json was written: ``summary`` is its content (a dict), so that others need not
#: read the file back (a first crawl's lists every comment id as new).
crawl_summary = object()
