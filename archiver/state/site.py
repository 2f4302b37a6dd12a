"""What earlier crawls of a site captured: ``<output>/<site>/state.sqlite``, one per site.

The state makes re-archiving cheap and crashes harmless:

* ``crawls``: every crawl (folder, full or incremental, finished or not, what it changed).
  A crawl without ``finished`` was interrupted; the next crawl of the site resumes it.
* ``urls``: every response recorded (status, ETag, Last-Modified, payload digest, WARC
  file, offset and record id, WARC-Date) and the response record holding its payload
  (``origin_*``: itself, or what its revisit refers to). Conditional GETs and revisit
  records of later crawls come from here.
* ``posts`` and ``comments``: every post with its ``modified`` time and every comment id
  captured, with the crawl that noticed its deletion (``deleted_in``). Rows are written when
  a crawl ends, so they always describe finished crawls: an interrupted crawl compares with
  the same earlier state when it resumes. Nothing is ever deleted.
* ``changes``: per crawl, the ids of new, edited and deleted posts and of new and deleted
  comments.

Stdlib ``sqlite3`` only; WAL journal (readers never wait for the crawl, and a SIGKILL
loses at most the transaction in progress). The schema version is ``PRAGMA user_version``;
migrations are ordered functions, each applied in a transaction with the version bump
(the shape of sqlite-utils' ``migrations.py``).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path  # noqa: TC003 - dataclass fields are resolved at runtime
from typing import TYPE_CHECKING, Any

from archiver.records.values import utc_text
from archiver.state.idsets import CommentOwners, IdSet, KeyMap
from archiver.state.layout import site_name
from archiver.state.lock import CrawlLock
from archiver.state.posttable import KnownPost, PostTable

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from scrapy.crawler import Crawler

STATE_FILE = "state.sqlite"
CHANGE_KINDS = ("new_posts", "edited_posts", "deleted_posts", "new_comments", "deleted_comments")


def _v1(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE crawls (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            crawl_dir TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental')),
            complete INTEGER,
            requests INTEGER,
            runs INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE urls (
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            url TEXT NOT NULL,
            status INTEGER NOT NULL,
            etag TEXT,
            last_modified TEXT,
            payload_digest TEXT,
            record_type TEXT,
            record_id TEXT,
            warc_file TEXT,
            warc_offset INTEGER,
            date TEXT,
            origin_record_id TEXT,
            origin_uri TEXT,
            origin_date TEXT,
            origin_path TEXT,
            origin_offset INTEGER,
            PRIMARY KEY (crawl_id, url)
        );
        CREATE INDEX urls_by_url ON urls (url, crawl_id);
        CREATE INDEX urls_by_record ON urls (record_id);
        CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            link TEXT NOT NULL,
            modified TEXT NOT NULL,
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            deleted_in INTEGER REFERENCES crawls(id)
        );
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            post_id INTEGER,
            type TEXT NOT NULL,
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            deleted_in INTEGER REFERENCES crawls(id)
        );
        CREATE TABLE changes (
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            kind TEXT NOT NULL,
            item_id INTEGER NOT NULL,
            PRIMARY KEY (crawl_id, kind, item_id)
        );
        """
    )


def _v2(db: sqlite3.Connection) -> None:
    # The WARC writer asks, for every 200 it writes, whether a crawl stored that payload
    # already (archiver.crawl.recording.StatePayloadOrigins) instead of keeping them all in memory.
    db.execute("CREATE INDEX urls_by_payload ON urls (payload_digest)")


def _v3(db: sqlite3.Connection) -> None:
    # Records' dates became UTC with Z (schema_version 3): the modified times the state
    # compares with must be written the same way, or every known post would look edited.
    rows = db.execute("SELECT id, modified FROM posts WHERE modified IS NOT NULL").fetchall()
    db.executemany(
        "UPDATE posts SET modified = ? WHERE id = ?",
        ((new, post_id) for post_id, old in rows if (new := utc_text(old)) and new != old),
    )


def _v4(db: sqlite3.Connection) -> None:
    # Incremental crawls list every id only now and then (issue 21): which crawls did, so
    # the next one knows how long ago the last full listing was. A full crawl found
    # everything anyway; it counts as one.
    db.execute("ALTER TABLE crawls ADD COLUMN listed_all INTEGER")
    db.execute("UPDATE crawls SET listed_all = 1")
    # The REST listings' X-WP-Total of each kind as the crawl read them (JSON): the next
    # crawl compares its own with them (WordPress's comment total is not the number of
    # comments it lists: it counts some it hides, e.g. on password-protected posts).
    db.execute("ALTER TABLE crawls ADD COLUMN listing_totals TEXT")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3, _v4)
