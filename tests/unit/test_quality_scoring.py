"""The pure scoring functions of bench/quality.py, on small hand-made inputs."""

from __future__ import annotations

import lxml.etree
import pytest

from bench.quality import (
    BOILERPLATE,
    HEADER,
    CommentMatch,
    Row,
    TruthPost,
    block_words,
    comments_in_text,
    count_boilerplate,
    crawl_theme,
    detect_theme,
    kept,
    markdown_table,
    match_comments,
    normalize_url,
    post_url_key,
    private_data_found,
    text_words,
    token_f1,
    truth_images,
    truth_links,
    truth_words,
)


def test_truth_words_break_after_blocks_but_not_inside_inline_elements():
    assert truth_words("<ul><li>a</li><li>b</li></ul>") == ["a", "b"]
    assert truth_words("<p>one</p><p>two<br>three</p>") == ["one", "two", "three"]
    assert truth_words("<p>fo<em>o</em>bar, <a href='/x'>l’été</a></p>") == ["foobar", "l", "été"]
    assert truth_words("  ") == []


def test_block_words_reads_trafilatura_xml():
    root = lxml.etree.fromstring(
        b"<doc><main><p>a<hi>b</hi></p><list><item>c</item><item>d</item></list></main>"
        b"<comments><p>e</p></comments></doc>"
    )
    assert block_words(root, ("main", "comments", "p", "list", "item")) == ["ab", "c", "d", "e"]


def test_text_words_are_unicode_word_runs():
    assert text_words("Café — 東京, 2024!") == ["Café", "東京", "2024"]


@pytest.mark.parametrize(
    ("expected", "got", "f1"),
    [
        (["a", "b"], ["a", "b"], 1.0),
        ([], [], 1.0),
        (["a"], [], 0.0),
        (["a"], ["b"], 0.0),
        (["a", "b"], ["a"], 2 / 3),  # precision 1, recall 1/2
        (["a", "a", "b"], ["a", "b", "b"], 2 / 3),  # bags: one "a" and one "b" in common
    ],
)
def test_token_f1(expected, got, f1):
    assert token_f1(expected, got) == pytest.approx(f1)


def test_normalize_url_resolves_drops_fragment_and_decodes():
    base = "http://blog.example/2024/01/02/post/"
    assert normalize_url("../other/#x", base) == "http://blog.example/2024/01/02/other/"
    assert normalize_url("/%e6%9d%b1%e4%ba%ac/") == normalize_url("/%E6%9D%B1%E4%BA%AC/")
    assert normalize_url(" http://a.example/p ") == "http://a.example/p"


def test_truth_links_and_images():
    html = (
        '<p><a href="/about/">About</a> <a>no href</a> <a href="https://x.example/#top">x</a></p>'
        '<figure><img loading="lazy" src="/up/a.png" alt="A cat" srcset="/up/a-300.png 300w">'
        '</figure><img src="b.png">'
    )
    base = "http://blog.example/post/"
    assert truth_links(html, base) == {"http://blog.example/about/", "https://x.example/"}
    assert truth_images(html, base) == {
        ("http://blog.example/up/a.png", "A cat"),
        ("http://blog.example/post/b.png", ""),
    }
    assert truth_links("", base) == set() == truth_images("", base)


def test_kept_counts_distinct_expected_items():
    assert kept({"a", "b", "c"}, ["a", "c", "z", "a"]) == (2, 3)
    assert kept(set(), ["a"]) == (0, 0)


def test_match_comments_by_id():
    truth = {1: 0, 2: 1, 3: 2, 4: 0}
    got = {1: 0, 2: 0, 3: 2, 9: 0}  # 2 has the wrong parent, 4 is missing, 9 is spurious
    assert match_comments(truth, got) == CommentMatch(
        found=3, missed=1, spurious=1, wrong_parents=1
    )
    assert match_comments({}, {}) == CommentMatch(0, 0, 0, 0)


def test_a_wrong_parent_marked_uncertain_is_counted_apart():
    truth = {1: 0, 2: 1, 3: 1}
    got = {1: 0, 2: 0, 3: 0}  # threading off: every parent read as the top level
    assert match_comments(truth, got, uncertain=[2, 1]) == CommentMatch(
        found=3, missed=0, spurious=0, wrong_parents=1, uncertain_parents=1
    )


