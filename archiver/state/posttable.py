"""Posts a crawl keeps until it ends (what it captured, what earlier crawls knew), in
typed arrays and one buffer of text: about 110 bytes a post, where a dict of small
objects takes about 400, and no small object a post (see :mod:`archiver.state.idsets`)."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archiver.state.idsets import KeyMap

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

# Lossless for any str (a lone surrogate from a percent-decoded URL included).
_ENCODING, _ERRORS = "utf-8", "surrogatepass"


@dataclass(frozen=True, slots=True)
class KnownPost:
    id: int
    type: str
    link: str
    modified: str


class TextColumn:
    """Strings appended one after the other in one buffer, read back by row number."""

    __slots__ = ("_ends", "_text")

    def __init__(self) -> None:
        self._text = bytearray()
        self._ends = array("Q")

    def append(self, value: str) -> int:
        self._text += value.encode(_ENCODING, _ERRORS)
        self._ends.append(len(self._text))
        return len(self._ends) - 1

    def __getitem__(self, row: int) -> str:
        start = self._ends[row - 1] if row else 0
        return self._text[start : self._ends[row]].decode(_ENCODING, _ERRORS)

    def __len__(self) -> int:
        return len(self._ends)


class TextMap(Mapping[int, str]):
    """Post id -> a string (its URL): a :class:`~archiver.state.idsets.KeyMap` to a row of a
    :class:`TextColumn`. A value set again is appended again (the old bytes stay)."""

    __slots__ = ("_rows", "_text")

    def __init__(self, items: Mapping[int, str] | None = None) -> None:
        self._rows = KeyMap()
        self._text = TextColumn()
        for key, value in (items or {}).items():
            self[key] = value

    def __setitem__(self, key: int, value: str) -> None:
        self._rows[key] = self._text.append(value)

    def __getitem__(self, key: int) -> str:
        return self._text[self._rows[key]]

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class PostTable(Mapping[int, KnownPost]):
    """Post id -> :class:`KnownPost`, in columns: a row number per id (a
    :class:`~archiver.state.idsets.KeyMap`), the type as the number of an interned string,
    link and modified time in :class:`TextColumn`. Iterates in id order. A post set
    again takes a new row (the old one stays, unread)."""

    __slots__ = ("_kind_codes", "_kinds", "_links", "_modified", "_rows", "_types")

    def __init__(self, posts: Mapping[int, KnownPost] | Iterable[KnownPost] = ()) -> None:
        self._rows = KeyMap()
        self._types = array("H")
        self._kinds: list[str] = []
        self._kind_codes: dict[str, int] = {}
        self._links = TextColumn()
        self._modified = TextColumn()
        for post in posts.values() if isinstance(posts, Mapping) else posts:
            self[post.id] = post

    def __setitem__(self, post_id: int, post: KnownPost) -> None:
        if post.id != post_id:
            raise ValueError(f"post {post.id} stored as {post_id}")
        code = self._kind_codes.get(post.type)
        if code is None:
            # A type per post type, not one string per record unpickled from a worker.
            code = self._kind_codes[post.type] = len(self._kinds)
            self._kinds.append(sys.intern(post.type))
        self._types.append(code)
        self._links.append(post.link)
        self._rows[post_id] = self._modified.append(post.modified)

    def __getitem__(self, post_id: int) -> KnownPost:
        return self._post(post_id, self._rows[post_id])

    def _post(self, post_id: int, row: int) -> KnownPost:
        kind = self._kinds[self._types[row]]
        return KnownPost(post_id, kind, self._links[row], self._modified[row])

    def __contains__(self, post_id: object) -> bool:
        return post_id in self._rows

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def values(self) -> Iterator[KnownPost]:  # type: ignore[override]
        for post_id, row in self._rows.items():
            yield self._post(post_id, row)

    def items(self) -> Iterator[tuple[int, KnownPost]]:  # type: ignore[override]
        for post_id, row in self._rows.items():
            yield post_id, self._post(post_id, row)
