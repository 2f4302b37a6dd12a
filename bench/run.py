"""Speed benchmark (issue 9): blog-archiver side by side with plain Scrapy and wget.

    python -m bench.run --posts 3000 --repeat 3          # --posts 300 for a quick run
    python -m bench.run --posts 3000,12000 --repeat 3,1  # two sizes: how cost grows

Generates (or reuses) the static blog of bench/site.py, serves it with nginx on 127.0.0.1
(own config in a temporary folder, gzip_static, stopped at the end) and runs, in turn and
``--repeat`` times each: (1) a plain Scrapy link-following crawl (bench/plain_spider.py),
(2) ``wget --mirror --warc-file``, (3) blog-archiver's full archive (``scrapy crawl
wordpress``), (4) blog-archiver's rebuild from that WARC (``archiver extract``) and
trafilatura with comments on the same HTML pages. Each run is a child process: CPU comes
from its ``os.wait4`` rusage, peak RSS from its processes' ``VmHWM`` (see ``timed``),
requests and bytes from nginx's access log. It prints
Markdown tables (medians over the repeats) with the issue's targets. A report, not a test:
it exits 0 whatever the figures, 1 when a run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # python bench/run.py: make ``bench`` and ``archiver`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site import (
    COMMENT_SHAPES,
    DEFAULT_BASE,
    GENERATOR_VERSION,
    Site,
    build_site,
    write_site,
)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TOOLS = ("plain", "wget", "archive", "rebuild", "trafilatura")
LABELS = {
    "plain": "(1) plain Scrapy link-following",
    "wget": "(2) wget --mirror --warc-file",
    "archive": "(3) blog-archiver full archive",
    "rebuild": "(4) blog-archiver rebuild from WARC",
    "trafilatura": "(4') trafilatura with comments, same pages",
}
NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format bench '$status $bytes_sent "$sent_http_content_type" $request_uri';
    access_log {tmp}/access.log bench;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    keepalive_timeout 65;
    gzip on;
    gzip_static on;
    gzip_vary on;
    gzip_types text/css application/javascript application/xml text/xml text/plain;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


@dataclass(slots=True)
class Measure:
    tool: str
    wall: float
    cpu: float
    rss_mb: float
    requests: int = 0
    html_pages: int = 0  # HTML 200 responses fetched, or HTML pages processed offline
    bytes: int = 0
    ok: bool = True
    note: str = ""
    load: float = 0.0  # the machine's 1-minute load average at the end of the run


# --- the server ---------------------------------------------------------------------------


class Nginx:
    def __init__(self, root: Path, port: int, tmp: Path) -> None:
        self.root, self.port, self.tmp = root, port, tmp
        self.log = tmp / "access.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise SystemExit(
                "nginx not found: apt-get install -y nginx-light (the Apache fallback is not "
                "written yet)"
            )
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(user=user, tmp=self.tmp, port=self.port, root=self.root), "utf-8"
        )
        self.process = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(self.tmp)], stderr=subprocess.PIPE
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"nginx did not start: {(self.tmp / 'error.log').read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: lets the log be flushed
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def offset(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def traffic(self, since: int) -> tuple[int, int, int]:
        """(requests, HTML 200 responses, bytes sent) logged after offset ``since``."""
        requests = pages = sent = 0
        with self.log.open("rb") as log:
            log.seek(since)
            for line in log:
                status, size, rest = line.split(b" ", 2)
                requests += 1
                sent += int(size)
                if status == b"200" and b'"text/html' in rest:
                    pages += 1
        return requests, pages, sent


def version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError:
        return "missing"
    text = (out.stdout + out.stderr).strip().splitlines()
    return text[0] if text else "?"


# --- runs ---------------------------------------------------------------------------------


def timed(cmd: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Measure:
    """Run ``cmd`` to its end: wall time, CPU of it and its children, and the peak RSS
    of its largest process.

    The peak is each process's ``VmHWM`` (``/proc/<pid>/status``), read every 0.2 s for
    the child and its descendants, not ``wait4``'s ``ru_maxrss``: Linux carries the
    parent's high-water mark over ``exec``, so every child of this (large) process would
    report at least this process's own peak."""
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        peaks: dict[int, int] = {}
        while True:
            for pid in [process.pid, *_descendants(process.pid)]:
                peaks[pid] = max(peaks.get(pid, 0), _high_water_kb(pid))
            done, status, usage = os.wait4(process.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.2)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    measure = Measure(
        tool="",
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=max(peaks.values(), default=0) / 1024,
    )
    measure.ok = process.returncode == 0
    measure.note = f"exit {process.returncode}" if process.returncode else ""
    measure.load = os.getloadavg()[0]
    return measure


