"""The records blog-archiver writes, and nothing else: the bottom layer.

``items``: the record types (:class:`~archiver.records.items.Post`,
:class:`~archiver.records.items.Comment`, ``SCHEMA_VERSION``); ``lines``: their exact JSON
Lines bytes; ``sorting``: the stable order of the JSONL files (an external merge sort);
``schemas/``: the published JSON Schemas; ``values``: the one reading of dates (UTC with
``Z``, the blog's own clock beside it) that extraction, the state and the rebuild share.
No Scrapy, no network: every other layer
imports this one, and it imports none of them.
"""
