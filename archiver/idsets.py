"""Compact sets of record ids and URL keys, for what a crawl keeps until it ends.

A blog has about ten times more comments than posts, and a crawl keeps two facts about
each comment it archived until it ends: that its id was seen (duplicates are dropped) and
which thread it belongs to (for the state, see :mod:`archiver.state`). In Python sets and
dicts that is about 150 bytes a comment, the largest part of a crawl's memory growth;
here it is a few bytes: ids in a Roaring bitmap (pyroaring), owners in typed arrays.
URLs and requests seen are kept as 64-bit hashes, in sorted arrays (:class:`KeySet`).
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
_RECENT_OWNERS = 64  # threads whose owner index CommentOwners keeps
_MERGE_MIN = 1024  # KeySet: fewest recent keys merged into the sorted array at once

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

    def __repr__(self) -> str:
        return f"IdSet({sorted(self)!r})"

    def __len__(self) -> int:
        return len(self._bitmap) + len(self._others)

    def __iter__(self) -> Iterator[int]:
        yield from self._bitmap
        yield from self._others


class CommentOwners:
    """Comment id -> (post id, type) of every comment a crawl captured, in arrival order.

    About 12 bytes a comment: the id in an :class:`IdSet` and an array, the owner as an
    index into the few distinct owners (one per thread and type). A comment id is stored
    once: a second assignment of an id already held is ignored (the first record wins, as
    in :class:`archiver.pipelines.DeduplicatePipeline`; a comment does not change threads).

    Owners are looked up among the recent ones only (a thread's comments arrive together,
    from its page): an index of every owner would cost more a post than the owners
    themselves. An owner seen again after that (a later comment page) is stored again,
    which changes nothing but a few bytes.
    """

    __slots__ = ("_ids", "_order", "_others", "_owner_index", "_owner_of", "_owners")

    def __init__(self, comments: Mapping[int, Owner] | None = None) -> None:
        self._ids = IdSet()
        self._order = array("Q")
        self._owner_of = array("I")
        self._owners: list[Owner] = []
        self._owner_index: dict[Owner, int] = {}
        self._others: dict[int, Owner] = {}  # ids outside 0..2**64-1
        for comment_id, owner in (comments or {}).items():
            self[comment_id] = owner

    def __setitem__(self, comment_id: int, owner: Owner) -> None:
        if comment_id in self._ids:
            return
        self._ids.add(comment_id)
        if not 0 <= comment_id < _ID_LIMIT:
            self._others[comment_id] = owner
            return
        index = self._owner_index.get(owner)
        if index is None:
            if len(self._owner_index) >= _RECENT_OWNERS:
                self._owner_index.clear()
            post, kind = owner
            # One "comment" string for all owners, not one per unpickled record.
            owner = (post, sys.intern(kind))
            index = self._owner_index[owner] = len(self._owners)
            self._owners.append(owner)
        self._order.append(comment_id)
        self._owner_of.append(index)

    def __contains__(self, comment_id: object) -> bool:
        return comment_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[int]:
        yield from self._order
        yield from self._others

    def items(self) -> Iterator[tuple[int, Owner]]:
        owners = self._owners
        for comment_id, index in zip(self._order, self._owner_of, strict=True):
            yield comment_id, owners[index]
        yield from self._others.items()

    def values(self) -> Iterator[Owner]:
        owners = self._owners
        for index in self._owner_of:
            yield owners[index]
        yield from self._others.values()


class KeySet(MutableSet[int]):
    """A set of 64-bit keys (hashes: :func:`archiver.discovery.canonical_key`, request
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
        if not isinstance(value, int):
            return None
        index = bisect_left(self._sorted, value)
        if index < len(self._sorted) and self._sorted[index] == value:
            return index
        return None

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
