"""CrawlLock: one crawl at a time per site folder (``<output>/<site>/crawl.lock``).

Two crawls of one site writing the same ``state.sqlite`` would each take the other's
half-written crawl for an interrupted one and mix their records, so a crawl that keeps
state holds this lock from its start to its end, and a second one fails at once naming
the first (pid and start time, written into the lock file).

The lock is a POSIX record lock (``fcntl.lockf``) held by the crawling process: the kernel
drops it when the process ends, however it ends (SIGKILL included), so a killed crawl
leaves no stale lock, only a stale file the next crawl overwrites. Record locks belong
to the process and are not inherited by child processes (the extraction workers).
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path  # noqa: TC003 - used at runtime
from typing import Self

LOCK_FILE = "crawl.lock"


class CrawlLocked(RuntimeError):
    """Another crawl of the site is running."""


class CrawlLock:
    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, site_dir: Path, description: str = "") -> Self:
        """Take the site's lock or raise :class:`CrawlLocked` naming its holder."""
        site_dir.mkdir(parents=True, exist_ok=True)
        path = site_dir / LOCK_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            raise CrawlLocked(
                f"another crawl of this site is running ({holder or 'holder unknown'}); "
                f"wait for it to end or stop it: {path} is locked"
            ) from error
        started = datetime.now(UTC).isoformat(timespec="seconds")
        holder = f"pid {os.getpid()}, started {started}"
        if description:
            holder += f", {description}"
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{holder}\n".encode(), 0)
        return cls(path, fd)

    def release(self) -> None:
        """Give the lock up (the file stays: removing it could race with a new holder)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the record lock
            self._fd = None
