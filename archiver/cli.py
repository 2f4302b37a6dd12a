"""``archiver``: the command line. One small function per subcommand.

``archiver crawl URL`` archives a blog (the same as ``scrapy crawl wordpress -a url=URL``
from the project folder). With no URL it starts the local test WordPress
(``tests/wordpress/wp.sh``) and archives that, as a demonstration.

``archiver verify CRAWL_DIR|WARC...`` checks a crawl's WARC files (structure, digests,
request/response pairing, revisits, ``index.cdxj``): one line per defect, then a
summary; exit status 0 when sound, 1 on any defect, 2 on a usage error.

``archiver extract CRAWL_DIR|WARC...`` rebuilds ``posts.jsonl`` and ``comments.jsonl``
from the WARC files alone, offline, by running the crawl's own code against them
(:mod:`archiver.warc.rebuild`); the result equals the crawl's JSONL byte for byte.

``archiver wacz CRAWL_DIR|SITE_DIR [-o FILE]`` packages a crawl, or all crawls of a site,
as a WACZ file for ReplayWeb.page (:mod:`archiver.warc.wacz`); every crawl also writes its
own when it ends. ``archiver site CRAWL_DIR|SITE_DIR -o DIR`` writes a browsable offline
copy of the archived blog, static HTML that opens from a folder (:mod:`archiver.offline`).

``archiver deploy --scrapyd URL`` adds this blog-archiver to a Scrapyd server;
``archiver schedule SITES.toml --scrapyd URL`` submits the due sites of a sites file
(:mod:`archiver.fleet.scheduling`); ``archiver merge CRAWL_DIR`` merges the worker folders of a
distributed crawl (:mod:`archiver.fleet.merge`).
``archiver crawl`` of a blog crawled before fetches only what changed (``--full``: all of
it again) and resumes a crawl that was interrupted; ``archiver history SITE`` lists the
crawls of a site and what each changed (:mod:`archiver.state.site`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from twisted.python.failure import Failure

TEST_WORDPRESS = Path(__file__).resolve().parent.parent / "tests" / "wordpress" / "wp.sh"


EXIT_CODES_HELP = """\
exit status of archiver crawl (the verdict, also in summary.json):
  0  complete: every post, page and comment the blog declares is archived
  1  incomplete: the summary says why (URLs that failed, posts missing, a crawl stopped
     with Ctrl-C, another crawl of the blog running); the same command resumes or retries
  2  a usage or input error (a malformed address, a -s value of the wrong type): nothing
     was started
  3  nothing to archive: no WordPress REST API, no post sitemap, no feed and no archive
     page with posts at the address (the summary says what was tried)
  4  the output folder is not writable, or filled up during the crawl: what was written
     is kept, and the same command resumes once there is room