def _high_water_kb(pid: int) -> int:
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass  # gone between listing and reading
    return 0


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # "pid (comm) state ppid ...": comm may hold spaces and parentheses
                stat = (entry / "stat").read_text("ascii", errors="replace")
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found: list[int] = []
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def fetch_run(
    tool: str,
    cmd: list[str],
    cwd: Path,
    log: Path,
    server: Nginx,
    env: dict[str, str] | None = None,
) -> Measure:
    since = server.offset()
    measure = timed(cmd, cwd, log, env)
    time.sleep(0.2)  # nginx writes its log line after the response
    measure.tool = tool
    measure.requests, measure.html_pages, measure.bytes = server.traffic(since)
    return measure


def run_once(
    base: str,
    server: Nginx,
    work: Path,
    site: Site,
    tools: set[str],
    settings: tuple[str, ...] = (),
) -> list[Measure]:
    work.mkdir(parents=True)
    results = []
    if "plain" in tools:
        empty = work / "plain"  # no scrapy.cfg here: none of blog-archiver's settings apply
        empty.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
        cmd = [PYTHON, "-m", "scrapy", "runspider", str(ROOT / "bench" / "plain_spider.py")]
        results.append(
            fetch_run("plain", [*cmd, "-a", f"url={base}"], empty, work / "plain.log", server, env)
        )
    if "wget" in tools:
        cmd = ["wget", "--mirror", f"--warc-file={work / 'wget'}", "--no-verbose"]
        cmd += ["-P", str(work / "wget-mirror"), base]
        measure = fetch_run("wget", cmd, work, work / "wget.log", server)
        if measure.note == "exit 8":  # wget: "server issued an error response" (404s)
            measure.ok, measure.note = True, "exit 8 (some 404s)"
        results.append(measure)
    crawl_dir = None
    if tools & {"archive", "rebuild", "trafilatura"}:
        cmd = [PYTHON, "-m", "scrapy", "crawl", "wordpress", "-a", f"url={base}"]
        for setting in (
            f"ARCHIVER_OUTPUT_DIR={work / 'archive'}",
            "AUTOTHROTTLE_ENABLED=False",
            "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "CONCURRENT_REQUESTS=16",
            *settings,  # --setting: after the bench's own, so they win
        ):
            cmd += ["-s", setting]
        measure = fetch_run("archive", cmd, ROOT, work / "archive.log", server)
        crawl_dir = next((work / "archive").glob("*/*/"), None)
        measure.note = "; ".join(filter(None, [measure.note, check_archive(crawl_dir, site)]))
        results.append(measure)
    if crawl_dir is not None and "rebuild" in tools:
        cmd = [PYTHON, "-m", "archiver.cli", "extract", str(crawl_dir), "-o", str(work / "rebuilt")]
        measure = timed(cmd, ROOT, work / "rebuild.log")
        measure.tool = "rebuild"
        measure.html_pages = len(warc_html_pages(crawl_dir, count_only=True))
        for name in ("posts.jsonl", "comments.jsonl"):
            rebuilt = work / "rebuilt" / name
            if not rebuilt.is_file() or rebuilt.read_bytes() != (crawl_dir / name).read_bytes():
                measure.ok = False
                measure.note = "; ".join(filter(None, [measure.note, f"{name} differs"]))
        results.append(measure)
    if crawl_dir is not None and "trafilatura" in tools:
        cmd = [PYTHON, str(Path(__file__).resolve()), "--trafilatura-on", str(crawl_dir)]
        measure = timed(cmd, ROOT, work / "trafilatura.log")
        measure.tool = "trafilatura"
        text = (work / "trafilatura.log").read_text("utf-8", "replace")
        if "trafilatura is not installed" in text:
            print("trafilatura is not installed: its row is left out", file=sys.stderr)
        else:
            measure.html_pages = len(warc_html_pages(crawl_dir, count_only=True))
            results.append(measure)
    return results


def check_archive(crawl_dir: Path | None, site: Site) -> str:
    """What the archive holds against the generated truth, and how it found the posts."""
    if crawl_dir is None:
        return "no crawl folder"
    posts = _lines(crawl_dir / "posts.jsonl")
    comments = _lines(crawl_dir / "comments.jsonl")
    want_posts = len(site.posts) + len(site.pages)
    want_comments = sum(len(p.comments) for p in site.posts)
    notes = []
    if (posts, comments) != (want_posts, want_comments):
        notes.append(f"archived {posts}/{want_posts} posts, {comments}/{want_comments} comments")
    try:
        summary = json.loads((crawl_dir / "summary.json").read_text("utf-8"))
        discovery = summary.get("discovery", {})
    except (OSError, ValueError):
        discovery = {}
    if discovery.get("sitemap") != "used":
        notes.append(f"sitemap not used: {discovery}")
    return "; ".join(notes)


