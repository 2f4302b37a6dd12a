"""One crawl made by several workers: their folders merged into the crawl folder.

A distributed crawl (:mod:`archiver.fleet.distributed`) leaves one folder per worker,
``<crawl>/worker-<id>/``, each with its WARC files, JSONL and summary.json. The last
worker to finish (or ``archiver merge CRAWL_DIR``) writes, in ``<crawl>/``:

* ``posts.jsonl`` and ``comments.jsonl``: the records of every worker that finished,
  sorted by id as a single-process crawl writes them; provenance names the WARC file
  with its worker folder (``worker-<id>/blog-archiver-<id>-….warc.gz``: a record may
  come from a response another worker fetched, such as a REST listing). A response a
  dead worker fetched is pointed at again where a finished worker fetched it too
  (its ``index.cdxj``);
* ``summary.json``: counts summed, coverage computed again from the merged records,
  failures and discovery notes of all workers, and per worker whether it was included.

A worker folder without a summary, or whose crawl did not finish (killed, stopped), is
left out: the requests it had taken were queued again and archived by the others.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from archiver import __version__
from archiver.extract.comment_views import merge_comment_records
from archiver.records.sorting import comment_sort_key, post_sort_key
from archiver.state.layout import COMMENTS_FILE, POSTS_FILE, SUMMARY_FILE

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

WORKER_PREFIX = "worker-"


def merge_crawl(crawl_dir: Path) -> dict[str, Any]:
    """Merge the worker folders of ``crawl_dir``; write and return its summary."""
    workers = sorted(p for p in crawl_dir.glob(f"{WORKER_PREFIX}*") if p.is_dir())
    if not workers:
        raise FileNotFoundError(f"{crawl_dir}: no {WORKER_PREFIX}* folders to merge")
    summaries: dict[str, dict[str, Any]] = {}
    status: dict[str, dict[str, Any]] = {}
    for folder in workers:
        path = folder / SUMMARY_FILE
        summary = json.loads(path.read_text("utf-8")) if path.is_file() else None
        if summary is not None and summary.get("finish_reason") == "finished":
            summaries[folder.name] = summary
            status[folder.name] = {"included": True, "finish_reason": "finished"}
        else:
            reason = summary.get("finish_reason") if summary else "no summary (killed?)"
            status[folder.name] = {
                "included": False,
                "finish_reason": reason,
                "note": "left out; the requests it had taken were queued again",
            }
    sources = WarcSources(crawl_dir, list(summaries))
    posts = _merge_records(crawl_dir, sources, POSTS_FILE, post_sort_key, _post_key)
    comments = _merge_records(
        crawl_dir, sources, COMMENTS_FILE, comment_sort_key, _comment_key, merge_comment_records
    )
    summary = _merged_summary(crawl_dir, summaries, status, posts, comments)
    summary["failures"] += [
        {"url": url, "reason": "its response is only in the WARC of a worker that died"}
        for url in sorted(sources.unresolved)
    ]
    summary["counts"]["failures"] = len(summary["failures"])
    summary["complete"] = summary["complete"] and not sources.unresolved
    path = crawl_dir / SUMMARY_FILE
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
    tmp.replace(path)
    return summary


def _post_key(record: dict[str, Any]) -> object:
    return record.get("id") if record.get("id") is not None else record.get("url")


def _comment_key(record: dict[str, Any]) -> object:
    return record.get("id")


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


class WarcSources:
    """Where the responses of the included workers are: WARC file name → its path in the
    crawl folder, and URL → (path, offset, length) from each worker's ``index.cdxj``."""

    def __init__(self, crawl_dir: Path, workers: list[str]) -> None:
        self.crawl_dir = crawl_dir
        self.workers = workers
        self.files: dict[str, str] = {}
        self.by_url: dict[str, tuple[str, int, int]] = {}
        self.unresolved: set[str] = set()
        for worker in workers:
            for path in sorted((crawl_dir / worker).glob("*.warc.gz")):
                self.files[path.name] = f"{worker}/{path.name}"
            index = crawl_dir / worker / "index.cdxj"
            lines = index.read_text("utf-8").splitlines() if index.is_file() else []
            for line in lines:
                fields = json.loads(line.split(" ", 2)[2])
                location = (
                    f"{worker}/{fields['filename']}",
                    int(fields["offset"]),
                    int(fields["length"]),
                )
                self.by_url.setdefault(fields["url"], location)

    def resolve(self, source: dict[str, Any]) -> None:
        """Point ``source`` (a provenance entry) at a WARC file of an included worker."""
        name = source.get("warc_file")
        if not name:
            return
        if name in self.files:
            source["warc_file"] = self.files[name]
            return
        location = self.by_url.get(source.get("url", ""))
        if location is None:
            self.unresolved.add(source.get("url", name))
            return
        path, offset, length = location
        source["warc_file"] = path
        source["warc_offset"] = offset
        source["warc_record_id"] = _record_id(self.crawl_dir / path, offset, length)


