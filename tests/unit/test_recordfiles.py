"""record_line writes the bytes Scrapy's jsonlines feed export wrote for the same records."""

from __future__ import annotations

import io

from scrapy.exporters import JsonLinesItemExporter

from archiver.records.items import Author, Comment, Image, Link, Post, Provenance, Term
from archiver.records.lines import plain, record_line

PROVENANCE = Provenance(
    url="http://blog.example/2020/01/ünïcode/",
    source="html",
    warc_file="blog-archiver-1-00000.warc.gz",
    warc_offset=1234,
    warc_record_id="<urn:uuid:1>",
)
RECORDS: list[Post | Comment] = [
    Post(
        id=12,
        url="http://blog.example/2020/01/ünïcode/",
        title='Quotes " and \\ backslashes, tabs\t, 日本語 and an emoji 🎉',
        author=Author(name="Zoë", url=None),
        categories=[Term(name="Café", slug="cafe"), Term(name="x")],
        tags=[],
        content_html="<p>line\nbreak \u2028 separator</p>",
        links=[Link(href="http://a.example/", text="a")],
        images=[Image(src="/i.png", alt="<alt>", caption="")],
        sticky=True,
        comment_count_declared=None,
        field_sources={"title": "html", "modified": "api"},
        provenance=[PROVENANCE, Provenance(url="http://blog.example/wp-json/", source="api")],
    ),
    Post(id=None, type="page"),
    Comment(id=7, post_id=None, parent_id=3, depth=2, content_text="é\x00\x1f", provenance=[]),
]


def scrapy_line(record: object) -> bytes:
    out = io.BytesIO()
    exporter = JsonLinesItemExporter(out, encoding="utf-8")
    exporter.start_exporting()
    exporter.export_item(record)
    exporter.finish_exporting()
    return out.getvalue()


def test_record_lines_are_byte_identical_to_scrapys_jsonlines_exporter():
    for record in RECORDS:
        assert record_line(record) == scrapy_line(record)


def test_plain_keeps_field_order_and_leaves_the_record_alone():
    record = RECORDS[2]
    assert isinstance(record, Comment)
    data = plain(record)
    assert list(data) == [
        "id",
        "post_id",
        "parent_id",
        "depth",
        "parent_uncertain",
        "type",
        "author",
        "published",
        "published_local",
        "content_html",
        "content_text",
        "permalink",
        "field_sources",
        "provenance",
        "schema_version",
    ]
    assert data["author"] == {"name": "", "url": None}
    assert isinstance(record.author, Author)