def _lines(path: Path) -> int:
    try:
        with path.open("rb") as f:
            return sum(1 for _ in f)
    except OSError:
        return -1


def warc_html_pages(crawl_dir: Path, count_only: bool = False) -> list[tuple[str, bytes]]:
    """The HTML 200 responses of a crawl's WARC files: the pages both extractors read."""
    from warcio.archiveiterator import ArchiveIterator

    pages: list[tuple[str, bytes]] = []
    for warc in sorted(crawl_dir.glob("*.warc.gz")):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                kind = record.http_headers.get_header("Content-Type") or ""
                if record.http_headers.get_statuscode() == "200" and kind.startswith("text/html"):
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    body = b"" if count_only else record.content_stream().read()
                    pages.append((url, body))
    return pages


def trafilatura_on(crawl_dir: Path) -> int:
    """Child mode: trafilatura with comments on every HTML page of the crawl's WARC."""
    try:
        import trafilatura
    except ImportError:
        print("trafilatura is not installed (pip install trafilatura lxml_html_clean)")
        return 0
    pages = warc_html_pages(crawl_dir)
    start = time.process_time()
    for url, body in pages:
        trafilatura.extract(
            body,
            url=url,
            output_format="xml",
            include_comments=True,
            include_links=True,
            include_images=True,
        )
    print(f"{len(pages)} pages, {time.process_time() - start:.2f} s CPU in extract")
    return 0


# --- the report ---------------------------------------------------------------------------