def _record_id(path: Path, offset: int, length: int) -> str:
    """The ``WARC-Record-ID`` of the gzipped record at ``offset``."""
    with path.open("rb") as warc:
        warc.seek(offset)
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(warc.read(length), 65536)
    for line in head.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"warc-record-id":
            return value.strip().decode("ascii", "replace")
    return ""


def _merge_records(
    crawl_dir: Path,
    sources: WarcSources,
    name: str,
    sort_key: Callable[[dict[str, Any]], Any],
    identity: Callable[[dict[str, Any]], object],
    combine: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The records of ``name`` from every included worker, once each, sorted; with
    ``combine``, one record's views from several workers (a comment's REST view and its
    page's) merged into one."""
    records: dict[object, dict[str, Any]] = {}
    for worker in sources.workers:
        for record in _read_jsonl(crawl_dir / worker / name):
            for source in record.get("provenance") or []:
                sources.resolve(source)
            key = identity(record)
            known = records.setdefault(key, record)
            if known is not record and combine is not None:
                records[key] = combine([known, record])
    merged = sorted(records.values(), key=sort_key)
    path = crawl_dir / name
    tmp = path.with_name(path.name + ".merging")
    with tmp.open("w", encoding="utf-8") as out:
        for record in merged:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return merged


def _merged_summary(
    crawl_dir: Path,
    summaries: dict[str, dict[str, Any]],
    status: dict[str, dict[str, Any]],
    posts: list[dict[str, Any]],
    comments: list[dict[str, Any]],
) -> dict[str, Any]:
    parts = list(summaries.values())
    discovery: dict[str, Any] = {}
    for part in parts:
        discovery.update(part.get("discovery") or {})
    failures = [failure for part in parts for failure in part.get("failures") or []]
    counts: Counter[str] = Counter()
    for part in parts:
        counts.update({k: v for k, v in part.get("counts", {}).items() if isinstance(v, int)})
    counts["posts"] = sum(1 for post in posts if post.get("type") == "post")
    counts["pages"] = sum(1 for post in posts if post.get("type") == "page")
    counts["comments"] = len(comments)
    counts["failures"] = len(failures)
    coverage = merged_coverage(discovery, posts, comments)
    started = [part["started_at"] for part in parts if part.get("started_at")]
    finished = [part["finished_at"] for part in parts if part.get("finished_at")]
    duration = (
        (
            datetime.fromisoformat(max(finished)) - datetime.fromisoformat(min(started))
        ).total_seconds()
        if started and finished
        else 0.0
    )
    archived = counts["posts"] + counts["pages"]
    complete = (
        bool(parts)
        and not failures
        and not coverage["posts_missing"]
        and not coverage["pages_missing"]
        and not coverage["comment_mismatches"]
    )
    for name, summary in summaries.items():
        status[name]["counts"] = summary.get("counts", {})
    return {
        "software": f"blog-archiver/{__version__}",
        "spider": parts[0].get("spider", "wordpress") if parts else "wordpress",
        "start_url": parts[0].get("start_url", "") if parts else "",
        "crawl_dir": str(crawl_dir),
        "started_at": min(started) if started else None,
        "finished_at": max(finished) if finished else None,
        "merged_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_seconds": round(duration, 3),
        "finish_reason": "finished" if parts else "no worker finished",
        "complete": complete,
        "counts": dict(counts),
        "coverage": coverage,
        "requests": {
            "total": counts["requests"],
            "per_archived_post": round(counts["requests"] / archived, 2) if archived else None,
        },
        "politeness": merged_politeness(parts),
        "discovery": discovery,
        "failures": failures,
        "workers": status,
        "files": {
            "posts": POSTS_FILE,
            "comments": COMMENTS_FILE,
            "warc": sorted(
                f"{name}/{warc}"
                for name, summary in summaries.items()
                for warc in summary.get("files", {}).get("warc", [])
            ),
        },
    }


def merged_politeness(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The workers' politeness figures together: counts added, longest waits kept."""
    merged: dict[str, Any] = {
        "robots_txt_obeyed": bool(parts)
        and all(part.get("politeness", {}).get("robots_txt_obeyed") for part in parts),
    }
    for key in ("forbidden_by_robots", "retry_after_honoured", "retry_after_capped", "retries"):
        merged[key] = sum(part.get("politeness", {}).get(key) or 0 for part in parts)
    for key in (
        "longest_backoff_seconds",
        "longest_retry_after_asked_seconds",
        "retry_after_max_seconds",
    ):
        merged[key] = max((part.get("politeness", {}).get(key) or 0 for part in parts), default=0)
    return merged


def merged_coverage(
    discovery: dict[str, Any], posts: list[dict[str, Any]], comments: list[dict[str, Any]]
) -> dict[str, Any]:
    """Coverage as :class:`archiver.crawl.summary.CrawlSummaryExtension` reports it, computed
    from the merged records (a post's comment pages may have been read by another
    worker than its page)."""
    captured = Counter(c.get("post_id") for c in comments if c.get("post_id") is not None)
    urls = {p["id"]: p.get("url", "") for p in posts if p.get("id") is not None}
    declared: dict[int, int] = {}
    external: dict[int, str] = {}
    gated: dict[int, str] = {}
    closed: set[int] = set()
    for post in posts:
        post_id = post.get("id")
        if post_id is None:
            continue
        if post.get("comments_external"):
            external[post_id] = post["comments_external"]
        elif post.get("comment_count_declared") is not None:
            declared[post_id] = post["comment_count_declared"]
        if post.get("comments_gated"):
            gated[post_id] = post["comments_gated"]
        if post.get("comment_status") == "closed":
            closed.add(post_id)
    archived = Counter(post.get("type") for post in posts)

    def missing(kind: str) -> int:
        value = discovery.get(f"declared_{kind}s")
        return max(0, value - archived[kind]) if isinstance(value, int) else 0

    return {
        "posts_declared": discovery.get("declared_posts"),
        "posts_archived": archived["post"],
        "posts_missing": missing("post"),
        "pages_declared": discovery.get("declared_pages"),
        "pages_archived": archived["page"],
        "pages_missing": missing("page"),
        "comments_declared": sum(declared.values()),
        "comments_captured": len(comments),
        "comment_mismatches": [
            {"post_id": pid, "url": urls.get(pid, ""), "declared": n, "captured": captured[pid]}
            for pid, n in sorted(declared.items())
            if n != captured[pid]
        ],
        "comment_threads": {
            "counted": len(declared),
            "external": len(external),
            "gated": len(gated),
            "closed": len(closed),
            "not_declared": len(set(urls) - set(declared) - set(external)),
        },
        "comments_external": [
            {"post_id": pid, "url": urls.get(pid, ""), "system": system}
            for pid, system in sorted(external.items())
        ],
        "comments_gated": [
            {"post_id": pid, "url": urls.get(pid, ""), "gate": gate}
            for pid, gate in sorted(gated.items())
        ],
        "comments_closed": sorted(closed),
    }
