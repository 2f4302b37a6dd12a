"""Compact sets and maps of record ids and URL keys, for what a crawl keeps until it ends.

A blog has about ten times more comments than posts, and a crawl keeps two facts about
each comment it archived until it ends: that its id was seen (duplicates are dropped) and
which thread it belongs to (for the state, see :mod:`archiver.state.site`). In Python sets
and dicts that is about 150 bytes a comment, the largest part of a crawl's memory growth;
here it is a few bytes: ids in a Roaring bitmap (pyroaring, :class:`IdSet`), owners in
typed arrays (:class:`CommentOwners`, which SQLite cannot match for speed: see
``bench/containers.py``). URL keys and counts per post, where SQLite is as fast, live in
the process's scratch database (:class:`KeySet`, :class:`KeyMap`,
:mod:`archiver.state.scratch`), so they cost no memory as the blog grows.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import MutableSet
from typing import TYPE_CHECKING

from pyroaring import BitMap64

from archiver.state.scratch import SHIFT, held, keys_of, new_owner, stored

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

_ID_LIMIT = 1 << 64  # BitMap64 and array("Q") hold 0 <= id < 2**64
_UINT32_MAX = (1 << 32) - 1  # CommentOwners: WordPress's comment ids, until a larger one
_NO_POST = _ID_LIMIT - 1  # CommentOwners: the owner's post id is None
_RECENT_OWNERS = 64  # threads whose owner index CommentOwners keeps

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
    fingerprints), kept in the process's scratch database (:mod:`archiver.state.scratch`):
    hashes are spread over the whole range, where a Roaring bitmap saves nothing, and a
    Python set takes about 70 bytes a key for as long as the crawl runs."""

    __slots__ = ("__weakref__", "_db", "_owner")

    def __init__(self, keys: Iterable[int] = ()) -> None:
        self._db, self._owner = new_owner(self)
        self.update(keys)

    def add(self, value: int) -> None:
        if not held(value):
            raise ValueError(f"a KeySet holds keys in 0..2**64-1, not {value}")
        self._db.execute(
            "INSERT OR IGNORE INTO keysets VALUES (?, ?)", (self._owner, stored(value))
        )

    def update(self, values: Iterable[int]) -> None:
        for value in values:
            self.add(value)

    def discard(self, value: int) -> None:
        if held(value):
            self._db.execute(
                "DELETE FROM keysets WHERE owner = ? AND key = ?", (self._owner, stored(value))
            )

    def __contains__(self, value: object) -> bool:
        if not held(value):
            return False
        row = self._db.execute(
            "SELECT 1 FROM keysets WHERE owner = ? AND key = ?",
            (self._owner, stored(value)),  # type: ignore[arg-type]  # held: an int
        ).fetchone()
        return row is not None

    def __len__(self) -> int:
        query = "SELECT count(*) FROM keysets WHERE owner = ?"
        return int(self._db.execute(query, (self._owner,)).fetchone()[0])

    def __iter__(self) -> Iterator[int]:
        """The keys in ascending order."""
        query = "SELECT key FROM keysets WHERE owner = ? ORDER BY key"
        return keys_of(self._db.execute(query, (self._owner,)))

    def __repr__(self) -> str:
        return f"KeySet({list(self)!r})"


class KeyMap:
    """A map of keys in 0..2**64-1 (post ids, URL keys) to ints (counts, post ids), kept
    in the process's scratch database (:mod:`archiver.state.scratch`). Iteration is in key
    order. Any other int key (a negative id) is held in a plain dict, iterated last."""

    __slots__ = ("__weakref__", "_db", "_others", "_owner")

    def __init__(self, items: Mapping[int, int] | None = None) -> None:
        self._db, self._owner = new_owner(self)
        self._others: dict[int, int] = {}
        for key, value in (items or {}).items():
            self[key] = value

    def __setitem__(self, key: int, value: int) -> None:
        if not held(key):
            self._others[key] = value
            return
        self._db.execute(
            "INSERT OR REPLACE INTO keymaps VALUES (?, ?, ?)", (self._owner, stored(key), value)
        )

    def add(self, key: int, amount: int = 1) -> None:
        """Add ``amount`` to the value of ``key`` (0 if absent): a counter."""
        if not held(key):
            self._others[key] = self._others.get(key, 0) + amount
            return
        self._db.execute(
            "INSERT INTO keymaps VALUES (?, ?, ?) "
            "ON CONFLICT (owner, key) DO UPDATE SET value = value + excluded.value",
            (self._owner, stored(key), amount),
        )

    def get(self, key: int, default: int | None = None) -> int | None:
        if not held(key):
            return self._others.get(key, default)
        row = self._db.execute(
            "SELECT value FROM keymaps WHERE owner = ? AND key = ?", (self._owner, stored(key))
        ).fetchone()
        return default if row is None else int(row[0])

    def __getitem__(self, key: int) -> int:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        if not held(key):
            return key in self._others
        return self.get(key) is not None  # type: ignore[arg-type]  # held: an int

    def __len__(self) -> int:
        query = "SELECT count(*) FROM keymaps WHERE owner = ?"
        return int(self._db.execute(query, (self._owner,)).fetchone()[0]) + len(self._others)

    def items(self) -> Iterator[tuple[int, int]]:
        """Entries in key order (keys outside 0..2**64-1 last)."""
        query = "SELECT key, value FROM keymaps WHERE owner = ? ORDER BY key"
        for key, value in self._db.execute(query, (self._owner,)):
            yield key + SHIFT, value
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