def minimum_requests(site: Site) -> int:
    """One request per post and page and per extra comment page, plus robots.txt, the home
    page and the sitemaps: what a WordPress-aware crawl cannot do without."""
    sitemaps = 1 + -(-len(site.posts) // 2000) + 1  # index, post sitemaps, page sitemap
    extra_comment_pages = sum(p.comment_pages - 1 for p in site.posts)
    return 2 + sitemaps + len(site.posts) + len(site.pages) + extra_comment_pages


def median(measures: list[Measure], tool: str) -> Measure | None:
    runs = [m for m in measures if m.tool == tool]
    if not runs:
        return None

    def med(values: list[float]) -> float:
        return float(statistics.median(values))

    return Measure(
        tool=tool,
        wall=med([m.wall for m in runs]),
        cpu=med([m.cpu for m in runs]),
        rss_mb=med([m.rss_mb for m in runs]),
        requests=int(med([m.requests for m in runs])),
        html_pages=int(med([m.html_pages for m in runs])),
        bytes=int(med([m.bytes for m in runs])),
        ok=all(m.ok for m in runs),
        note="; ".join(sorted({m.note for m in runs if m.note})),
        load=max(m.load for m in runs),
    )


def report(site: Site, measures: list[Measure], repeat: int, header: str) -> str:
    posts = len(site.posts)
    rows = {t: m for t in TOOLS if (m := median(measures, t))}
    out = [header, ""]
    out.append(
        "| run | wall s | HTML pages | pages/s | posts/s | requests | req/post | MB sent "
        "| CPU s | CPU ms/page | peak RSS MB | load | notes |"
    )
    out.append("|" + " --- |" * 13)
    for tool, m in rows.items():
        offline = tool in {"rebuild", "trafilatura"}
        out.append(
            f"| {LABELS[tool]} | {m.wall:.1f} | {m.html_pages} | {m.html_pages / m.wall:.1f} "
            f"| {posts / m.wall:.1f} | {'–' if offline else m.requests} "
            f"| {'–' if offline else f'{m.requests / posts:.2f}'} "
            f"| {'–' if offline else f'{m.bytes / 1e6:.1f}'} | {m.cpu:.1f} "
            f"| {1000 * m.cpu / max(m.html_pages, 1):.1f} | {m.rss_mb:.0f} | {m.load:.1f} "
            f"| {m.note if m.ok else 'FAILED ' + m.note} |"
        )
    ours = rows.get("archive")
    if ours:
        out += [
            "",
            "| blog-archiver full archive as a ratio to | posts/s | pages/s | req/post "
            "| MB sent | CPU s | peak RSS |",
            "|" + " --- |" * 7,
        ]
        for tool in ("plain", "wget"):
            if (ref := rows.get(tool)) is None:
                continue
            out.append(
                f"| {LABELS[tool]} | {ref.wall / ours.wall:.2f}x "
                f"| {(ours.html_pages / ours.wall) / (ref.html_pages / ref.wall):.2f}x "
                f"| {ours.requests / ref.requests:.2f}x | {ours.bytes / ref.bytes:.2f}x "
                f"| {ours.cpu / ref.cpu:.2f}x | {ours.rss_mb / ref.rss_mb:.2f}x |"
            )
    out += ["", "| target (issue 9) | measured | holds |", "| --- | --- | --- |"]
    plain = rows.get("plain")
    if ours and plain:
        ratio = plain.wall / ours.wall
        out.append(
            "| full archive >= 1.5x plain Scrapy's speed, same concurrency (posts/s: the "
            f"same blog archived) | {ratio:.2f}x | {'yes' if ratio >= 1.5 else 'no'} |"
        )
        out.append(
            "| (reference) CPU seconds for the whole blog, plain Scrapy / full archive (all "
            f"processes; a wall-clock-free view) | {plain.cpu / ours.cpu:.2f}x | – |"
        )
    if ours:
        least = minimum_requests(site)
        ratio = ours.requests / least
        out.append(
            f"| requests <= 1.05x the minimum ({least}: posts, pages, extra comment pages, "
            f"sitemaps, robots.txt, home) | {ours.requests} = {ratio:.3f}x "
            f"| {'yes' if ratio <= 1.05 else 'no'} |"
        )
    if plain:
        out.append(
            f"| (reference) plain link-following req/post, issue: ~1.2 "
            f"| {plain.requests / posts:.2f} | – |"
        )
    if wget := rows.get("wget"):
        out.append(f"| (reference) wget req/post, issue: ~5.4 | {wget.requests / posts:.2f} | – |")
    rebuild, traf = rows.get("rebuild"), rows.get("trafilatura")
    if rebuild and traf:
        out += rebuild_target_rows(rebuild, traf, os.cpu_count() or 1)
    out.append("")
    out.append(
        f"Medians of {repeat} run(s) each. load: the machine's 1-minute load average at the "
        "end of the run (2 cores: above 2, other work competed for the CPU, and wall-clock "
        "figures are slower than the code; CPU seconds are much less affected). Issue 9's "
        "reference figures (its machine, 2 cores): plain Scrapy 35-43 pages/s CPU-bound "
        "(~23 ms CPU a page); wget ~130 pages/s, 5.4 requests/post; trafilatura with "
        "comments 26 ms/page."
    )
    return "\n".join(out)


def rebuild_target_rows(rebuild: Measure, traf: Measure, cores: int) -> list[str]:
    """Issue 9's rebuild target, read as: the rebuild's whole cost a page, spread over the
    cores it uses (``archiver extract`` runs one extraction process per core), at most half
    of trafilatura's CPU a page (one process, same pages). Measured two ways: wall-clock
    ms a page, and CPU ms a page (every process of the rebuild) divided by the cores."""
    budget = 0.5 * 1000 * traf.cpu / max(traf.html_pages, 1)
    wall = 1000 * rebuild.wall / max(rebuild.html_pages, 1)
    cpu = 1000 * rebuild.cpu / max(rebuild.html_pages, 1)
    whole = cpu / (1000 * traf.cpu / max(traf.html_pages, 1))
    return [
        f"| rebuild from WARC, wall-clock ms/page (wall s / HTML pages, {cores} cores) <= 0.5x "
        f"trafilatura's CPU ms/page ({budget:.1f} ms) | {wall:.1f} ms "
        f"| {'yes' if wall <= budget else 'no'} |",
        f"| rebuild from WARC, CPU ms/page / {cores} cores (user + sys of all its processes "
        f"/ HTML pages / cores) <= 0.5x trafilatura's CPU ms/page ({budget:.1f} ms) "
        f"| {cpu / cores:.1f} ms | {'yes' if cpu / cores <= budget else 'no'} |",
        "| (reference) rebuild CPU ms/page / trafilatura CPU ms/page, both whole processes "
        f"| {whole:.2f}x | – |",
    ]


def ensure_site(posts: int, base: str, root: Path, comments: str = "default") -> tuple[Site, Path]:
    # each comment shape has its own folder, so the marker (posts, base) stays unambiguous
    out = root / (f"site-{posts}" if comments == "default" else f"site-{posts}-{comments}")
    stamp = f"{GENERATOR_VERSION} {posts} {base}\n"
    site = build_site(posts, base, comments=comments)
    marker = out / "bench-site.txt"
    if not (marker.exists() and marker.read_text("utf-8") == stamp):
        shutil.rmtree(out, ignore_errors=True)
        print(f"generating {posts} posts into {out} …", file=sys.stderr)
        write_site(site, out)
    return site, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Speed benchmark (issue 9); see bench/README.md")
    parser.add_argument("--posts", default="3000", help="blog size(s), comma-separated")
    parser.add_argument(
        "--repeat", default="3", help="runs of each tool, or one count per size (3,1)"
    )
    parser.add_argument(
        "--wget-all-sizes",
        action="store_true",
        help="run wget at every size (default: the first only; ~16 requests a post)",
    )
    parser.add_argument("--port", type=int, default=int(DEFAULT_BASE.rsplit(":", 1)[1].strip("/")))
    parser.add_argument(
        "--sites",
        type=Path,
        default=Path(tempfile.gettempdir()) / "blog-archiver-bench",
        help="where generated blogs are kept and reused",
    )
    parser.add_argument(
        "--comments",
        choices=sorted(COMMENT_SHAPES),
        default="default",
        help="the blog's comment shape: default, or heavy (~19 a post, paged threads; issue 23)",
    )
    parser.add_argument("--only", default=",".join(TOOLS), help=f"subset of {','.join(TOOLS)}")
    parser.add_argument("--keep", action="store_true", help="keep the runs' output folders")
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy setting for blog-archiver's archive runs (repeatable), e.g. "
        "ARCHIVER_WACZ_ENABLED=False",
    )
    parser.add_argument("--trafilatura-on", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.trafilatura_on:
        return trafilatura_on(args.trafilatura_on)
    tools = set(args.only.split(","))
    base = f"http://127.0.0.1:{args.port}/"
    if "wget" in tools and not shutil.which("wget"):
        print("wget is missing (apt-get install -y wget): its row is left out", file=sys.stderr)
        tools.discard("wget")
    failed = False
    rss: dict[int, float] = {}
    plain_rss: dict[int, float] = {}
    sizes = [int(n) for n in args.posts.split(",")]
    repeats = [int(n) for n in str(args.repeat).split(",")]
    repeats += [repeats[-1]] * (len(sizes) - len(repeats))
    for index, (posts, repeat) in enumerate(zip(sizes, repeats, strict=False)):
        size_tools = set(tools)
        if index and not args.wget_all_sizes:
            size_tools.discard("wget")
        site, root = ensure_site(posts, base, args.sites, args.comments)
        work = Path(tempfile.mkdtemp(prefix=f"bench-{posts}-"))
        server = Nginx(root, args.port, work)
        server.start()
        measures: list[Measure] = []
        try:
            for n in range(repeat):
                print(f"{posts} posts, run {n + 1}/{repeat} …", file=sys.stderr)
                for m in run_once(
                    base, server, work / f"run-{n}", site, size_tools, tuple(args.setting)
                ):
                    print(
                        f"  {m.tool}: {m.wall:.1f} s, {m.requests} requests, {m.note}",
                        file=sys.stderr,
                    )
                    failed |= not m.ok
                    measures.append(m)
                if not args.keep:
                    shutil.rmtree(work / f"run-{n}", ignore_errors=True)
        finally:
            server.stop()
        comments = sum(len(p.comments) for p in site.posts)
        now = datetime.now(UTC)
        header = (
            f"Speed benchmark, {now:%Y-%m-%d %H:%M} UTC, {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"server: {version(['nginx', '-v'])} (gzip_static), {version(['wget', '--version'])}\n"
            f"Blog: {posts} posts + {len(site.pages)} pages, {comments} comments, "
            f"{site.base} (bench/site.py --comments {args.comments}, twentytwentyone markup, "
            "no REST API, sitemaps)"
        )
        print(report(site, measures, repeat, header))
        print()
        if ours := median(measures, "archive"):
            rss[posts] = ours.rss_mb
        if plain := median(measures, "plain"):
            plain_rss[posts] = plain.rss_mb
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"runs kept in {work}", file=sys.stderr)
    if len(rss) > 1:
        small, large = min(rss), max(rss)
        growth = rss[large] / rss[small]
        print("| target (issue 9) | measured | holds |\n| --- | --- | --- |")
        print(
            f"| peak RSS of the full archive at {large} posts <= 1.1x that at {small} posts "
            f"| {rss[large]:.0f} / {rss[small]:.0f} MB = {growth:.2f}x "
            f"| {'yes' if growth <= 1.1 else 'no'} |"
        )
        if plain_rss.keys() == rss.keys():
            plain_growth = plain_rss[large] / plain_rss[small]
            print(f"| (reference) plain Scrapy's peak RSS growth | {plain_growth:.2f}x | – |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
