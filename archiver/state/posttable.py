"""Posts a crawl keeps until it ends (what it captured, what earlier crawls knew), and
their URLs, in the process's scratch database (:mod:`archiver.state.scratch`): no Python
object a post, and memory that does not grow with the blog."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archiver.state.scratch import SHIFT, held, new_owner, stored

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

# Lossless for any str (a lone surrogate from a percent-decoded URL included).
_ENCODING, _ERRORS = "utf-8", "surrogatepass"


def _blob(text: str) -> bytes:
    return text.encode(_ENCODING, _ERRORS)


def _text(blob: bytes) -> str:
    return blob.decode(_ENCODING, _ERRORS)


@dataclass(frozen=True, slots=True)
class KnownPost:
    id: int
    type: str
    link: str
    modified: str


class TextMap(Mapping[int, str]):
    """Post id -> a string (its URL). Keys outside 0..2**64-1 are held in a plain dict."""

    __slots__ = ("__weakref__", "_db", "_others", "_owner")

    def __init__(self, items: Mapping[int, str] | None = None) -> None:
        self._db, self._owner = new_owner(self)
        self._others: dict[int, str] = {}
        for key, value in (items or {}).items():
            self[key] = value

    def __setitem__(self, key: int, value: str) -> None:
        if not held(key):
            self._others[key] = value
            return
        self._db.execute(
            "INSERT OR REPLACE INTO texts VALUES (?, ?, ?)",
            (self._owner, stored(key), _blob(value)),
        )

    def __getitem__(self, key: int) -> str:
        if not held(key):
            return self._others[key]
        row = self._db.execute(
            "SELECT value FROM texts WHERE owner = ? AND key = ?", (self._owner, stored(key))
        ).fetchone()
        if row is None:
            raise KeyError(key)
        return _text(row[0])

    def __iter__(self) -> Iterator[int]:
        query = "SELECT key FROM texts WHERE owner = ? ORDER BY key"
        for (key,) in self._db.execute(query, (self._owner,)):
            yield key + SHIFT
        yield from list(self._others)

    def __len__(self) -> int:
        query = "SELECT count(*) FROM texts WHERE owner = ?"
        return int(self._db.execute(query, (self._owner,)).fetchone()[0]) + len(self._others)


class PostTable(Mapping[int, KnownPost]):
    """Post id -> :class:`KnownPost`, iterated in id order (ids outside 0..2**64-1 last, in
    a plain dict). The type is kept as the number of an interned string, so every post
    read back shares one string per type."""

    __slots__ = ("__weakref__", "_db", "_kind_codes", "_kinds", "_others", "_owner")

    def __init__(self, posts: Mapping[int, KnownPost] | Iterable[KnownPost] = ()) -> None:
        self._db, self._owner = new_owner(self)
        self._kinds: list[str] = []
        self._kind_codes: dict[str, int] = {}
        self._others: dict[int, KnownPost] = {}
        for post in posts.values() if isinstance(posts, Mapping) else posts:
            self[post.id] = post

    def __setitem__(self, post_id: int, post: KnownPost) -> None:
        if post.id != post_id:
            raise ValueError(f"post {post.id} stored as {post_id}")
        if not held(post_id):
            self._others[post_id] = post
            return
        code = self._kind_codes.get(post.type)
        if code is None:
            # A type per post type, not one string per record unpickled from a worker.
            code = self._kind_codes[post.type] = len(self._kinds)
            self._kinds.append(sys.intern(post.type))
        self._db.execute(
            "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?)",
            (self._owner, stored(post_id), code, _blob(post.link), _blob(post.modified)),
        )

    def __getitem__(self, post_id: int) -> KnownPost:
        if not held(post_id):
            return self._others[post_id]
        row = self._db.execute(
            "SELECT id, type, link, modified FROM posts WHERE owner = ? AND id = ?",
            (self._owner, stored(post_id)),
        ).fetchone()
        if row is None:
            raise KeyError(post_id)
        return self._post(row)

    def _post(self, row: tuple[int, int, bytes, bytes]) -> KnownPost:
        post_id, code, link, modified = row
        return KnownPost(post_id + SHIFT, self._kinds[code], _text(link), _text(modified))

    def __contains__(self, post_id: object) -> bool:
        if not held(post_id):
            return post_id in self._others
        row = self._db.execute(
            "SELECT 1 FROM posts WHERE owner = ? AND id = ?",
            (self._owner, stored(post_id)),  # type: ignore[arg-type]  # held: an int
        ).fetchone()
        return row is not None

    def __iter__(self) -> Iterator[int]:
        for post_id, _ in self.items():
            yield post_id

    def __len__(self) -> int:
        query = "SELECT count(*) FROM posts WHERE owner = ?"
        return int(self._db.execute(query, (self._owner,)).fetchone()[0]) + len(self._others)

    def values(self) -> Iterator[KnownPost]:  # type: ignore[override]
        for _, post in self.items():
            yield post

    def items(self) -> Iterator[tuple[int, KnownPost]]:  # type: ignore[override]
        query = "SELECT id, type, link, modified FROM posts WHERE owner = ? ORDER BY id"
        for row in self._db.execute(query, (self._owner,)):
            post = self._post(row)
            yield post.id, post
        yield from list(self._others.items())