"""


def _parser() -> argparse.ArgumentParser:
    from archiver import __version__

    parser = argparse.ArgumentParser(
        prog="archiver",
        description=__doc__.splitlines()[0],
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"blog-archiver {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    commands = parser.add_subparsers(dest="command", required=True)
    crawl = commands.add_parser(
        "crawl",
        help="archive a blog into WARC + JSON (exit status: the verdict, see below)",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    crawl.add_argument("url", nargs="?", help="the blog's address (default: the local test blog)")
    crawl.add_argument("-o", "--output", help="output folder (default: ./output)")
    crawl.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy or ARCHIVER_ setting for this run (repeatable)",
    )
    crawl.add_argument(
        "--full",
        action="store_true",
        help="fetch everything again, even when an earlier crawl of the blog finished",
    )
    history = commands.add_parser("history", help="list a site's crawls and what each changed")
    history.add_argument(
        "site", help="the site's folder (output/<site>), an output folder, or the blog's URL"
    )
    history.add_argument("-o", "--output", help="output folder, with a URL (default: ./output)")
    verify = commands.add_parser("verify", help="check a crawl's WARC files and index")
    verify.add_argument(
        "paths", nargs="+", metavar="PATH", help="a crawl folder, or WARC files (.warc.gz)"
    )
    extract = commands.add_parser(
        "extract", help="rebuild the JSON of a crawl from its WARC files alone, offline"
    )
    extract.add_argument(
        "paths", nargs="+", metavar="PATH", help="a crawl folder, or WARC files (.warc.gz)"
    )
    extract.add_argument("-o", "--output", help="output folder (default: CRAWL_DIR/extracted)")
    extract.add_argument("--url", help="the blog's address (default: from summary.json)")
    extract.add_argument("--workers", type=int, help="extraction processes (default: one per core)")
    extract.add_argument(
        "--replay-spider",
        action="store_true",
        help="replay the crawl's spider through Scrapy instead (slower; for comparison)",
    )
    wacz = commands.add_parser(
        "wacz", help="package a crawl, or all crawls of a site, as a WACZ for ReplayWeb.page"
    )
    wacz.add_argument("path", metavar="CRAWL_DIR|SITE_DIR", help="a crawl or a site folder")
    wacz.add_argument(
        "-o",
        "--output",
        help="the .wacz file (default: <site>-<crawl>.wacz in the crawl folder, "
        "<site>.wacz in the site folder)",
    )
    site = commands.add_parser(
        "site", help="write a browsable offline copy of the archived blog (static HTML)"
    )
    site.add_argument("path", metavar="CRAWL_DIR|SITE_DIR", help="a crawl or a site folder")
    site.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write")
    deploy = commands.add_parser("deploy", help="add this blog-archiver to a Scrapyd server")
    deploy.add_argument("--scrapyd", required=True, metavar="URL", help="Scrapyd's address")
    deploy.add_argument("--project", default="blog_archiver", help="Scrapyd project name")
    deploy.add_argument("--version", help="version (default: <version>.<unix time>)")
    schedule = commands.add_parser(
        "schedule", help="submit the due sites of a sites file to Scrapyd, report failed jobs"
    )
    schedule.add_argument("sites", metavar="SITES.toml", help="the sites file")
    schedule.add_argument("--scrapyd", required=True, metavar="URL", help="Scrapyd's address")
    schedule.add_argument("--project", default="blog_archiver", help="Scrapyd project name")
    schedule.add_argument(
        "--state", help="the scheduler's record (default: schedule.sqlite in the output folder)"
    )
    schedule.add_argument("--dry-run", action="store_true", help="say what is due, submit nothing")
    report = commands.add_parser(
        "report", help="write report.html: what a crawl, or every crawl of a site, archived"
    )
    report.add_argument("path", metavar="CRAWL_DIR|SITE_DIR", help="a crawl or a site folder")
    report.add_argument("-o", "--output", help="the file (default: report.html in the folder)")
    merge = commands.add_parser("merge", help="merge the worker folders of a distributed crawl")
    merge.add_argument("crawl_dir", metavar="CRAWL_DIR", help="the crawl folder")
    args = parser.parse_args(argv)
    if args.command == "deploy":
        return deploy_command(args.scrapyd, args.project, args.version)
    if args.command == "schedule":
        return schedule_command(
            Path(args.sites), args.scrapyd, args.project, args.state, args.dry_run
        )
    if args.command == "merge":
        return merge_command(Path(args.crawl_dir))
    if args.command == "report":
        return report_command(Path(args.path), Path(args.output) if args.output else None)
    if args.command == "wacz":
        return wacz_command(Path(args.path), Path(args.output) if args.output else None)
    if args.command == "site":
        return site_command(Path(args.path), Path(args.output))
    if args.command == "crawl":
        overrides = [*args.set, "ARCHIVER_FULL_CRAWL=True"] if args.full else args.set
        return crawl_command(args.url, args.output, overrides)
    if args.command == "history":
        return history_command(args.site, args.output)
    if args.command == "extract":
        return extract_command(
            [Path(path) for path in args.paths],
            args.output,
            args.url,
            workers=args.workers,
            replay_spider=args.replay_spider,
        )
    if args.command == "verify":
        return verify_command([Path(path) for path in args.paths])
    return 2  # pragma: no cover - argparse enforces the choices


def crawl_command(url: str | None, output: str | None, overrides: list[str]) -> int:
    """Run one crawl in this process; the exit status is its verdict (EXIT_CODES_HELP)."""
    from archiver.crawl.preflight import InputError, OutputFolderError
    from archiver.crawl.verdict import EXIT_CODES, EXIT_USAGE, OUTPUT_ERROR

    try:
        settings = checked_crawl_input(url, output, overrides)
    except OutputFolderError as error:
        print(f"archiver crawl: {error}", file=sys.stderr)
        return EXIT_CODES[OUTPUT_ERROR]
    except InputError as error:
        print(f"archiver crawl: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not url:
        url = start_test_wordpress()
        print(f"archiving the local test blog at {url}", flush=True)
    stats: dict[str, object] = {}
    summary = run_wordpress_spider(url, settings, stats)
    # No summary.json (it could not be written, or the crawl never opened): the verdict
    # the summary extension reached is in the crawl's stats.
    code = summary.get("exit_code") if summary is not None else stats.get("archiver/exit_code")
    if isinstance(code, int):
        return code
    if summary is not None:
        return 0 if summary.get("complete") else 1
    return 1


def checked_crawl_input(
    url: str | None, output: str | None, overrides: list[str]
) -> dict[str, object]:
    """The crawl's settings, once the address, every ``-s`` value and the output folder
    passed their checks (:mod:`archiver.crawl.preflight`): before anything is registered
    in the site's state."""
    from archiver.crawl.preflight import check_output_dir, check_settings, check_url

    if url is not None:
        check_url(url)
    settings: dict[str, object] = dict(check_settings(overrides))
    if output:
        settings["ARCHIVER_OUTPUT_DIR"] = output
    check_output_dir(str(settings.get("ARCHIVER_OUTPUT_DIR") or _default_output_dir()))
    return settings


