"""Record the pages the local test server needs beyond tests/fixtures/ (robots.txt and
WordPress's 404 page) from the running test WordPress, the way tests/fixtures/record.py does.

    python -m tests.integration.record_site

Review the diff before committing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
WP_SH = HERE.parent / "wordpress" / "wp.sh"
KEPT_HEADERS = {"link", "content-type"}


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": "blog-archiver fixtures"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:  # the 404 page is what we want
        status, headers, body = error.code, error.headers, error.read()
        error.close()
    kept = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    return status, kept, body


def save(name: str, url: str) -> None:
    status, headers, body = fetch(url)
    path = SITE / name
    path.write_bytes(body)
    themes = sorted(set(re.findall(rb"wp-content/themes/([a-z0-9-]+)", body)))
    meta = {
        "url": url,
        "status": status,
        "headers": headers,
        "recorded": datetime.now(UTC).date().isoformat(),
        "theme": b",".join(themes).decode() or None,
    }
    path.with_suffix(".meta.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    print(f"saved {path.relative_to(HERE)} <- {url} ({status})")


def main() -> int:
    base = (
        subprocess.run(["bash", str(WP_SH), "start"], check=True, stdout=subprocess.PIPE, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    SITE.mkdir(exist_ok=True)
    save("robots.txt", f"{base}/robots.txt")
    save("not-found.html", f"{base}/no-such-page/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
