"""blog-archiver: archive WordPress-style blogs, posts and comments both, into WARC + JSON."""

from __future__ import annotations

__version__ = "0.1.0"
