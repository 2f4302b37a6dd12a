"""``report.html``: one self-contained page (inline CSS and SVG, no script, nothing from the
network) rendered from :mod:`archiver.report.gather` with the Jinja2 templates in
``templates/``."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

import jinja2

from archiver import __version__
from archiver.report import plots
from archiver.report.gather import REPORT_FILE, CrawlReport, SiteReport, gather

if TYPE_CHECKING:
    from pathlib import Path

DECLARED_BY = {"rest_api": "the REST API (X-WP-Total)", "sitemap": "the sitemaps"}


def write_report(path: Path, output: Path | None = None) -> Path:
    """Write the report of a crawl folder (into it) or a site folder (into the site folder,
    every crawl in it); return the file written.

    :raises FileNotFoundError: ``path`` holds no crawl with a ``summary.json``.
    """
    site = gather(path.resolve())  # "." has no name to show
    target = output or (site.site_dir or site.crawls[0].crawl_dir) / REPORT_FILE
    text = render(site)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target


def render(site: SiteReport) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("archiver.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["size"] = human_size
    template = environment.get_template("report.html")
    crawls = [crawl_view(crawl, index) for index, crawl in enumerate(site.crawls)]
    return template.render(
        software=f"blog-archiver/{__version__}",
        site=site,
        crawls=crawls,
        site_plot=plots.site_changes(site.history) if site.site_dir is not None else None,
        title=_title(site),
    )


def crawl_view(crawl: CrawlReport, index: int) -> dict[str, Any]:
    """What the template shows of one crawl, every figure taken from its summary."""
    summary, figures, records = crawl.summary, crawl.figures, crawl.records
    coverage = summary.get("coverage", {})
    by_kind = figures.get("by_kind", {})
    bucket = int(figures.get("bucket_seconds", 1))
    over_time = figures.get("requests_over_time", [])
    by_kind_series: dict[str, Counter[int]] = defaultdict(Counter)
    by_status_series: dict[str, Counter[int]] = defaultdict(Counter)
    for row in over_time:
        by_kind_series[row["kind"]][row["bucket"]] += row["count"]
        by_status_series[f"{str(row['status'])[0]}xx"][row["bucket"]] += row["count"]
    prefix = f"c{index}-"
    plot_list = [
        (
            "Posts and comments per month of publication",
            plots.per_month(records.posts_by_month, records.comments_by_month),
        ),
        ("The largest threads", plots.largest_threads(records.largest_threads)),
        ("Comment depth", plots.comment_depth(records.depths)),
        (
            "Requests over the crawl, by kind",
            plots.requests_over_time(by_kind_series, bucket, "kind", "responses"),
        ),
        (
            "Requests over the crawl, by status",
            plots.requests_over_time(by_status_series, bucket, "status", "responses"),
        ),
        ("Response time by kind", plots.response_times(by_kind)),
        ("Bytes received by kind", plots.bytes_by_kind(by_kind)),
    ]
    return {
        "report": crawl,
        "summary": summary,
        "verdict": crawl.verdict,
        "coverage": coverage,
        "declared_by": DECLARED_BY.get(
            str(coverage.get("declared_by")), "nothing (no total found)"
        ),
        "figures": figures,
        "plots": [
            (title, _unique_ids(svg, f"{prefix}{n}")) for n, (title, svg) in enumerate(plot_list)
        ],
        "failures": [failure_view(f, figures) for f in summary.get("failures", [])],
        "by_kind": by_kind,
        "records": records,
        # As the printed summary counts them: counted threads without a mismatch.
        "threads_complete": coverage.get("comment_threads", {}).get("counted", 0)
        - len(coverage.get("comment_mismatches", [])),
        "external_systems": sorted(
            {e.get("system", "") for e in coverage.get("comments_external", [])}
        ),
    }


def failure_view(failure: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    """A failed URL with its retries and what is missing because of it."""
    url = str(failure.get("url", ""))
    context = figures.get("failed_requests", {}).get(url, {})
    kind = context.get("kind", "")
    post = f"post {context['post_id']}" if context.get("post_id") is not None else "a post"
    title = f" “{context['title']}”" if context.get("title") else ""
    if kind == "post page":
        cost = f"{post}{title}: its page and its comments"
    elif kind == "comment page":
        cost = f"comments of {post} (one page of its thread)"
    elif kind in {"REST", "sitemap", "feed", "archive page"}:
        cost = f"a {kind} listing: the posts it lists may be missing"
    elif kind:
        cost = kind
    else:
        cost = "not known (no download recorded for it)"
    return {
        **failure,
        "retries": figures.get("retries", {}).get(url, 0),
        "cost": cost,
    }


def human_size(size: int | float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"  # pragma: no cover - the loop returns


def _unique_ids(svg: str | None, prefix: str) -> str | None:
    """Each crawl's plots get ids of their own: a site's page shows several crawls."""
    if svg is None:
        return None
    return (
        svg.replace('id="', f'id="{prefix}')
        .replace("url(#", f"url(#{prefix}")
        .replace('href="#', f'href="#{prefix}')
    )


def _title(site: SiteReport) -> str:
    start_url = site.crawls[-1].summary.get("start_url", "")
    if site.site_dir is not None:
        count = len(site.crawls)
        return f"{start_url}: {count} crawl{'s' if count != 1 else ''}"
    return f"{start_url}: crawl {site.crawls[0].crawl_dir.name}"
