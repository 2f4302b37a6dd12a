"""Records extracted from recorded pages match the published JSON Schemas."""

from __future__ import annotations

import json

import pytest
from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator

from archiver.extract.comments import extract_comments_from_html
from archiver.extract.page import parse_html
from archiver.extract.posts import extract_post_from_html, post_from_api
from archiver.records.items import Comment, Post, json_schema
from tests.conftest import load_fixture


def _errors(kind: str, record: Post | Comment) -> list[str]:
    validator = Draft202012Validator(json_schema(kind))
    Draft202012Validator.check_schema(validator.schema)
    return [e.message for e in validator.iter_errors(ItemAdapter(record).asdict())]


@pytest.mark.parametrize("theme", ["twentytwentyone", "twentytwentythree"])
def test_html_records_match_the_schema(theme):
    url, text = load_fixture(theme, "seed-post.html")
    page = parse_html(text)
    post = extract_post_from_html(url, page)
    assert _errors("post", post) == []
    for comment in extract_comments_from_html(url, page, post.id):
        assert _errors("comment", comment) == []


def test_api_record_matches_the_schema():
    _, text = load_fixture("api", "seed-post.json")
    assert _errors("post", post_from_api(json.loads(text))) == []


def test_the_schema_rejects_what_must_never_be_in_a_record():
    comment = Comment(id=1, post_id=2, content_html='<a href="javascript:x()">x</a>')
    assert _errors("comment", comment)
    record = ItemAdapter(Comment(id=1, post_id=2)).asdict()
    record["author"]["email"] = "someone@example.com"
    validator = Draft202012Validator(json_schema("comment"))
    assert list(validator.iter_errors(record))
