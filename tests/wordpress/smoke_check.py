#!/usr/bin/env python3
"""Smoke check of the running test WordPress (stdlib only; not a pytest file).

    python3 tests/wordpress/smoke_check.py [--full]

Checks the things the archiver relies on (gzip, permalinks, REST paging,
sitemap, feeds, comment pages, nested comments) and that no forbidden
string (markers, commenter e-mails, IPs) appears in any fetched response.
--full crawls every URL of the sitemap (about 330 pages).
"""

import gzip
import json
import re
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
FAILS = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        FAILS.append(msg)


def fetch(url, gz=False):
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gz else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
            if r.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return r.status, r.headers, body.decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8", "replace")


def main():
    full = "--full" in sys.argv
    gt = json.loads(
        subprocess.run(
            [str(HERE / "wp.sh"), "groundtruth"], check=True, capture_output=True, text=True
        ).stdout
    )
    base = gt["site"]["url"].rstrip("/")
    sp = gt["special"]
    posts = {p["id"]: p for p in gt["posts"]}
    forbidden = gt["forbidden"]["markers"] + gt["forbidden"]["emails"] + gt["forbidden"]["ips"]
    pages = {}

    def get(url, gz=False):
        st, h, body = fetch(url, gz)
        pages[url] = body
        return st, h, body

    st, h, _ = get(base + "/", gz=True)
    check(st == 200 and h.get("Content-Encoding") == "gzip", "home 200 + gzip")
    seed = posts[sp["seed"]]
    st, _, body = get(seed["url"])
    check(st == 200, f"seed post 200 {seed['url']}")
    check(body.count('<ol class="children">') >= 2, "seed post comments nested (ol.children)")
    ncom = len(re.findall(r'<li id="comment-\d+"', body))
    check(ncom == 6, f"seed post shows 6 comments (got {ncom})")
    check(
        "big brown eyes" in body and "filmreviewsblog.wordpress.com" in body,
        "seed post has restored markup/link",
    )
    st, h, body = get(base + "/wp-json/wp/v2/posts?per_page=100", gz=True)
    check(
        st == 200 and len(json.loads(body)) == 100 and h.get("X-WP-TotalPages") == "3",
        f"REST posts per_page=100: 100 items, X-WP-TotalPages={h.get('X-WP-TotalPages')}",
    )
    for path in (
        "/wp-json/wp/v2/posts?per_page=100&page=2",
        "/wp-json/wp/v2/posts?per_page=100&page=3",
        "/wp-json/wp/v2/pages?per_page=100",
        "/wp-json/wp/v2/comments?per_page=100",
        "/wp-json/wp/v2/comments?per_page=100&post=%d" % sp["many"],
        "/wp-json/wp/v2/categories?per_page=100",
        "/wp-json/wp/v2/tags?per_page=100",
        "/wp-json/wp/v2/users",
        "/wp-json/",
        "/feed/",
        "/comments/feed/",
        "/feed/atom/",
        "/wp-sitemap.xml",
        "/robots.txt",
        "/page/2/",
        "/2014/",
        "/2014/02/",
        "/author/admin/",
        "/category/film/",
        "/tag/her/",
        "/about/",
        "/about/team/",
        "/contact/",
    ):
        st, _, _ = get(base + path)
        check(st == 200, f"200 {path}")
    # every page of the REST collections, and the feeds of the protected post
    for coll in ("posts", "pages", "comments", "media", "users", "categories", "tags"):
        n = 1
        while True:
            st, h, _ = get(base + f"/wp-json/wp/v2/{coll}?per_page=100&page={n}")
            if st != 200 or n >= int(h.get("X-WP-TotalPages") or 1):
                break
            n += 1
    for u in (
        posts[sp["protected"]]["url"] + "feed/",
        seed["url"] + "feed/",
        base + "/comments/feed/?paged=2",
    ):
        get(u)
    many = posts[sp["many"]]
    st, _, body = get(many["url"])
    check("/comment-page-2/" in body, "125-comment post links to /comment-page-2/")
    npages = max(c["page"] for c in gt["comments"] if c["post_id"] == sp["many"])
    for n in range(1, npages + 1):
        st, _, body = get(many["url"] + f"comment-page-{n}/")
        check(st == 200, f"125-comment post comment-page-{n}")
    st, _, body = get(posts[sp["closed"]]["url"])
    check(
        "Comments are closed" in body and len(re.findall(r'<li id="comment-\d+"', body)) == 2,
        "closed post: 2 comments, comments closed",
    )
    st, _, body = get(posts[sp["pingback"]]["url"])
    check("pingback" in body, "pingback shown")
    st, _, body = get(posts[sp["protected"]]["url"])
    check("post-password-form" in body, "protected post shows password form")
    for pid in gt["forbidden"]["post_ids"]:
        st, _, _ = get(base + f"/?p={pid}")
        check(st == 404, f"hidden post ?p={pid} -> {st}")
    # sitemaps
    urls = set()
    _, _, idx = get(base + "/wp-sitemap.xml")
    for sm in re.findall(r"<loc>([^<]+)</loc>", idx):
        _, _, body = get(sm)
        urls.update(re.findall(r"<loc>([^<]+)</loc>", body))
    check(len(urls) > 280, f"sitemap lists {len(urls)} URLs")
    if full:
        with ThreadPoolExecutor(8) as ex:
            for u, res in zip(sorted(urls), ex.map(fetch, sorted(urls))):
                pages[u] = res[2]
                if res[0] != 200:
                    check(False, f"200 {u}")
    leaks = [(u, s) for u, body in pages.items() for s in forbidden if s in body]
    check(
        not leaks,
        f"no forbidden string in {len(pages)} responses" + (f": {leaks[:5]}" if leaks else ""),
    )
    print("FAILED: %d" % len(FAILS) if FAILS else "ALL OK")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
