"""Compact sets and maps of record ids and URL keys, for what a crawl keeps until it ends.

A blog has about ten times more comments than posts, and a crawl keeps two facts about
each comment it archived until it ends: that its id was seen (duplicates are dropped) and
which thread it belongs to (for the state, see :mod:`archiver.state.site`). In Python sets and
dicts that is about 150 bytes a comment, the largest part of a crawl's memory growth;
here it is a few bytes: ids in a Roaring bitmap (pyroaring), owners in typed arrays.
URLs and requests seen are kept as 64-bit hashes, in sorted arrays (:class:`KeySet`),
and counts per post in sorted arrays too (:class:`KeyMap`).

Beyond the bytes, typed arrays keep no small object alive: a few long-lived objects per
record (an int, a tuple, a string) scattered among the crawl's short-lived ones hold
whole pages of the allocator, which is how a crawl's memory grows faster than its data.
"""

from __future__ import annotations

import heapq
import sys
from array import array
from bisect import bisect_left
from collections.abc import MutableSet
from typing import TYPE_CHECKING

from pyroaring import BitMap64

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

_ID_LIMIT = 1 << 64  # BitMap64 and array("Q") hold 0 <= id < 2**64
_UINT32_MAX = (1 << 32) - 1  # CommentOwners: WordPress's comment ids, until a larger one
_NO_POST = _ID_LIMIT - 1  # CommentOwners: the owner's post id is None
_RECENT_OWNERS = 64  # threads whose owner index CommentOwners keeps
_MERGE_MIN = 1024  # KeySet, KeyMap: fewest recent keys merged into the sorted array at once

Owner = tuple[int | None, str]
"""(post id, comment type) of a comment."""


class IdSet(MutableSet[int]):
    """A set of ints: ids in 0..2**64-1 in a Roaring bitmap (2 bytes an id or less for
    ids as dense as a blog's), any other int in a plain set. A ``MutableSet``: ``|=``,
    ``-``, ``==`` and the rest work as with ``set``, with sets too."""

    __slots__ = ("_bitmap", "_others")

    def __init__(self, ids: Iterable[int] = ()) -> None:
        self._bitmap = BitMap64()
        self._others: set[int] = set()
        for value in ids:
            self.add(value)

    def add(self, value: int) -> None:
        if 0 <= value < _ID_LIMIT:
            self._bitmap.add(value)
        else:
            self._others.add(value)

    def update(self, values: Iterable[int]) -> None:
        for value in values:
            self.add(value)

    def discard(self, value: int) -> None:
        if 0 <= value < _ID_LIMIT:
            self._bitmap.discard(value)
        else:
            self._others.discard(value)

    def __contains__(self, value: object) -> bool:
        if isinstance(value, int) and 0 <= value < _ID_LIMIT:
            return value in self._bitmap
        return value in self._others

    def ascending(self) -> Iterator[int]:
        """The ids in ascending order, as ``sorted()`` gives them, without a list of all."""
        others = sorted(self._others)
        yield from (value for value in others if value < 0)
        yield from self._bitmap
        yield from (value for value in others if value >= 0)

    def __repr__(self) -> str:
        return f"IdSet({sorted(self)!r})"

    def __len__(self) -> int:
        return len(self._bitmap) + len(self._others)

    def __iter__(self) -> Iterator[int]:
        yield from self._bitmap
        yield from self._others


