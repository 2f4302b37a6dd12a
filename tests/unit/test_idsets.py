"""The compact id sets and maps behave as the set and dict they replace (first assignment
wins in CommentOwners)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.state.idsets import CommentOwners, IdSet, KeyMap, KeySet

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

# Blog ids, and ints a bitmap cannot hold (negative, 2**64 and above).
ids = st.one_of(st.integers(0, 5000), st.integers(-(2**70), 2**70))
# Owners: post ids the arrays hold, and some they cannot (kept aside, still right).
owners = st.tuples(
    st.one_of(st.none(), st.integers(0, 50), st.sampled_from([-1, 2**64 - 1, 2**64])),
    st.sampled_from(["comment", "pingback"]),
)


@given(st.lists(ids), st.lists(ids))
def test_id_set_is_a_set(added: list[int], probed: list[int]) -> None:
    compact, plain = IdSet(added), set(added)
    assert len(compact) == len(plain)
    assert sorted(compact) == sorted(plain)
    assert [p in compact for p in probed] == [p in plain for p in probed]


@given(st.lists(st.tuples(ids, owners)), st.lists(ids))
def test_comment_owners_keep_the_first_owner_in_arrival_order(
    assigned: list[tuple[int, tuple[int | None, str]]], probed: list[int]
) -> None:
    compact = CommentOwners()
    plain: dict[int, tuple[int | None, str]] = {}
    for comment_id, owner in assigned:
        compact[comment_id] = owner
        plain.setdefault(comment_id, owner)
    assert len(compact) == len(plain)
    assert dict(compact.items()) == plain
    assert sorted(compact) == sorted(plain)
    assert sorted(compact.values(), key=repr) == sorted(plain.values(), key=repr)
    assert [p in compact for p in probed] == [p in plain for p in probed]

    # Ids and owners the arrays hold come back in the order they arrived.
    def held(cid: int) -> bool:
        post = plain[cid][0]
        return 0 <= cid < 2**64 and (post is None or 0 <= post < 2**64 - 1)

    assert [cid for cid in compact if held(cid)] == [cid for cid in plain if held(cid)]


def test_comment_owners_past_the_recent_owners_index() -> None:
    # 300 threads, then comments of the first ones again (later comment pages): their
    # owners are no longer in the recent index, and still come back right.
    compact = CommentOwners()
    plain: dict[int, tuple[int | None, str]] = {}
    # Each record's type a string object of its own, as records unpickled from a worker.
    assignments = [
        (post * 10 + n, (post, "".join(["com", "ment"]))) for post in range(300) for n in range(3)
    ]
    assignments += [
        (10_000 + post, (post, "pingback" if post % 2 else "comment")) for post in range(5)
    ]
    for comment_id, owner in assignments:
        compact[comment_id] = owner
        plain.setdefault(comment_id, owner)
    assert dict(compact.items()) == plain
    assert list(compact.values()) == list(plain.values())
    # The type strings are shared, whatever objects the records brought.
    kinds = {id(kind) for _, kind in compact.values() if kind == "comment"}
    assert len(kinds) == 1


def test_comment_owners_with_more_types_than_the_arrays_number() -> None:
    # 300 comment types (a plugin's own): past 256 they are kept aside, still right.
    plain = {n: (n % 7, f"type-{n}") for n in range(300)}
    compact = CommentOwners(plain)
    assert dict(compact.items()) == plain
    assert len(compact) == 300


def test_comment_owners_from_a_mapping() -> None:
    owners = CommentOwners({12: (1, "comment"), 10: (2, "pingback")})
    assert list(owners.items()) == [(12, (1, "comment")), (10, (2, "pingback"))]
    assert 12 in owners
    assert 11 not in owners
    # A 64-bit id after 32-bit ones (Blogger's): the ids' array widens, order kept.
    owners[2**40] = (1, "comment")
    owners[11] = (3, "comment")
    assert list(owners) == [12, 10, 2**40, 11]


@given(st.lists(ids), st.lists(ids), st.lists(ids))
def test_id_set_operations_match_set_operations(
    first: list[int], second: list[int], gone: list[int]
) -> None:
    compact, plain = IdSet(first), set(first)
    compact |= set(second)
    plain |= set(second)
    compact.update(second)
    for value in gone:
        compact.discard(value)
        plain.discard(value)
    expected: AbstractSet[int] = plain  # == between an IdSet and a set, both ways
    assert compact == expected
    assert expected == compact
    assert set(compact - set(second)) == plain - set(second)
    assert set(compact | set(gone)) == plain | set(gone)


# 64-bit hashes, from a narrow range too (so that probes hit added keys).
keys = st.one_of(st.integers(0, 2**64 - 1), st.integers(0, 300))


@given(st.lists(keys, max_size=400), st.lists(keys), st.lists(keys))
def test_key_set_is_a_set(added: list[int], gone: list[int], probed: list[int]) -> None:
    compact, plain = KeySet(added), set(added)
    for key in gone:
        compact.discard(key)
        plain.discard(key)
    assert len(compact) == len(plain)
    assert sorted(compact) == sorted(plain)
    assert [key in compact for key in probed] == [key in plain for key in probed]
    expected: AbstractSet[int] = plain
    assert compact == expected


def test_key_set_keeps_finding_many_keys_added_twice() -> None:
    compact = KeySet()
    added = [(n * 0x9E3779B97F4A7C15) % 2**64 for n in range(1, 5000)]
    for n, key in enumerate(added):
        compact.add(key)
        compact.add(added[n // 2])  # a key already held, merged or not
    assert len(compact) == len(added)
    assert all(key in compact for key in added)
    assert 0 not in compact
    assert list(compact) == sorted(added)  # ascending, each once


def test_key_set_refuses_what_is_not_a_64_bit_key() -> None:
    with pytest.raises(ValueError, match=r"0\.\.2"):
        KeySet([2**64])
    with pytest.raises(ValueError, match=r"0\.\.2"):
        KeySet([-1])
    not_a_key: object = "a URL"
    assert not_a_key not in KeySet([1])


# Post ids and counts; keys from a narrow range too (so that probes and updates hit).
map_keys = st.one_of(st.integers(0, 300), st.integers(0, 2**64 - 1), st.integers(-(2**70), -1))
operations = st.lists(
    st.tuples(st.sampled_from(["set", "add"]), map_keys, st.integers(-(2**40), 2**40)),
    max_size=400,
)


@given(operations, st.lists(map_keys))
def test_key_map_is_a_dict_of_ints(done: list[tuple[str, int, int]], probed: list[int]) -> None:
    compact, plain = KeyMap(), {}
    for operation, key, value in done:
        if operation == "set":
            compact[key] = plain[key] = value
        else:
            compact.add(key, value)
            plain[key] = plain.get(key, 0) + value
    assert compact == plain
    assert len(compact) == len(plain)
    assert [compact.get(key) for key in probed] == [plain.get(key) for key in probed]
    assert [key in compact for key in probed] == [key in plain for key in probed]
    # Key order, keys outside 0..2**64-1 after the others.
    held = sorted(key for key in plain if key >= 0)
    assert list(compact)[: len(held)] == held
    assert sorted(compact.values()) == sorted(plain.values())


def test_key_map_keeps_every_value_of_many_keys() -> None:
    compact = KeyMap()
    keys = [(n * 0x9E3779B97F4A7C15) % 2**64 for n in range(1, 3000)]
    for n, key in enumerate(keys):
        compact[key] = n
        compact.add(keys[n // 2], 1000)  # merged or recent, counted once each time
    expected = dict.fromkeys(keys, 0)
    for n, key in enumerate(keys):
        expected[key] += n
        expected[keys[n // 2]] += 1000
    assert dict(compact.items()) == expected
    assert [key for key, _ in compact.items()] == sorted(expected)
    with pytest.raises(KeyError):
        compact[1]
    assert compact.get(1, -1) == -1
