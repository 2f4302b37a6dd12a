"""The report's plots: matplotlib figures as inline SVG text, the same bytes for the same data.

No pyplot (no global state, no GUI backend): each plot is a :class:`matplotlib.figure.Figure`
saved as SVG with glyphs as paths (no font needed where it is opened), a fixed hash salt
per plot (the ids inside stay the same from run to run, and differ between the plots of
one page) and no date in the metadata. A plot without data is not drawn: the caller
says so in words.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from matplotlib.axes import Axes

WIDTH = 6.0  # inches; the page scales the SVG to its column, a phone's width too
COLOURS = ("#3465a4", "#f57900", "#4e9a06", "#cc0000", "#75507b", "#c17d11", "#555753", "#06989a")
STATUS_COLOURS = {"2xx": "#4e9a06", "3xx": "#3465a4", "4xx": "#f57900", "5xx": "#cc0000"}


def svg(figure: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element (no XML declaration, no doctype)."""
    # The data drawn (bars, boxes, lines) get ids of their own: a reader (and a test)
    # can tell a plot with data from an empty frame.
    for index, axes in enumerate(figure.axes):
        for number, artist in enumerate([*axes.patches, *axes.lines, *axes.collections]):
            artist.set_gid(f"{name}-{index}-data-{number}")
    out = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": f"blog-archiver-{name}", "svg.fonttype": "path"}):
        figure.savefig(out, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = out.getvalue()
    return text[text.index("<svg") :]


def _figure(height: float = 3.2) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def per_month(posts: Mapping[str, int], comments: Mapping[str, int]) -> str | None:
    """Posts and comments per month of publication (two panels: their scales differ)."""
    known = sorted(set(posts) | set(comments))
    if not known:
        return None
    months = _month_range(known[0], known[-1])
    figure = Figure(figsize=(WIDTH, 4.2), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    positions = range(len(months))
    for axes, counts, label, colour in (
        (top, posts, "posts", COLOURS[0]),
        (bottom, comments, "comments", COLOURS[1]),
    ):
        axes.bar(positions, [counts.get(m, 0) for m in months], color=colour, width=0.8)
        axes.set_ylabel(label)
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
    step = max(1, len(months) // 12)
    bottom.set_xticks(list(positions)[::step], months[::step], rotation=45, ha="right")
    return svg(figure, "per-month")


def largest_threads(threads: Sequence[Mapping[str, Any]]) -> str | None:
    """The posts with the most comments, largest at the top."""
    if not threads:
        return None
    figure, axes = _figure(0.6 + 0.3 * len(threads))
    labels = [_short(str(t.get("title") or t.get("url") or t["post_id"])) for t in threads]
    axes.barh(range(len(threads)), [t["comments"] for t in threads], color=COLOURS[1])
    axes.set_yticks(range(len(threads)), labels)
    axes.invert_yaxis()
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.grid(axis="y", visible=False)
    axes.set_xlabel("comments archived")
    return svg(figure, "threads")


def comment_depth(depths: Mapping[int, int]) -> str | None:
    """Comments by their depth in the thread (1: a reply to the post)."""
    if not depths:
        return None
    figure, axes = _figure(2.6)
    levels = sorted(depths)
    axes.bar(levels, [depths[d] for d in levels], color=COLOURS[4])
    axes.set_xticks(levels, [str(d) for d in levels])
    axes.set_xlabel("depth in the thread")
    axes.set_ylabel("comments")
    return svg(figure, "depth")


def requests_over_time(
    series: Mapping[str, Mapping[int, int]], bucket_seconds: int, name: str, ylabel: str
) -> str | None:
    """Responses per time bucket, stacked by ``series`` (kind, or status class)."""
    if not series:
        return None
    buckets = sorted({b for counts in series.values() for b in counts})
    last = buckets[-1] + 1
    x = [b * bucket_seconds for b in range(last)]
    figure, axes = _figure()
    bottom = [0] * last
    for index, (label, counts) in enumerate(sorted(series.items())):
        heights = [counts.get(b, 0) for b in range(last)]
        colour = STATUS_COLOURS.get(label, COLOURS[index % len(COLOURS)])
        axes.bar(
            x, heights, bottom=bottom, width=bucket_seconds, align="edge", label=label, color=colour
        )
        bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
    axes.set_xlabel("seconds since the crawl started")
    axes.set_ylabel(ylabel)
    figure.legend(loc="outside lower center", fontsize="small", frameon=False, ncols=4)
    return svg(figure, name)


def response_times(by_kind: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Download time by kind: a box from the quartiles, whiskers at the 10th and 90th."""
    stats = [
        {
            "label": kind,
            "whislo": seconds["p10"],
            "q1": seconds["p25"],
            "med": seconds["median"],
            "q3": seconds["p75"],
            "whishi": seconds["p90"],
            "mean": seconds["mean"],
            "fliers": [seconds["max"]],
        }
        for kind, figures in sorted(by_kind.items())
        if (seconds := figures.get("seconds"))
    ]
    if not stats:
        return None
    figure, axes = _figure(0.8 + 0.35 * len(stats))
    axes.bxp(stats, orientation="horizontal", showmeans=True, patch_artist=True)
    axes.set_xscale("log")
    axes.set_xlabel("seconds to download (box: quartiles, whiskers: 10th to 90th, dot: max)")
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.grid(axis="y", visible=False)
    return svg(figure, "times")


def bytes_by_kind(by_kind: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Bytes received by kind, as they came over the wire."""
    kinds = [kind for kind in sorted(by_kind) if by_kind[kind].get("bytes")]
    if not kinds:
        return None
    figure, axes = _figure(0.8 + 0.35 * len(kinds))
    axes.barh(kinds, [by_kind[k]["bytes"] / 1e6 for k in kinds], color=COLOURS[0])
    axes.invert_yaxis()
    axes.set_xlabel("MB received")
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.grid(axis="y", visible=False)
    return svg(figure, "bytes")


def site_changes(crawls: Sequence[Mapping[str, Any]]) -> str | None:
    """What each crawl of a site found new, edited, deleted, and the requests it made."""
    if not crawls:
        return None
    figure, axes = _figure(3.6)
    labels = [f"#{c['id']} {c['kind']}" for c in crawls]
    kinds = ("new_posts", "edited_posts", "deleted_posts", "new_comments", "deleted_comments")
    width = 0.8 / len(kinds)
    for index, kind in enumerate(kinds):
        axes.bar(
            [i + index * width for i in range(len(crawls))],
            [c[kind] for c in crawls],
            width=width,
            label=kind.replace("_", " "),
            color=COLOURS[index],
        )
    axes.set_xticks([i + 0.4 - width / 2 for i in range(len(crawls))], labels)
    axes.set_ylabel("records")
    requests = figure.axes[0].twinx()
    requests.plot(
        range(len(crawls)),
        [c["requests"] or 0 for c in crawls],
        color="#2e3436",
        marker="o",
        label="requests",
    )
    requests.set_ylabel("requests")
    requests.set_ylim(bottom=0)
    handles, names = axes.get_legend_handles_labels()
    more, more_names = requests.get_legend_handles_labels()
    figure.legend(
        handles + more,
        names + more_names,
        loc="outside lower center",
        fontsize="small",
        frameon=False,
        ncols=3,
    )
    return svg(figure, "site-changes")


def _month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), the empty ones too."""
    try:
        year, month = (int(part) for part in first.split("-"))
        end = tuple(int(part) for part in last.split("-"))
    except ValueError:  # not a date: the months as they are
        return sorted({first, last})
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _short(text: str, length: int = 48) -> str:
    # "$" would start matplotlib's mathtext.
    text = text if len(text) <= length else text[: length - 1] + "…"
    return text.replace("$", r"\$")
