"""What a discovery source is, and the few plain things it exchanges with the crawl.

A source (the REST listings, the sitemaps, the feeds, ...) is an object with a ``name``
that yields :class:`Fetch` descriptions of the requests it wants and reads their answers:

* ``start()`` when the spider's order reaches it;
* ``read(step, answer, args)`` for an answer to one of its fetches (``step`` and ``args``
  are the fetch's own, handed back);
* ``failed(step, failure, args)`` when one of its fetches got no usable answer.

Each of them returns a :data:`Fetches` generator. Yielding a :class:`Fetch` asks for it;
the ``yield`` evaluates to True when the request was sent (in scope, not denied, not asked
for before, claimed in a shared crawl), so a source that waits for its answers knows how
many to wait for. Yielding :data:`FALL_BACK` says the source cannot list the blog (or a
part of it): the spider starts the next sources in its order. A source that reads
records from its answers itself (a REST listing of comments) yields them too. Notes for
the summary, failures and declared counts go to a :class:`Reporter`.

Answers are read through :class:`Answer`, which Scrapy's ``Response`` satisfies, and
fetch arguments are plain values: requests travel pickled through a shared (Redis)
frontier. No Scrapy engine here (the sitemaps are parsed with Scrapy's own parser, a
pure function): the spider (``spiders/``) turns fetches into requests.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, TypeAlias

from archiver.records.items import Comment, Post, Provenance


@dataclass(frozen=True, slots=True)
class Fetch:
    """A request a source asks for.

    :param kind: counted as ``archiver/requests/<kind>`` (``api``, ``sitemap``, ``post``...).
    :param source: who reads the answer: a source's name, or :data:`POST_PAGE`.
    :param step: which of the source's readers (sources with one reader leave it "").
    :param args: plain, picklable values handed back with the answer.
    :param awaited: the source waits for its answer or failure: never dropped silently
        (by a duplicate filter, after a redirect to a URL already fetched).
    :param paced: one of many (a sitemap's entries): it joins the queue as it drains,
        so that the crawl's memory does not grow with the blog.
    :param again: already asked for (by another worker of a shared crawl), asked for again
        here: past the once-per-URL gate, not counted.
    """

    url: str
    kind: str
    source: str
    step: str = ""
    args: Mapping[str, Any] = field(default_factory=dict)
    awaited: bool = False
    paced: bool = False
    again: bool = False


#: The reader of post pages (the spider's): a :func:`post_page` fetch.
POST_PAGE: Final = "post_page"


def post_page(
    url: str,
    kind: str = "post",
    api_post: Mapping[str, Any] | None = None,
    api_source: Provenance | None = None,
    *,
    paced: bool = False,
) -> Fetch:
    """A post's page, with what the REST API said of it (merged with the page's view)."""
    args = {} if api_post is None else {"api_post": api_post, "api_source": api_source}
    return Fetch(url, kind, POST_PAGE, args=args, paced=paced)


class FallBack:
    """Yielded by a source that cannot list the blog, or a part of it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FALL_BACK"


FALL_BACK: Final = FallBack()

#: A record a source reads itself, passed on to the crawl's pipelines as it is.
Record: TypeAlias = Post | Comment
#: What a source's methods return; each ``yield`` of a fetch evaluates to whether it was
#: sent (None where nobody says: a test that only lists what a source yields).
Fetches: TypeAlias = Generator[Fetch | FallBack | Record, bool | None, None]


class Headers(Protocol):
    def get(self, key: bytes) -> bytes | None: ...
    def getlist(self, key: bytes) -> list[bytes]: ...


class Answer(Protocol):
    """A response as a source reads it (Scrapy's ``Response`` is one)."""

    @property
    def url(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Headers: ...
    @property
    def body(self) -> bytes: ...
    @property
    def text(self) -> str:
        """The decoded body; raises AttributeError when the answer is not text."""
        ...

    @property
    def meta(self) -> Mapping[str, Any]: ...


def text_of(answer: Answer) -> str | None:
    """The answer's text, None when it is not text (an image, a PDF)."""
    try:
        return answer.text
    except AttributeError:
        return None


def provenance(answer: Answer, source: str) -> Provenance:
    """Where the WARC recorder stored ``answer`` (``meta["warc_record"]``, see
    :mod:`archiver.crawl.recording`)."""
    record = answer.meta.get("warc_record") or {}
    return Provenance(
        url=answer.url,
        source=source,
        warc_file=str(record["file"]) if record.get("file") else None,
        warc_offset=record.get("offset"),
        warc_record_id=str(record["record_id"]) if record.get("record_id") else None,
    )


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a fetch got no usable answer (``HTTP 404``, a network error...).

    :param url: the URL that failed: the last one, when the fetch was redirected.
    :param asked_for: the fetch's own URL.
    """

    url: str
    reason: str
    status: int | None = None
    asked_for: str = ""


class Reporter(Protocol):
    """What a source tells the crawl (the spider sends it on as signals)."""

    def note(self, key: str, value: object) -> None:
        """A line of the summary's ``discovery``."""

    def fail(self, url: str, reason: str, status: int | None = None) -> None:
        """A URL that could not be archived."""

    def declare(self, by: str, counts: Mapping[str, int]) -> None:
        """How many posts and pages (``counts``, by kind) the blog says it has, ``by`` what
        (``rest_api``, ``sitemap``): the summary compares them with what was archived."""


class Source(Protocol):
    """A discovery source (see the module's docstring)."""

    @property
    def name(self) -> str: ...
    def start(self) -> Fetches: ...
    def read(self, step: str, answer: Answer, args: Mapping[str, Any]) -> Fetches: ...
    def failed(self, step: str, failure: Failure, args: Mapping[str, Any]) -> Fetches: ...


class Attempts:
    """The requests of a source made of several (sitemaps, feeds) still out, and whether
    one of them answered: the source is used once one did, unusable once all failed."""

    __slots__ = ("name", "out", "reporter", "used")

    def __init__(self, name: str, reporter: Reporter) -> None:
        self.name = name
        self.reporter = reporter
        self.out = 0
        self.used = False

    def sent(self, sent: bool | None) -> None:
        self.out += bool(sent)

    def done(self, error: str = "") -> bool:
        """One request ended (``error``: unusable); True when the whole source proved
        unusable."""
        self.out -= 1
        if not error:
            if not self.used:
                self.used = True
                self.reporter.note(self.name, "used")
            return False
        if self.out <= 0 and not self.used:
            self.reporter.note(self.name, f"unusable: {error}")
            return True
        return False
