"""Cleaning rules on small inputs: safety properties and text that must survive."""

from __future__ import annotations

import pytest

from archiver.extract.clean import clean_bodies, clean_body, clean_html, fragment_text
from archiver.extract.page import inner_html, parse_html
from tests.conftest import load_fixture


def test_scripts_styles_and_forms_are_removed():
    html = clean_html(
        "<p>kept</p><script>alert(1)</script><style>p{}</style>"
        "<form><input name=email></form><noscript>x</noscript>"
    )
    assert html == "<p>kept</p>"


def test_event_handlers_and_script_urls_are_removed():
    html = clean_html(
        '<a href="javascript:alert(1)" onclick="x()">a</a>'
        '<a href=" JaVa\tScRiPt:alert(1)">b</a>'
        '<img src="data:text/html;base64,PHNjcmlwdD4=" onerror="x()" alt="c">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="d">'
        '<iframe srcdoc="<script>x</script>" src="https://video.example/embed/1"></iframe>'
    )
    assert "javascript" not in html.lower()
    assert "onclick" not in html
    assert "onerror" not in html
    assert "data:text/html" not in html
    assert "srcdoc" not in html
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html
    assert 'src="https://video.example/embed/1"' in html


def test_words_inside_inline_markup_are_kept_with_their_spaces():
    body = clean_body(
        "<p>she had these <em>big brown eyes</em> I just kept drifting off in to, "
        "not <strong>too</strong>&nbsp;much <a href='/x'>link</a>.</p>",
        "https://blog.example/post/",
    )
    assert body.text == (
        "she had these big brown eyes I just kept drifting off in to, not too\xa0much link."
    ).replace("\xa0", " ")
    assert [(link.href, link.text) for link in body.links] == [("https://blog.example/x", "link")]


def test_blocks_become_paragraphs_and_br_a_line_break():
    body = clean_body("<p>one<br>two</p><ul><li>three</li><li>four</li></ul>", "https://b/")
    assert body.text == "one\ntwo\n\nthree\n\nfour"


def test_images_keep_alt_and_caption():
    body = clean_body(
        '<figure><img src="/a.png" alt="A red square"><figcaption>Fig. 1</figcaption></figure>',
        "https://blog.example/p/",
    )
    (image,) = body.images
    assert (image.src, image.alt, image.caption) == (
        "https://blog.example/a.png",
        "A red square",
        "Fig. 1",
    )


def test_comment_form_phrases_are_dropped_even_outside_the_form():
    html = clean_html(
        "<p>Real text.</p><h3>Leave a Reply</h3>"
        "<p>You are commenting using your WordPress.com account. ( Log Out / Change )</p>"
        "<p>Connecting to %s</p><p>A sentence that says Leave a Reply inside it stays.</p>"
    )
    assert "Real text." in html
    assert "<h3>" not in html
    assert "commenting using" not in html
    assert "Connecting to" not in html
    assert "A sentence that says Leave a Reply inside it stays." in html


def test_fragment_text_decodes_entities():
    assert fragment_text("Further thoughts on &#8216;Her&#8217; by Spike Jonze") == (
        "Further thoughts on ‘Her’ by Spike Jonze"
    )


@pytest.mark.parametrize(
    ("theme", "page"),
    [
        ("twentytwentyone", "comment-page-2.html"),
        ("twentytwentythree", "comment-page-2.html"),
        ("wpcom", "comment-page-2.html"),
        ("twentytwentyone", "pingback-post.html"),
    ],
)
def test_one_parse_for_all_comments_of_a_page_cleans_each_as_alone(theme, page):
    """clean_bodies (one BeautifulSoup parse a page) gives what clean_body gives per
    comment, on the comments of recorded pages."""
    url, text = load_fixture(theme, page)
    fragments = [
        inner_html(item) for item in parse_html(text).xpath("//li[starts-with(@id, 'comment-')]")
    ]
    assert len(fragments) > 1
    assert clean_bodies(fragments, url) == [clean_body(html, url) for html in fragments]


def test_one_parse_for_fragments_that_do_not_close_what_they_open():
    fragments = ["<p>one <b>bold", "<ul><li>two", "<table><tr><td>three", "four</p>", ""]
    expected = [clean_body(html, "https://blog.example/") for html in fragments]
    assert clean_bodies(fragments, "https://blog.example/") == expected


def test_a_themes_own_page_links_wrapper_is_navigation_not_text():
    # wp_link_pages() with Kubrick's arguments ("before" => "<p><strong>Pages:</strong> "),
    # as the test WordPress's ba-kubrick theme printed it for the seed's three-page post.
    recorded = (
        '<p>We were home before dark.</p>\n<p><strong>Pages:</strong>  <span class="post-page-'
        'numbers current" aria-current="page">1</span> <a href="http://127.0.0.1:8111/2024/05/'
        '11/a-long-walk-in-three-pages/2/" class="post-page-numbers">2</a> <a href="http://127.'
        '0.0.1:8111/2024/05/11/a-long-walk-in-three-pages/3/" class="post-page-numbers">3</a></p>'
    )
    body = clean_body(recorded + "<p>Pages: a word about pages 2 and 3.</p>", "http://127.0.0.1/")
    expected = "We were home before dark. Pages: a word about pages 2 and 3."
    assert " ".join(body.text.split()) == expected
    assert body.links == []