def _default_output_dir() -> str:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "archiver.settings")
    from scrapy.utils.project import get_project_settings

    return str(get_project_settings().get("ARCHIVER_OUTPUT_DIR") or "output")


def extract_command(
    paths: list[Path],
    output: str | None,
    url: str | None,
    *,
    workers: int | None = None,
    replay_spider: bool = False,
) -> int:
    """Rebuild posts.jsonl and comments.jsonl from WARC files alone, offline."""
    from archiver.warc.rebuild import find_warcs, rebuild, replay_settings, report, start_url_of

    try:
        warcs = find_warcs(paths)
        url = url or start_url_of(paths)
    except (FileNotFoundError, ValueError) as error:
        print(f"archiver extract: {error}", file=sys.stderr)
        return 2
    folder = next((path for path in paths if path.is_dir()), warcs[0].parent)
    output_dir = Path(output) if output else folder / "extracted"
    if not replay_spider:
        return report(rebuild(warcs, url, output_dir, folder, workers), output_dir)
    summary = run_wordpress_spider(url, replay_settings(warcs, output_dir))
    return 0 if summary is not None and not summary.get("failures") else 1


def run_wordpress_spider(
    url: str, overrides: dict[str, object], stats: dict[str, object] | None = None
) -> dict[str, object] | None:
    """Run the ``wordpress`` spider in this process; return its summary.json, if written
    (and fill ``stats`` with the crawl's stats)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "archiver.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from archiver.state.lock import CrawlLocked

    settings = get_project_settings()
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("wordpress")
    locked: list[str] = []  # another crawl of the site holds its lock: say so, plainly

    def note_locked(failure: Failure) -> Failure | None:
        if not isinstance(failure.value, CrawlLocked):
            return failure
        locked.append(str(failure.value))
        return None

    process.crawl(crawler, url=url).addErrback(note_locked)
    process.start()
    if stats is not None:
        try:
            crawler_stats = crawler.stats
        except (AttributeError, RuntimeError):  # the crawl never started (a lock held)
            crawler_stats = None
        if crawler_stats is not None:
            stats.update(crawler_stats.get_stats())
    if locked:
        print(f"archiver: {locked[0]}", file=sys.stderr)
        return None
    crawl_dir = Path(getattr(crawler.spider, "crawl_dir", ""))
    if getattr(crawler.spider, "shared_crawl", None) is not None:
        return worker_summary(crawl_dir)
    summary_path = crawl_dir / "summary.json"
    if not summary_path.is_file():
        print(f"archiver: the crawl wrote no summary in {crawl_dir}", file=sys.stderr)
        return None
    print(f"summary: {summary_path}")
    summary: dict[str, object] = json.loads(summary_path.read_text("utf-8"))
    return summary


def worker_summary(worker_dir: Path) -> dict[str, object] | None:
    """A worker of a distributed crawl: the merged summary if this worker merged the
    crawl (it was the last), else whether its own part finished without failures."""
    merged = worker_dir.parent / "summary.json"
    if merged.is_file():
        summary: dict[str, object] = json.loads(merged.read_text("utf-8"))
        if worker_dir.name in (summary.get("workers") or {}):  # type: ignore[operator]
            print(f"summary: {merged}")
            return summary
    own_path = worker_dir / "summary.json"
    if not own_path.is_file():
        print(f"archiver: the worker wrote no summary in {worker_dir}", file=sys.stderr)
        return None
    own = json.loads(own_path.read_text("utf-8"))
    print(f"summary of this worker: {own_path} (the last worker to finish merges the crawl)")
    return {"complete": own.get("finish_reason") == "finished" and not own.get("failures")}


def verify_command(paths: list[Path]) -> int:
    """Check WARC files and crawl folders; print each defect, then a summary line."""
    from archiver.warc.verify import WARC_SUFFIXES, WarcVerifier

    for path in paths:
        if not path.is_dir() and not (path.is_file() and path.name.endswith(WARC_SUFFIXES)):
            print(f"archiver verify: not a crawl folder or WARC file: {path}", file=sys.stderr)
            return 2
    verifier = WarcVerifier(paths)
    defects = verifier.run()
    for defect in defects:
        print(defect)
    types = Counter(record.type for record in verifier.records.values())
    index = f", {verifier.index_lines} index lines" if verifier.index_lines else ""
    print(
        f"{'DEFECTS' if defects else 'OK'}: {len(verifier.files)} WARC files, "
        f"{len(verifier.records)} records ({types['response']} responses, "
        f"{types['revisit']} revisits, {types['request']} requests){index}, "
        f"{len(defects)} defects"
    )
    return 1 if defects else 0


def wacz_command(path: Path, output: Path | None) -> int:
    """Write the WACZ of a crawl or site folder; exit 2 when there is nothing to package."""
    from archiver.warc.wacz import WACZ_SUFFIX, package_crawls

    if output is not None and not output.name.endswith(WACZ_SUFFIX):
        print(f"archiver wacz: the file name must end in {WACZ_SUFFIX}: {output}", file=sys.stderr)
        return 2
    try:
        summary = package_crawls(path, output)
    except (FileNotFoundError, ValueError) as error:
        print(f"archiver wacz: {error}", file=sys.stderr)
        return 2
    print(summary.line())
    return 0


def report_command(path: Path, output: Path | None) -> int:
    """Write the report of a crawl folder, or of every crawl of a site folder."""
    from archiver.report.html import write_report

    try:
        written = write_report(path, output)
    except (FileNotFoundError, ValueError) as error:
        print(f"archiver report: {error}", file=sys.stderr)
        return 2
    print(f"report: {written}")
    return 0


def site_command(path: Path, output: Path) -> int:
    """Write the offline copy of a crawl or site folder into ``output``."""
    from archiver.offline.build import build_site

    try:
        built = build_site(path, output)
    except (FileNotFoundError, ValueError) as error:
        print(f"archiver site: {error}", file=sys.stderr)
        return 2
    print(built.line())
    return 0


def deploy_command(scrapyd: str, project: str, version: str | None) -> int:
    """Build the egg and add it to Scrapyd as a new version of ``project``."""
    from archiver.fleet.deploy import build_egg, default_version
    from archiver.fleet.scheduling import ScrapydClient, ScrapydError

    version = version or default_version()
    try:
        answer = ScrapydClient(scrapyd).add_version(project, version, build_egg(project, version))
    except (ScrapydError, RuntimeError) as error:
        print(f"archiver deploy: {error}", file=sys.stderr)
        return 1
    print(f"deployed {project} {version} to {scrapyd}: spiders {answer.get('spiders')}")
    return 0


def schedule_command(
    sites_path: Path, scrapyd: str, project: str, state: str | None, dry_run: bool
) -> int:
    """Report the jobs that ended since the last run, submit the due sites; exit 1 when a
    job failed or Scrapyd could not be used, 2 on a bad sites file."""
    from archiver.fleet.scheduling import STATE_FILE, ScrapydClient, ScrapydError, run_schedule
    from archiver.fleet.sites import SitesFileError, load_sites

    try:
        sites = load_sites(sites_path)
    except SitesFileError as error:
        print(f"archiver schedule: {error}", file=sys.stderr)
        return 2
    state_path = Path(state) if state else sites.output / STATE_FILE
    client = ScrapydClient(scrapyd)
    try:
        report = run_schedule(sites.sites, state_path, client, project, dry_run=dry_run)
    except ScrapydError as error:
        print(f"archiver schedule: Scrapyd: {error}", file=sys.stderr)
        if "not found" in str(error):
            print(f"  (deploy first: archiver deploy --scrapyd {scrapyd})", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line)
    return 1 if report.failed else 0


def merge_command(crawl_dir: Path) -> int:
    """Merge a distributed crawl's worker folders; exit 0 only for a complete archive."""
    from archiver.crawl.summary import format_summary
    from archiver.fleet.merge import merge_crawl

    try:
        summary = merge_crawl(crawl_dir)
    except FileNotFoundError as error:
        print(f"archiver merge: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(format_summary(summary))
    return 0 if summary.get("complete") else 1


def history_command(site: str, output: str | None) -> int:
    """Print every crawl of a site: when, full or incremental, complete, what changed."""
    from archiver.state.site import STATE_FILE, SiteState

    given = Path(site)
    if "://" in site:
        from archiver.state.layout import site_name

        candidates = [Path(output or "output") / site_name(site) / STATE_FILE]
    else:
        candidates = [given / STATE_FILE, *sorted(given.glob(f"*/{STATE_FILE}"))]
    found = [path for path in candidates if path.is_file()]
    if not found:
        print(f"archiver history: no {STATE_FILE} for {site}", file=sys.stderr)
        return 2
    for path in found:
        state = SiteState(path)
        try:
            crawls = state.history()
        finally:
            state.close()
        print(f"{path.parent}:")
        print("  #  started                    kind         state        requests  changes")
        for c in crawls:
            status = (
                "interrupted"
                if c["finished"] is None
                else {True: "complete", False: "incomplete", None: "finished"}[c["complete"]]
            )
            print(
                f"{c['id']:3}  {c['started']:25}  {c['kind']:11}  {status:11}  "
                f"{c['requests'] if c['requests'] is not None else '-':>8}  "
                f"posts {c['new_posts']} new, {c['edited_posts']} edited, "
                f"{c['deleted_posts']} deleted; comments {c['new_comments']} new, "
                f"{c['deleted_comments']} deleted  ({c['crawl_dir']})"
            )
    return 0


def start_test_wordpress() -> str:
    """Start (installing it on first use) the local test WordPress; return its URL."""
    if not TEST_WORDPRESS.is_file():
        raise SystemExit(
            "archiver: no URL given and the test WordPress scripts are not here "
            f"({TEST_WORDPRESS}); give the blog's address: archiver crawl https://blog.example/"
        )
    result = subprocess.run(
        ["bash", str(TEST_WORDPRESS), "start"], check=True, stdout=subprocess.PIPE, text=True
    )
    return result.stdout.strip().splitlines()[-1]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