class CommentOwners:
    """Comment id -> (post id, type) of every comment a crawl captured, in arrival order.

    About 10 bytes a comment: the id in an :class:`IdSet` and an array (of 32-bit ids until
    a larger one comes), the owner as an
    index into the few distinct owners (one per thread and type), themselves in arrays (a
    post id and the number of an interned type). A comment id is stored once: a second
    assignment of an id already held is ignored (the first record wins, as in
    :class:`archiver.crawl.pipelines.DeduplicatePipeline`; a comment does not change threads).

    Owners are looked up among the recent ones only (a thread's comments arrive together,
    from its page): an index of every owner would cost more a post than the owners
    themselves. An owner seen again after that (a later comment page) is stored again,
    which changes nothing but a few bytes.
    """

    __slots__ = (
        "_ids",
        "_kind_codes",
        "_kinds",
        "_order",
        "_others",
        "_owner_index",
        "_owner_kinds",
        "_owner_of",
        "_owner_posts",
    )

    def __init__(self, comments: Mapping[int, Owner] | None = None) -> None:
        self._ids = IdSet()
        self._order = array("I")
        self._owner_of = array("I")
        # Owner n is (post _owner_posts[n] or None for _NO_POST, type _kinds[_owner_kinds[n]]).
        self._owner_posts = array("Q")
        self._owner_kinds = array("B")
        self._kinds: list[str] = []
        self._kind_codes: dict[str, int] = {}
        self._owner_index: dict[Owner, int] = {}
        # Comments whose id or owner the arrays cannot hold (ids outside 0..2**64-2).
        self._others: dict[int, Owner] = {}
        for comment_id, owner in (comments or {}).items():
            self[comment_id] = owner

    def __setitem__(self, comment_id: int, owner: Owner) -> None:
        if comment_id in self._ids:
            return
        self._ids.add(comment_id)
        index = self._owner_index.get(owner)
        if index is None:
            index = self._new_owner(owner)
        if index is None or not 0 <= comment_id < _ID_LIMIT:
            self._others[comment_id] = owner
            return
        if comment_id > _UINT32_MAX and self._order.typecode == "I":
            self._order = array("Q", self._order)
        self._order.append(comment_id)
        self._owner_of.append(index)

    def _new_owner(self, owner: Owner) -> int | None:
        post, kind = owner
        code = self._kind_codes.get(kind)
        if code is None and len(self._kinds) < 256:
            # One "comment" string for all owners, not one per unpickled record.
            code = self._kind_codes[kind] = len(self._kinds)
            self._kinds.append(sys.intern(kind))
        stored = _NO_POST if post is None else post
        if code is None or not 0 <= stored <= _NO_POST or (stored == _NO_POST) != (post is None):
            return None
        if len(self._owner_index) >= _RECENT_OWNERS:
            self._owner_index.clear()
        index = self._owner_index[owner] = len(self._owner_posts)
        self._owner_posts.append(stored)
        self._owner_kinds.append(code)
        return index

    def _owner(self, index: int) -> Owner:
        post = self._owner_posts[index]
        return (None if post == _NO_POST else post, self._kinds[self._owner_kinds[index]])

    def __contains__(self, comment_id: object) -> bool:
        return comment_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[int]:
        yield from self._order
        yield from list(self._others)

    def items(self) -> Iterator[tuple[int, Owner]]:
        owner = self._owner
        for comment_id, index in zip(self._order, self._owner_of, strict=True):
            yield comment_id, owner(index)
        yield from list(self._others.items())

    def values(self) -> Iterator[Owner]:
        owner = self._owner
        for index in self._owner_of:
            yield owner(index)
        yield from list(self._others.values())


class KeySet(MutableSet[int]):
    """A set of 64-bit keys (hashes: :func:`archiver.discovery.urls.canonical_key`, request
    fingerprints) in about 10 bytes a key, where a Python set takes about 70.

    Hashes are spread over the whole range, where a Roaring bitmap saves nothing; here
    they lie in a sorted ``array("Q")`` searched by bisection, and the keys added since
    the last merge in a plain set, merged once they are an eighth of the array (so each
    key is copied a few times in all, and the set stays small).
    """

    __slots__ = ("_recent", "_sorted")

    def __init__(self, keys: Iterable[int] = ()) -> None:
        self._sorted = array("Q")
        self._recent: set[int] = set()
        for key in keys:
            self.add(key)

    def add(self, value: int) -> None:
        if not 0 <= value < _ID_LIMIT:
            raise ValueError(f"a KeySet holds keys in 0..2**64-1, not {value}")
        if value in self:
            return
        self._recent.add(value)
        if len(self._recent) >= max(_MERGE_MIN, len(self._sorted) >> 3):
            self._merge()

    def update(self, values: Iterable[int]) -> None:
        for value in values:
            self.add(value)

    def discard(self, value: int) -> None:
        self._recent.discard(value)
        index = self._index(value)
        if index is not None:
            del self._sorted[index]

    def __contains__(self, value: object) -> bool:
        return value in self._recent or self._index(value) is not None

    def _index(self, value: object) -> int | None:
        return _find(self._sorted, value)

    def _merge(self) -> None:
        # heapq.merge: no list of every key on the way (the point of the class).
        self._sorted = array("Q", heapq.merge(self._sorted, sorted(self._recent)))
        self._recent = set()

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def __iter__(self) -> Iterator[int]:
        yield from self._sorted
        yield from list(self._recent)

    def __repr__(self) -> str:
        return f"KeySet({sorted(self)!r})"