def test_comments_in_text_uses_each_copy_of_the_words_once():
    same = ["great", "post", "thanks"]
    assert comments_in_text([same, same], [*same, "reply"]) == 1
    assert comments_in_text([same, same], [*same, *same]) == 2


def test_comments_in_text_needs_most_of_the_words():
    comment = ["one", "two", "three", "four", "five"]
    assert comments_in_text([comment], ["one", "two", "three", "four"]) == 1  # 4/5 = 0.8
    assert comments_in_text([comment], ["one", "two", "three"]) == 0
    assert comments_in_text([comment], ["one", "two", "three"], share=0.6) == 1


def test_count_boilerplate_counts_records_not_phrases():
    records = ["Leave a Reply Cancel reply", "a clean comment", "Connecting to %s"]
    assert count_boilerplate(records) == 2
    assert count_boilerplate([f"x {phrase} y" for phrase in BOILERPLATE]) == len(BOILERPLATE)
    assert count_boilerplate(["Connecting to Facebook"]) == 0


def test_private_data_found_matches_whole_addresses_only():
    needles = ["192.0.2.1", "ann@commenters.example", "2001:db8::7"]
    assert private_data_found(["from 192.0.2.15 and 10.192.0.2.1x"], needles) == []
    assert private_data_found(["seen at 192.0.2.1."], needles) == ["192.0.2.1"]
    assert private_data_found(['{"url": "mailto:ann@commenters.example"}'], needles) == [
        "ann@commenters.example"
    ]
    assert private_data_found(["2001:db8::7"], needles) == ["2001:db8::7"]
    assert private_data_found(["nothing"], []) == []


def test_post_url_key_strips_comment_pages():
    post = "http://blog.example/2023/06/15/big/"
    assert post_url_key(post + "comment-page-3/") == post
    assert post_url_key(post + "#comments") == post
    assert post_url_key("http://blog.example/?p=5&cpage=2") == "http://blog.example/?p=5"


def test_detect_theme_from_asset_urls():
    html = (
        '<link href="/wp-content/themes/twentytwentyone/style.css">'
        '<script src="/wp-content/themes/twentytwentyone/a.js"></script>'
        '<link href="/wp-content/themes/parent-theme/x.css">'
    )
    assert detect_theme(html) == "twentytwentyone"
    assert detect_theme("<p>no theme</p>") == "?"


def test_markdown_table():
    assert markdown_table(["a", "b"], [["1", "2"]]) == "| a | b |\n| --- | --- |\n| 1 | 2 |"


def test_row_scores_bodies_and_prints_n_a_for_what_it_cannot_tell():
    post = TruthPost(
        id=1,
        url="http://blog.example/p/",
        words=["a", "b"],
        links={"http://blog.example/x/"},
        images={("http://blog.example/i.png", "alt")},
        scored=True,
    )
    row = Row("tool", "theme")
    row.score_body(post, ["a", "b"], ["/x/"], [("/i.png", "alt")])
    row.score_body(post, ["a"], [], [("/i.png", "other alt")])
    row.comments_found, row.comments_missed = 3, 1
    cells = dict(zip(HEADER, row.cells(), strict=True))
    assert cells["body F1 mean"] == f"{(1 + 2 / 3) / 2:.4f}"
    assert cells["body F1 min"] == f"{2 / 3:.4f}"
    assert cells["links kept"] == "1/2"
    assert cells["images kept"] == "1/2"
    assert cells["comments found"] == "3/4"
    assert cells["missed"] == "1"
    assert cells["spurious"] == cells["wrong parents"] == cells["comment text F1"] == "n/a"
    assert cells["CPU ms/page"] == "n/a"
    row.cpu_seconds, row.pages = 0.5, 100
    assert dict(zip(HEADER, row.cells(), strict=True))["CPU ms/page"] == "5.0"


def test_crawl_theme_tells_when_the_theme_changed_during_the_crawl():
    one = '<link href="/wp-content/themes/twentytwentyone/style.css">'
    three = '<link href="/wp-content/themes/twentytwentythree/style.css">'
    assert crawl_theme([one, one]) == "twentytwentyone"
    assert crawl_theme([three, one]) == "twentytwentyone+twentytwentythree (mixed)"
