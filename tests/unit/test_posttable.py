"""The post tables behave as the dicts of posts and URLs they replace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.state.posttable import KnownPost, PostTable, TextMap

# Any text: a URL with a lone surrogate (from percent-decoding) must come back as it was.
texts = st.text(st.characters(codec=None), max_size=40)
post_ids = st.one_of(st.integers(0, 200), st.integers(0, 2**64 - 1), st.integers(-(2**70), -1))
known_posts = st.builds(
    KnownPost, post_ids, st.sampled_from(["post", "page", "product"]), texts, texts
)


@given(st.lists(st.tuples(post_ids, texts)), st.lists(post_ids))
def test_text_map_is_a_dict_of_strings(assigned: list[tuple[int, str]], probed: list[int]) -> None:
    compact, plain = TextMap(), {}
    for key, value in assigned:
        compact[key] = plain[key] = value  # the last value wins, as in a dict
    assert compact == plain
    assert [compact.get(key) for key in probed] == [plain.get(key) for key in probed]


@given(st.lists(known_posts), st.lists(post_ids))
def test_post_table_is_a_dict_of_posts(posts: list[KnownPost], probed: list[int]) -> None:
    compact, plain = PostTable(), {}
    for post in posts:
        compact[post.id] = plain[post.id] = post
    assert compact == plain
    assert len(compact) == len(plain)
    assert sorted(compact.values(), key=repr) == sorted(plain.values(), key=repr)
    assert dict(compact.items()) == plain
    assert [compact.get(pid) for pid in probed] == [plain.get(pid) for pid in probed]
    assert PostTable(plain) == plain == PostTable(plain.values())


def test_post_table_shares_one_type_string_and_checks_ids() -> None:
    # Each record's type a string object of its own, as records unpickled from a worker.
    table = PostTable(KnownPost(n, "".join(["po", "st"]), f"/{n}/", "") for n in range(50))
    assert len({id(post.type) for post in table.values()}) == 1
    with pytest.raises(ValueError, match="post 2 stored as 3"):
        table[3] = KnownPost(2, "post", "/2/", "")


def test_a_table_collected_leaves_no_rows_behind() -> None:
    """Each container owns its rows in the process's scratch database (archiver.state.scratch):
    a container dropped takes them with it, so short-lived ones do not fill the file."""
    import gc

    from archiver.state import scratch

    def rows() -> int:
        db = scratch.database()
        return sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in scratch._TABLES)  # noqa: S608

    before = rows()
    table = PostTable(KnownPost(n, "post", f"/{n}/", "") for n in range(100))
    urls = TextMap({n: f"/{n}/" for n in range(100)})
    assert rows() == before + 200
    del table, urls
    gc.collect()
    assert rows() == before