class KeyMap:
    """A map of keys in 0..2**64-1 (post ids) to ints (counts, row numbers) in about 20
    bytes an entry, where a dict of ints takes about 100.

    As in :class:`KeySet`: keys in a sorted ``array("Q")`` searched by bisection, their
    values in a parallel ``array("q")``, and the keys added since the last merge in a
    small dict, merged once it is an eighth of the arrays. Iteration is in key order. Any
    other int key (a negative id) is held in a plain dict, iterated last.
    """

    __slots__ = ("_keys", "_others", "_recent", "_values")

    def __init__(self, items: Mapping[int, int] | None = None) -> None:
        self._keys = array("Q")
        self._values = array("q")
        self._recent: dict[int, int] = {}
        self._others: dict[int, int] = {}
        for key, value in (items or {}).items():
            self[key] = value

    def __setitem__(self, key: int, value: int) -> None:
        index = self._index(key)
        if index is not None:
            self._values[index] = value
            return
        if not 0 <= key < _ID_LIMIT:
            self._others[key] = value
            return
        self._recent[key] = value
        if len(self._recent) >= max(_MERGE_MIN, len(self._keys) >> 3):
            self._merge()

    def add(self, key: int, amount: int = 1) -> None:
        """Add ``amount`` to the value of ``key`` (0 if absent): a counter."""
        index = self._index(key)
        if index is not None:
            self._values[index] += amount
        else:
            self[key] = self._recent.get(key, self._others.get(key, 0)) + amount

    def get(self, key: int, default: int | None = None) -> int | None:
        index = self._index(key)
        if index is not None:
            return self._values[index]
        if key in self._recent:
            return self._recent[key]
        return self._others.get(key, default)

    def __getitem__(self, key: int) -> int:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._recent or self._index(key) is not None or key in self._others

    def _index(self, key: object) -> int | None:
        return _find(self._keys, key)

    def _merge(self) -> None:
        keys, values = array("Q"), array("q")
        recent = sorted(self._recent.items())
        # heapq.merge: no list of every entry on the way (the point of the class).
        for key, value in heapq.merge(zip(self._keys, self._values, strict=True), recent):
            keys.append(key)
            values.append(value)
        self._keys, self._values, self._recent = keys, values, {}

    def __len__(self) -> int:
        return len(self._keys) + len(self._recent) + len(self._others)

    def items(self) -> Iterator[tuple[int, int]]:
        """Entries in key order (keys outside 0..2**64-1 last)."""
        recent = sorted(self._recent.items())
        yield from heapq.merge(zip(self._keys, self._values, strict=True), recent)
        yield from list(self._others.items())

    def __iter__(self) -> Iterator[int]:
        for key, _ in self.items():
            yield key

    def keys(self) -> Iterator[int]:
        return iter(self)

    def values(self) -> Iterator[int]:
        for _, value in self.items():
            yield value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, KeyMap):
            other = dict(other.items())
        return isinstance(other, dict) and dict(self.items()) == other

    __hash__ = None  # type: ignore[assignment]  # mutable, as dict

    def __repr__(self) -> str:
        return f"KeyMap({dict(self.items())!r})"


def _find(keys: array[int], key: object) -> int | None:
    """Where ``key`` is in the sorted 64-bit ``keys`` (:class:`KeySet`, :class:`KeyMap`)."""
    if not isinstance(key, int) or not 0 <= key < _ID_LIMIT:
        return None
    index = bisect_left(keys, key)
    if index < len(keys) and keys[index] == key:
        return index
    return None