"""Migration ``n`` (0-based) brings the schema from version ``n`` to ``n + 1``."""


def migrate(db: sqlite3.Connection) -> int:
    """Apply the pending migrations; return the schema version.

    :raises ValueError: the file was written by a newer blog-archiver.
    """
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise ValueError(
            f"state schema version {version} is newer than this blog-archiver knows "
            f"({len(MIGRATIONS)}): upgrade blog-archiver"
        )
    for number in range(version, len(MIGRATIONS)):
        with db:  # one transaction: the migration and its version, or neither
            db.execute("BEGIN")
            MIGRATIONS[number](db)
            db.execute(f"PRAGMA user_version = {number + 1}")
    return len(MIGRATIONS)


_URL_COLUMNS = (
    "urls (crawl_id, url, status, etag, last_modified, payload_digest, record_type, "
    "record_id, warc_file, warc_offset, date, origin_record_id, origin_uri, origin_date, "
    "origin_path, origin_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_URL = "INSERT OR REPLACE INTO " + _URL_COLUMNS
_INSERT_URL_IF_NEW = "INSERT OR IGNORE INTO " + _URL_COLUMNS


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Capture:
    """An earlier response of a URL: validators for a conditional GET, and the response
    record holding its payload (what a revisit refers to, where a 304's body is)."""

    url: str
    status: int
    etag: str | None
    last_modified: str | None
    payload_digest: str | None
    origin_record_id: str
    origin_uri: str
    origin_date: str
    origin_path: Path
    origin_offset: int


@dataclass(slots=True)
class CrawlRun:
    """One crawl of the site, as this process runs it (possibly resuming it)."""

    id: int
    crawl_dir: Path
    kind: str
    resumed: bool
    #: What finished crawls captured, as this crawl started: post id -> post, comment id
    #: -> (post id, type). Compact (:mod:`archiver.state.posttable`, :mod:`archiver.state.idsets`):
    #: an incremental crawl holds every post and comment the blog had.
    known_posts: PostTable = field(default_factory=PostTable)
    known_comments: CommentOwners = field(default_factory=CommentOwners)
    #: Filled during the crawl: ids per change kind, and what was captured.
    #: (IdSets: a first crawl's new comments are all of the blog's, kept in a few bytes each.)
    changes: dict[str, IdSet] = field(default_factory=lambda: {k: IdSet() for k in CHANGE_KINDS})
    captured_posts: PostTable = field(default_factory=PostTable)
    #: Compact (a few bytes a comment, :mod:`archiver.state.idsets`): a blog has ten times more
    #: comments than posts, and a crawl keeps this for all it archived.
    captured_comments: CommentOwners = field(default_factory=CommentOwners)
    #: True once the REST listings were compared with the known posts and comments.
    listings_compared: bool = False
    #: Posts whose page showed a thread that cannot be compared (comments elsewhere or
    #: hidden), and comments each captured post's page declares.
    threads_unreadable: IdSet = field(default_factory=IdSet)
    declared_comments: KeyMap = field(default_factory=KeyMap)

    @property
    def incremental(self) -> bool:
        return self.kind == "incremental"


class SiteState:
    """The state file of one site. Open with :meth:`open`; one connection per process."""

    def __init__(self, path: Path, lock: CrawlLock | None = None) -> None:
        self.path = path
        self.root = path.parent
        #: Held by the crawl that writes the state (:meth:`for_crawl`); readers take none.
        self.lock = lock
        self._relative_paths: dict[Path, str] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)  # transactions made explicit
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        migrate(self.db)

    @classmethod
    def for_site(cls, output_root: Path, url: str) -> SiteState:
        return cls(output_root / site_name(url) / STATE_FILE)

    @classmethod
    def for_crawl(cls, output_root: Path, url: str) -> SiteState:
        """The state of the site a crawl is to write, locked for that crawl.

        :raises archiver.state.lock.CrawlLocked: another crawl of the site is running.
        """
        site_dir = output_root / site_name(url)
        lock = CrawlLock.acquire(site_dir, url)
        try:
            return cls(site_dir / STATE_FILE, lock)
        except BaseException:
            lock.release()
            raise

    def close(self) -> None:
        self.db.close()
        if self.lock is not None:
            self.lock.release()

    # -- crawls

    def begin_crawl(self, new_dir: Callable[[], Path], *, full: bool, resume: bool) -> CrawlRun:
        """Resume the interrupted crawl of the site (``resume``) or start a new one: full
        when ``full`` or when no crawl has finished yet, else incremental."""
        row = self.db.execute(
            "SELECT id, crawl_dir, kind FROM crawls WHERE finished IS NULL ORDER BY id DESC"
        ).fetchone()
        if row is not None and resume:
            crawl_id, crawl_dir, kind = row
            self.db.execute("UPDATE crawls SET runs = runs + 1 WHERE id = ?", (crawl_id,))
            run = CrawlRun(crawl_id, self.root / crawl_dir, kind, resumed=True)
        else:
            finished = self.db.execute(
                "SELECT 1 FROM crawls WHERE finished IS NOT NULL LIMIT 1"
            ).fetchone()
            kind = "full" if full or finished is None else "incremental"
            directory = new_dir()
            cursor = self.db.execute(
                "INSERT INTO crawls (started, crawl_dir, kind, listed_all) VALUES (?, ?, ?, ?)",
                (_now(), self._relative(directory), kind, int(kind == "full")),
            )
            run = CrawlRun(int(cursor.lastrowid or 0), directory, kind, resumed=False)
        run.known_posts = PostTable(
            KnownPost(*row)
            for row in self.db.execute(
                "SELECT id, type, link, modified FROM posts WHERE deleted_in IS NULL"
            )
        )
        known_comments = run.known_comments = CommentOwners()
        for cid, post, kind in self.db.execute(
            "SELECT id, post_id, type FROM comments WHERE deleted_in IS NULL"
        ):
            known_comments[cid] = (post, kind)
        return run

    def finish_crawl(self, run: CrawlRun) -> None:
        """Store what the crawl captured and changed, and mark it finished."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO posts (id, type, link, modified, crawl_id) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET type = excluded.type, link = excluded.link, "
                "modified = excluded.modified, crawl_id = excluded.crawl_id, deleted_in = NULL",
                ((p.id, p.type, p.link, p.modified, run.id) for p in run.captured_posts.values()),
            )
            self.db.executemany(
                "INSERT INTO comments (id, post_id, type, crawl_id) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET post_id = excluded.post_id, "
                "type = excluded.type, deleted_in = NULL",
                # Rows made as SQLite asks for them: a list of 128k tuples would be the
                # crawl's peak of memory at its very end.
                ((cid, post, kind, run.id) for cid, (post, kind) in run.captured_comments.items()),
            )
            self.db.executemany(
                "UPDATE posts SET deleted_in = ? WHERE id = ?",
                [(run.id, pid) for pid in run.changes["deleted_posts"]],
            )
            self.db.executemany(
                "UPDATE comments SET deleted_in = ? WHERE id = ?",
                [(run.id, cid) for cid in run.changes["deleted_comments"]],
            )
            self.db.execute("DELETE FROM changes WHERE crawl_id = ?", (run.id,))
            self.db.executemany(
                "INSERT INTO changes (crawl_id, kind, item_id) VALUES (?, ?, ?)",
                # A first crawl's changes name every comment: rows made as they are written.
                ((run.id, kind, item) for kind, ids in run.changes.items() for item in ids),
            )
            self.db.execute("UPDATE crawls SET finished = ? WHERE id = ?", (_now(), run.id))

    def record_outcome(self, run: CrawlRun, *, complete: bool, requests: int) -> None:
        """What summary.json says of the crawl (requests of every run of it added up)."""
        self.db.execute(
            "UPDATE crawls SET complete = ?, requests = COALESCE(requests, 0) + ? WHERE id = ?",
            (int(complete), requests, run.id),
        )

    def mark_listed_all(self, run: CrawlRun) -> None:
        """Crawl ``run`` lists every post and comment id (see :meth:`last_full_listing`)."""
        self.db.execute("UPDATE crawls SET listed_all = 1 WHERE id = ?", (run.id,))

    def record_listing_total(self, run: CrawlRun, kind: str, total: int) -> None:
        """The ``X-WP-Total`` crawl ``run``'s listing of ``kind`` declared."""
        row = self.db.execute("SELECT listing_totals FROM crawls WHERE id = ?", (run.id,))
        totals = json.loads((row.fetchone() or [None])[0] or "{}")
        totals[kind] = total
        self.db.execute(
            "UPDATE crawls SET listing_totals = ? WHERE id = ?",
            (json.dumps(totals, sort_keys=True), run.id),
        )

    def previous_listing_totals(self, run: CrawlRun) -> dict[str, int]:
        """The listing totals of the latest finished crawl before ``run`` ({} when it read
        no REST listing)."""
        row = self.db.execute(
            "SELECT listing_totals FROM crawls WHERE finished IS NOT NULL AND id < ? "
            "ORDER BY id DESC LIMIT 1",
            (run.id,),
        ).fetchone()
        return dict(json.loads(row[0])) if row and row[0] else {}

    def last_full_listing(self, run: CrawlRun) -> tuple[int, datetime | None]:
        """(finished incremental crawls since the latest finished crawl before ``run``
        that listed every id or was full, when that one started; None: there is none)."""
        row = self.db.execute(
            "SELECT id, started FROM crawls WHERE finished IS NOT NULL AND id < ? "
            "AND (kind = 'full' OR listed_all = 1) ORDER BY id DESC LIMIT 1",
            (run.id,),
        ).fetchone()
        if row is None:
            return 0, None
        since = self.db.execute(
            "SELECT COUNT(*) FROM crawls WHERE finished IS NOT NULL AND id > ? AND id < ?",
            (row[0], run.id),
        ).fetchone()[0]
        return int(since), datetime.fromisoformat(row[1])

    def last_full_requests(self, before: int) -> int | None:
        """Requests of the latest finished full crawl before crawl ``before``."""
        row = self.db.execute(
            "SELECT requests FROM crawls WHERE kind = 'full' AND finished IS NOT NULL "
            "AND requests IS NOT NULL AND id < ? ORDER BY id DESC LIMIT 1",
            (before,),
        ).fetchone()
        return int(row[0]) if row else None

    def revalidation_order(self, run: CrawlRun) -> tuple[list[int], list[int]]:
        """Known posts in the order an incremental crawl rechecks their pages: (posts the
        previous crawl, an incremental one, found new, edited or with a changed thread and
        that no crawl fetched since, latest ``modified`` first; every post, least recently
        captured first).

        A post that just changed is the likeliest to change again (fresh posts draw
        comments) and its page is current; the rotation reaches every post in turn.
        """
        previous = self.db.execute(
            "SELECT id, kind FROM crawls WHERE finished IS NOT NULL AND id < ? "
            "ORDER BY id DESC LIMIT 1",
            (run.id,),
        ).fetchone()
        recent: list[int] = []
        if previous is not None and previous[1] == "incremental":
            recent = [
                int(row[0])
                for row in self.db.execute(
                    "SELECT id FROM posts WHERE deleted_in IS NULL AND crawl_id = ?1 AND id IN ("
                    "SELECT item_id FROM changes WHERE crawl_id = ?1 "
                    "AND kind IN ('new_posts', 'edited_posts') UNION "
                    "SELECT comments.post_id FROM changes JOIN comments "
                    "ON comments.id = changes.item_id WHERE changes.crawl_id = ?1 "
                    "AND changes.kind IN ('new_comments', 'deleted_comments')) "
                    "ORDER BY modified DESC, id DESC",
                    (previous[0],),
                )
            ]
        rotation = [
            int(row[0])
            for row in self.db.execute(
                "SELECT id FROM posts WHERE deleted_in IS NULL ORDER BY crawl_id, id"
            )
        ]
        return recent, rotation

    def history(self) -> list[dict[str, Any]]:
        """Every crawl, oldest first, with its change counts."""
        counts: dict[int, dict[str, int]] = {}
        for crawl_id, kind, number in self.db.execute(
            "SELECT crawl_id, kind, COUNT(*) FROM changes GROUP BY crawl_id, kind"
        ):
            counts.setdefault(crawl_id, {})[kind] = number
        crawls = []
        for row in self.db.execute(
            "SELECT id, started, finished, crawl_dir, kind, complete, requests, runs "
            "FROM crawls ORDER BY id"
        ):
            crawl_id, started, finished, crawl_dir, kind, complete, requests, runs = row
            crawls.append(
                {
                    "id": crawl_id,
                    "started": started,
                    "finished": finished,
                    "crawl_dir": crawl_dir,
                    "kind": kind,
                    "complete": None if complete is None else bool(complete),
                    "requests": requests,
                    "runs": runs,
                    **{k: counts.get(crawl_id, {}).get(k, 0) for k in CHANGE_KINDS},
                }
            )
        return crawls

    # -- urls

    def record_url(
        self,
        run: CrawlRun,
        url: str,
        *,
        status: int,
        etag: str | None,
        last_modified: str | None,
        payload_digest: str | None,
        record: dict[str, Any],
        earlier: Capture | None = None,
        replace: bool = True,
    ) -> None:
        """Remember one recorded (or, when resuming, replayed) response of this crawl.

        ``record`` is the WARC provenance the recorder put in ``response.meta``; ``earlier``
        the capture a 304 answered (its payload is the 304's). ``replace=False`` (a response
        served when resuming) keeps a row already there.
        """
        origin: tuple[Any, ...] = (None, None, None, None, None)
        record_type = record.get("record_type", "response")
        path = self._relative(run.crawl_dir / str(record.get("file", "")))
        if status == 304 and earlier is not None:
            payload_digest = earlier.payload_digest
            etag = etag or earlier.etag
            last_modified = last_modified or earlier.last_modified
            origin = (
                earlier.origin_record_id,
                earlier.origin_uri,
                earlier.origin_date,
                self._relative(earlier.origin_path),
                earlier.origin_offset,
            )
        elif record_type == "revisit" and record.get("refers_to"):
            row = self.db.execute(
                "SELECT origin_record_id, origin_uri, origin_date, origin_path, origin_offset "
                "FROM urls WHERE record_id = ? LIMIT 1",
                (record["refers_to"]["record_id"],),
            ).fetchone()
            if row is not None:
                origin = tuple(row)
        elif record.get("record_id"):
            origin = (record["record_id"], url, record.get("date"), path, record.get("offset"))
        self.db.execute(
            _INSERT_URL if replace else _INSERT_URL_IF_NEW,
            (
                run.id,
                url,
                status,
                etag,
                last_modified,
                payload_digest,
                record_type,
                record.get("record_id"),
                record.get("file"),
                record.get("offset"),
                record.get("date"),
                *origin,
            ),
        )

    def earlier_capture(self, url: str, before: int) -> Capture | None:
        """The latest capture of ``url`` by another crawl whose payload is stored."""
        row = self.db.execute(
            "SELECT url, status, etag, last_modified, payload_digest, origin_record_id, "
            "origin_uri, origin_date, origin_path, origin_offset FROM urls "
            "WHERE url = ? AND crawl_id != ? AND status IN (200, 304) "
            "AND origin_record_id IS NOT NULL ORDER BY crawl_id DESC LIMIT 1",
            (url, before),
        ).fetchone()
        if row is None:
            return None
        url, status, etag, last_modified, digest, record_id, uri, date, path, offset = row
        return Capture(
            url, status, etag, last_modified, digest, record_id, uri, date, self.root / path, offset
        )

    def record_location(self, record_id: str) -> tuple[Path, int] | None:
        """File and offset of the response record ``record_id``, from any crawl."""
        row = self.db.execute(
            "SELECT origin_path, origin_offset FROM urls "
            "WHERE record_id = ? AND origin_record_id = record_id LIMIT 1",
            (record_id,),
        ).fetchone()
        return (self.root / row[0], int(row[1])) if row else None

    def payload_origin(self, digest: str) -> tuple[str, str, str] | None:
        """(uri, WARC-Date, record id) of the response record that holds the ``200``
        payload ``digest``, stored by any crawl of the site (this one's responses recorded
        so far included; the latest crawl's when several did)."""
        row = self.db.execute(
            "SELECT origin_uri, origin_date, origin_record_id FROM urls "
            "WHERE payload_digest = ? AND status = 200 AND origin_record_id IS NOT NULL "
            "ORDER BY crawl_id DESC LIMIT 1",
            (digest,),
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def _relative(self, path: Path) -> str:
        """Paths are stored relative to the site folder, so it can be moved.

        Remembered per path: resolving costs system calls, and every response of a crawl
        names one of a few WARC files."""
        known = self._relative_paths.get(path)
        if known is None:
            try:
                known = str(path.resolve().relative_to(self.root.resolve()))
            except ValueError:
                known = str(path.resolve())
            self._relative_paths[path] = known
        return known


def apply_listing(
    run: CrawlRun,
    posts: Iterable[KnownPost],
    comments: Iterable[tuple[int, int | None]],
) -> tuple[set[int], set[int]]:
    """Compare the REST listings (every public post and comment id) with the known state.

    Records new, edited and deleted posts and new and deleted comments in ``run.changes``
    and returns (posts to fetch in full: new and edited, posts whose thread changed).
    Only comments of type ``comment`` are compared: the public REST API lists no
    pingbacks or trackbacks.
    """
    listed_posts = {post.id: post for post in posts}
    listed_comments = dict(comments)
    changes = run.changes
    for post in listed_posts.values():
        known = run.known_posts.get(post.id)
        if known is None:
            changes["new_posts"].add(post.id)
        elif known.modified != post.modified:
            changes["edited_posts"].add(post.id)
    changes["deleted_posts"] |= {pid for pid in run.known_posts if pid not in listed_posts}
    changes["new_comments"] |= {cid for cid in listed_comments if cid not in run.known_comments}
    changes["deleted_comments"] |= {
        cid
        for cid, (_, kind) in run.known_comments.items()
        if kind == "comment" and cid not in listed_comments
    }
    changed = set(changes["new_posts"]) | set(changes["edited_posts"])
    deleted_comments = changes["deleted_comments"]
    thread_posts = {listed_comments[cid] for cid in changes["new_comments"]} | {
        post for cid, (post, _) in run.known_comments.items() if cid in deleted_comments
    }
    threads = {pid for pid in thread_posts if pid in listed_posts and pid not in changed}
    run.listings_compared = True
    return changed, threads


def crawl_state(crawler: Crawler) -> tuple[SiteState, CrawlRun] | None:
    """The state and the current crawl the spider opened, if it keeps state (a rebuild from
    the WARC and ``ARCHIVER_STATE_ENABLED = False`` do not)."""
    spider = getattr(crawler, "spider", None)
    state = getattr(spider, "site_state", None)
    run = getattr(spider, "crawl_run", None)
    if isinstance(state, SiteState) and isinstance(run, CrawlRun):
        return state, run
    return None


def settle_changes(run: CrawlRun) -> None:
    """Add to ``run.changes`` what the crawl captured that the state did not know (all of
    a first crawl; pingbacks, which no public listing shows) or knew with another
    ``modified``."""
    for post_id, post in run.captured_posts.items():
        known = run.known_posts.get(post_id)
        if known is None:
            run.changes["new_posts"].add(post_id)
        elif known.modified != post.modified:
            run.changes["edited_posts"].add(post_id)
    known_comments = run.known_comments
    run.changes["new_comments"].update(
        cid for cid in run.captured_comments if cid not in known_comments
    )


def revalidation_budget(known: int, share: float, minimum: int) -> int:
    """Pages of known, unchanged posts an incremental crawl rechecks: ``share`` of the
    known posts (rounded down), at least ``minimum``, at most all of them."""
    return max(0, min(known, max(minimum, int(known * share))))


def pick_revalidations(
    recent: list[int], rotation: list[int], candidates: set[int], budget: int
) -> list[int]:
    """``budget`` posts of ``candidates`` (listed and not fetched anyway) to recheck:
    recently changed ones take at most half the budget (rounded up), the rotation the
    rest, so that over successive crawls every post comes round."""
    picked: list[int] = []
    for pid in recent:
        if len(picked) >= (budget + 1) // 2:
            break
        if pid in candidates:
            picked.append(pid)
    for pid in rotation:
        if len(picked) >= budget:
            break
        if pid in candidates and pid not in picked:
            picked.append(pid)
    return picked


def infer_deletions(run: CrawlRun, *, crawl_complete: bool) -> None:
    """Deletions a crawl without REST listings (a full one, or one on sitemaps, feeds and
    HTML) can tell. A known post is deleted when its page answered 404 or 410 (recorded
    by the spider in ``run.changes``), and so are its comments. When the crawl ended
    without any failure, a known comment missing from its post's page, captured here
    with the thread complete (as many comments as it declares), is deleted too. An
    incomplete crawl infers nothing more: a page it missed is no proof."""
    if run.listings_compared:
        return  # the REST listings said it all (apply_listing)
    deleted = run.changes["deleted_comments"]
    gone = run.changes["deleted_posts"]
    deleted |= {cid for cid, (post, _) in run.known_comments.items() if post in gone}
    if not crawl_complete:
        return
    captured_per_post: dict[int | None, int] = {}
    for post, _ in run.captured_comments.values():
        captured_per_post[post] = captured_per_post.get(post, 0) + 1
    complete_threads = {
        pid
        for pid in run.captured_posts
        if pid not in run.threads_unreadable
        and run.declared_comments.get(pid, captured_per_post.get(pid, 0))
        == captured_per_post.get(pid, 0)
    }
    # Only comments proper: themes may not show pingbacks and trackbacks.
    deleted |= {
        cid
        for cid, (post, kind) in run.known_comments.items()
        if kind == "comment" and post in complete_threads and cid not in run.captured_comments
    }
