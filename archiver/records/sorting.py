"""Sorted JSON Lines: a crawl's records in a stable order, whatever order pages arrived in.

Pages arrive in a different order on every crawl, so the JSONL files are sorted by record
id once the crawl has written them (:mod:`archiver.crawl.record_sorting`, on
``engine_stopped``). A rebuild from the WARC sorts the same way, so the
two are byte-identical. Sorting keeps only (key, offset, length) per line in memory, and
at most :data:`RUN_ENTRIES` of them: a longer file is sorted in runs spilled to temporary
files and merged (an external merge sort), so the sort's memory does not grow with the blog.

A comment is seen by the REST listing and on its page: its two lines (same id, so
adjacent once sorted) are merged into one as the file is rewritten (``combine``).
"""

from __future__ import annotations

import heapq
import itertools
import json
import tempfile
from typing import IO, TYPE_CHECKING, Any

from archiver.records.lines import json_line

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path


SortKey = tuple[Any, ...]


Entry = int | tuple[SortKey, int, int]


"""A line to sort: (key, offset, length), or the same packed into one int (:func:`_packed`)."""


RUN_ENTRIES = 8192  # lines sorted in memory at once (a run); about 0.5-2 MB


MAX_RUNS = 64  # runs merged at once (open files); more are merged into one run first


def post_sort_key(record: dict[str, Any]) -> SortKey:
    post_id = record.get("id")
    return (post_id is None, post_id or 0, record.get("url") or "")


def comment_sort_key(record: dict[str, Any]) -> SortKey:
    return (record.get("id") or 0, record.get("post_id") or 0)


_FIELD_BITS = 40  # ids, offsets and lengths below 2**40 pack into one int


def _packed(key: SortKey, offset: int, length: int) -> int | None:
    """``(key, offset, length)`` as one int that sorts the same way, when the key is a
    pair of small non-negative ints (comments: id, post id); else None."""
    if len(key) != 2 or offset >> _FIELD_BITS or length >> _FIELD_BITS:
        return None
    first, second = key
    if type(first) is not int or type(second) is not int:
        return None
    if first < 0 or second < 0 or first >> _FIELD_BITS or second >> _FIELD_BITS:
        return None
    packed = (first << _FIELD_BITS | second) << _FIELD_BITS | offset
    return packed << _FIELD_BITS | length


def sort_jsonl(
    path: Path,
    key: Callable[[dict[str, Any]], SortKey],
    combine: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None,
) -> int:
    """Sort the lines of a JSONL file in place (atomically), lines of one id merged into
    one by ``combine`` if given; return the line count."""
    sorter = LineSorter(path)
    try:
        with path.open("rb") as source:
            offset = 0
            for line in source:
                if line.strip():
                    sorter.add(key(json.loads(line)), offset, len(line))
                offset += len(line)
        return sorter.rewrite(combine)
    finally:
        sorter.close()


class LineSorter:
    """The lines of a file, given one at a time as (key, offset, length), rewritten in key
    order (ties in file order).

    Comment files hold about ten lines a post: their entries are packed into single ints
    (a fifth of the memory of tuples) when their keys allow it. Every
    :data:`RUN_ENTRIES` lines the entries are sorted and spilled to a temporary file
    beside the file (a run; deleted when closed); the runs are merged as the file is
    rewritten."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._entries: list[Entry] = []
        self._runs: list[IO[bytes]] = []

    def add(self, key: SortKey, offset: int, length: int) -> None:
        number = _packed(key, offset, length)
        self._entries.append((key, offset, length) if number is None else number)
        self.count += 1
        if len(self._entries) >= RUN_ENTRIES:
            self._runs.append(_spill(_sorted(self._entries), self.path))
            self._entries = []
            if len(self._runs) >= MAX_RUNS:
                merged = _spill(_merge([_read_run(run) for run in self._runs]), self.path)
                self.close()
                self._runs = [merged]

    def rewrite(
        self, combine: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None
    ) -> int:
        """Rewrite the file in key order (atomically); return the line count. With
        ``combine``, the lines whose keys share their first part (the id) become one."""
        runs = [_read_run(run) for run in self._runs]
        last, self._entries = _sorted(self._entries), []
        try:
            entries = _merge([*runs, iter(last)])
            if combine is None:
                return _write_spans(self.path, ([_span_of(e)] for e in entries))
            groups = itertools.groupby(entries, key=lambda e: _as_tuple(e)[0][0])
            return _write_spans(self.path, ([*map(_span_of, g)] for _, g in groups), combine)
        finally:
            self.close()

    def close(self) -> None:
        for run in self._runs:
            run.close()
        self._runs = []


def _sorted(entries: list[Entry]) -> list[Entry]:
    """``entries`` sorted in place: packed ints among themselves, as tuples if mixed."""
    if all(type(entry) is int for entry in entries):
        entries.sort()
    else:
        entries.sort(key=_as_tuple)
    return entries


def _merge(runs: list[Iterator[Entry]]) -> Iterator[Entry]:
    """The sorted runs merged, entries compared as tuples (a packed int as its tuple), so
    that runs of packed and unpacked entries (keys too large to pack) merge alike."""
    return heapq.merge(*runs, key=_as_tuple)


def _as_tuple(entry: Entry) -> tuple[SortKey, int, int]:
    return _unpacked(entry) if type(entry) is int else entry  # type: ignore[return-value]


def _spill(entries: Iterable[Entry], beside: Path) -> IO[bytes]:
    """A run: sorted entries in a temporary file (deleted when closed), one JSON a line."""
    # Closed by LineSorter once merged (the file outlives this function).
    run = tempfile.TemporaryFile(dir=beside.parent, prefix=beside.name, suffix=".run")  # noqa: SIM115
    for entry in entries:
        run.write(json.dumps(entry).encode("ascii") + b"\n")
    run.seek(0)
    return run


def _read_run(run: IO[bytes]) -> Iterator[Entry]:
    for line in run:
        value = json.loads(line)
        if type(value) is int:
            yield value
        else:
            key, offset, length = value
            yield (tuple(key), offset, length)


def _span_of(entry: Entry) -> tuple[int, int]:
    if type(entry) is int:
        return _span(entry)
    _, offset, length = entry  # type: ignore[misc]
    return offset, length


def _write_spans(
    path: Path,
    groups: Iterable[list[tuple[int, int]]],
    combine: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None,
) -> int:
    """Rewrite ``path`` as its lines at ``groups`` of spans (offset, length), in that
    order, each group one line (``combine`` merges a group of several); return the line
    count."""
    sorted_path = path.with_name(path.name + ".sorting")
    count = 0
    with path.open("rb") as source, sorted_path.open("wb") as target:
        for spans in groups:
            count += 1
            lines = []
            for offset, length in spans:
                source.seek(offset)
                lines.append(source.read(length))
            if len(lines) > 1 and combine is not None:
                merged = combine([json.loads(line) for line in lines])
                target.write(json_line(merged).encode("utf-8"))
                continue
            for line in lines:
                target.write(line if line.endswith(b"\n") else line + b"\n")
    sorted_path.replace(path)
    return count


def _span(number: int) -> tuple[int, int]:
    mask = (1 << _FIELD_BITS) - 1
    return (number >> _FIELD_BITS) & mask, number & mask


def _unpacked(number: int) -> tuple[SortKey, int, int]:
    mask = (1 << _FIELD_BITS) - 1
    offset, length = _span(number)
    pair = number >> (2 * _FIELD_BITS)
    return ((pair >> _FIELD_BITS, pair & mask), offset, length)
