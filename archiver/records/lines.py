"""Records as JSON lines: the exact bytes ``posts.jsonl`` and ``comments.jsonl`` hold.

Each record is turned into plain dicts and lists once (:func:`plain`) and encoded by the C
JSON encoder. The bytes are the ones Scrapy's ``jsonlines`` exporter wrote with
``FEED_EXPORT_ENCODING = "utf-8"``: keys in field order, ``ensure_ascii=False``, default
separators (tests/unit/test_recordfiles.py compares the two). The crawl
(:mod:`archiver.crawl.record_files`) and the rebuild (:mod:`archiver.warc.rebuild`) write
with the same functions, so their files are byte-identical.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archiver.records.items import Comment, Post

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


_encode = json.JSONEncoder(ensure_ascii=False).encode


def plain(value: Any) -> Any:
    """``value`` with every dataclass turned into a dict of its fields, in field order."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [plain(element) for element in value]
    if isinstance(value, dict):
        return {key: plain(element) for key, element in value.items()}
    cls = type(value)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        if not is_dataclass(value):
            return value  # left to the encoder, which fails on what JSON cannot hold
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(value))
    return {name: plain(getattr(value, name)) for name in names}


def json_line(record: dict[str, Any]) -> str:
    """One JSON line (newline-terminated) for a record already made :func:`plain`."""
    return _encode(record) + "\n"


def record_line(record: Post | Comment) -> bytes:
    """One JSON line (UTF-8, newline-terminated) for a post or comment record."""
    return json_line(plain(record)).encode("utf-8")
