"""The summary's id lists (archiver.crawl.summary.IdList) read an IdSet as they are written, and
stand for the sorted list they replace: in summary.json and for the signal's receivers."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from archiver.crawl.summary import IdList
from archiver.state.idsets import IdSet

ids = st.lists(st.one_of(st.integers(0, 5000), st.integers(-(2**70), 2**70)))


@given(ids)
def test_an_id_list_is_written_and_compared_as_the_sorted_list(values: list[int]) -> None:
    expected = sorted(set(values))
    listed = IdList(IdSet(values))
    assert list(listed) == expected
    assert listed == expected
    assert expected == listed  # the list's side of ==, too
    assert len(listed) == len(expected)
    assert bool(listed) == bool(expected)
    if expected:
        assert listed[0] == expected[0]
        assert listed[-1] == expected[-1]
    summary = {"changes": {"new_comments": listed, "kind": "full"}}
    written = io.StringIO()
    json.dump(summary, written, indent=2)  # how summary.json is written
    plain = {"changes": {"new_comments": expected, "kind": "full"}}
    assert written.getvalue() == json.dumps(plain, indent=2)
    assert json.dumps(summary) == json.dumps(plain)


def test_an_id_list_holds_no_copy_of_the_ids() -> None:
    source = IdSet(range(1000, 2000))
    listed = IdList(source)
    assert list.__len__(listed) == 0  # nothing stored in the list itself
    source.add(5)
    assert listed[0] == 5  # read from the set when iterated
    assert len(listed) == 1001
