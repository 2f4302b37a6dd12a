"""The records blog-archiver writes, and nothing else: the bottom layer.

``items``: the record types (:class:`~archiver.records.items.Post`,
:class:`~archiver.records.items.Comment`, ``SCHEMA_VERSION``); ``lines``: their exact JSON
Lines bytes; ``sorting``: the stable order of the JSONL files (an external merge sort);
``schemas/``: the published JSON Schemas. No Scrapy, no network: every other layer
imports this one, and it imports none of them.
"""
