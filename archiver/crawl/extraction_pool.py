"""ExtractionPool: the pure extraction functions, run in worker processes off the crawl.

Parsing and cleaning a page costs more CPU than fetching and recording it, and Python
runs one thread at a time: in worker processes (``ARCHIVER_EXTRACT_WORKERS``, by default
one per core, at most 4) extraction runs on every core while the crawling process goes on
fetching. Callbacks ``await`` the result on the asyncio reactor
Scrapy runs on. With 0 workers, or without the asyncio reactor, the same functions run
in the crawling process.

Workers are started with ``spawn``: a fresh interpreter, never a fork of the running
reactor. Each leaves as soon as the crawling process is gone, however it went (SIGKILL,
a crash): ProcessPoolExecutor's workers would otherwise wait for work forever, holding
the crawl's stdout and stderr open.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

P = ParamSpec("P")
T = TypeVar("T")

MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """One worker per core, at most 4.

    Not one per core but the crawling process's: that process waits on the network and
    on results a third of the time, which a worker on its core then uses (2 cores, 3,000
    posts: 64 s with one worker, 49 s with two; bench/README.md)."""
    return max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))


class ExtractionPool:
    """Run picklable functions in ``workers`` processes, or inline when ``workers`` is 0.

    :param workers: worker processes; 0 runs everything in the calling process.
    """

    def __init__(self, workers: int) -> None:
        if workers < 0:
            raise ValueError(f"ARCHIVER_EXTRACT_WORKERS must be 0 or more, got {workers}")
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``function(*args)`` in a worker, awaited without blocking the reactor."""
        if not self.workers or not _asyncio_loop_running():
            return function(*args, **kwargs)
        if self._executor is None:
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=exit_with_parent
            )
        future = self._executor.submit(function, *args, **kwargs)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Stop the workers (after the work already submitted). Idempotent."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def exit_with_parent() -> None:
    """In a worker: leave at once when the process that started it ends."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch(sentinel: int) -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)  # no cleanup to wait for: the crawl that wanted the results is gone

    threading.Thread(target=watch, args=(parent.sentinel,), daemon=True).start()


def _asyncio_loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
