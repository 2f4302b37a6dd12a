"""What a failed Scrapy request tells: the plain :class:`~archiver.discovery.source.Failure`
a discovery source (or the post pages) reads, and is reported in the summary.

The reason is ``HTTP <status>`` for an answer the crawl does not accept (Scrapy's
HttpError), else the error itself (a timeout, a refused connection, a redirect out of
the blog's scope).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.spidermiddlewares.httperror import HttpError

from archiver.crawl.output_errors import is_output_error
from archiver.discovery.source import Failure as FetchFailure
from archiver.extract.records import describe

if TYPE_CHECKING:
    from twisted.python.failure import Failure


def fetch_failure(failure: Failure) -> FetchFailure:
    """The failure of an errback's request; ``asked_for``: the URL before any redirect.

    A full or read-only output folder (the recorder or the state could not write the
    answer) is raised again: the output failed, not the blog's URL, and the crawl stops
    (:mod:`archiver.crawl.output_errors`).
    """
    if is_output_error(failure.value):
        failure.raiseException()
    request = failure.request  # type: ignore[attr-defined]
    asked_for = (request.meta.get("redirect_urls") or [request.url])[0]
    return FetchFailure(request.url, reason(failure), status(failure), asked_for)


def status(failure: Failure) -> int | None:
    error = failure.value
    return int(error.response.status) if isinstance(error, HttpError) else None


def reason(failure: Failure) -> str:
    code = status(failure)
    if code is not None:
        return f"HTTP {code}"
    error = failure.value
    return describe(error) if error is not None else failure.getErrorMessage()
