"""End to end: re-archiving the real test WordPress fetches only what changed (issue 6).

A full crawl; then, through WordPress's own PHP API, a new post, an edited post, a reply
comment and a deleted comment; a second crawl must capture exactly those changes, report
the deletion and make at most 10 % of the first crawl's requests; a third crawl of the
unchanged blog writes only revisit records (besides its warcinfo, request and crawl-log
records) with at most 5 %, its revalidation budget included (a post page rechecked);
pywb replays, through the third crawl's revisit records, the home page (it shows the new
post), the posts listing and the rechecked post. Then deletions: a post and a comment
deleted before a ``--full`` crawl, another pair before a crawl without the REST API; both
crawls report exactly those, and the earlier crawls keep them. Each crawl runs as a user
runs it (``archiver crawl URL -o OUTPUT``). The blog is reset afterwards.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.crawl.summary import format_summary
from archiver.state.site import SiteState
from tests.conftest import ROOT, read_jsonl, wp
from tests.e2e.test_replay_pywb import fetch, pywb_bin, pywb_serving, replay_url

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.e2e
AUTOTHROTTLE_OFF = ("-s", "AUTOTHROTTLE_ENABLED=False")  # a local blog: no need to wait
_ = pywb_bin  # the session fixture that installs pywb, used by test_pywb_…

# Three published posts with open comments and 2 to 4 approved comments (no comment
# pages): one is edited, one gets a reply, one loses a comment without replies; and a
# new post. Returns the ids as JSON.
CHANGE_BLOG = r"""
$posts = get_posts(['numberposts' => -1, 'post_type' => 'post', 'post_status' => 'publish',
    'orderby' => 'ID', 'order' => 'ASC', 'has_password' => false]);
$pick = [];
foreach ($posts as $p) {
    if ($p->comment_status !== 'open') continue;
    $c = get_comments(['post_id' => $p->ID, 'status' => 'approve', 'type' => 'comment']);
    if (count($c) >= 2 && count($c) <= 4) { $pick[] = [$p, $c]; }
    if (count($pick) == 3) break;
}
[$edit, ] = $pick[0];
[$replyPost, $replyComments] = $pick[1];
[$delPost, $delComments] = $pick[2];
wp_update_post(['ID' => $edit->ID,
    'post_content' => $edit->post_content . "\n<p>Edited after the first crawl.</p>"]);
$new = wp_insert_post(['post_title' => 'A post written after the first crawl',
    'post_content' => '<p>New since the first crawl.</p>', 'post_status' => 'publish',
    'post_author' => 1]);
$parent = $replyComments[0];
$reply = wp_insert_comment(['comment_post_ID' => $replyPost->ID,
    'comment_parent' => $parent->comment_ID, 'comment_approved' => 1,
    'comment_content' => 'A reply written after the first crawl.',
    'comment_author' => 'Re-archiver', 'comment_type' => 'comment']);
$leaf = null;
foreach ($delComments as $c) {
    if (!get_comments(['parent' => $c->comment_ID, 'count' => true])) { $leaf = $c; break; }
}
wp_delete_comment($leaf->comment_ID, true);
return ['new_post' => $new, 'edited_post' => $edit->ID, 'reply' => $reply,
    'reply_post' => $replyPost->ID, 'reply_parent' => (int) $parent->comment_ID,
    'deleted_comment' => (int) $leaf->comment_ID, 'deleted_from' => $delPost->ID];
"""


def archiver_crawl(url: str, output: Path, *settings: str) -> tuple[Path, dict[str, Any]]:
    """``archiver crawl URL -o OUTPUT`` as a user runs it; (crawl folder, summary.json)."""
    command = [sys.executable, "-m", "archiver.cli", "crawl", url, "-o", str(output)]
    result = subprocess.run(
        [*command, *AUTOTHROTTLE_OFF, *settings],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (summary_path,) = re.findall(r"^summary: (.+)$", result.stdout, re.MULTILINE)
    path = ROOT / summary_path  # absolute: the crawl folder is under OUTPUT
    return path.parent, json.loads(path.read_text("utf-8"))


def warc_records(crawl_dir: Path) -> list[Any]:
    """(type, target URI, WARC-Profile, WARC-Date, WARC-Refers-To) of every record."""
    records = []
    for path in sorted(crawl_dir.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                header = record.rec_headers.get_header
                records.append(
                    (
                        record.rec_type,
                        header("WARC-Target-URI"),
                        header("WARC-Profile"),
                        header("WARC-Date"),
                        header("WARC-Refers-To"),
                    )
                )
    return records


@pytest.fixture(scope="module")
def crawls(
    wordpress_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    output = tmp_path_factory.mktemp("incremental-output")
    try:
        first = archiver_crawl(wordpress_url, output)
        changed = json.loads(wp("php", CHANGE_BLOG))
        second = archiver_crawl(wordpress_url, output)
        third = archiver_crawl(wordpress_url, output)
        yield {"output": output, "runs": [first, second, third], "changed": changed}
    finally:
        wp("reset")  # the blog as seeded, for every other test


def test_the_first_crawl_is_full_and_the_next_ones_incremental(crawls):
    kinds = [summary["changes"]["kind"] for _, summary in crawls["runs"]]
    assert kinds == ["full", "incremental", "incremental"]
    assert all(summary["complete"] for _, summary in crawls["runs"])
    assert len({crawl_dir for crawl_dir, _ in crawls["runs"]}) == 3


def test_second_crawl_captures_exactly_the_changes(crawls):
    changed = crawls["changed"]
    crawl_dir, summary = crawls["runs"][1]
    changes = summary["changes"]
    assert changes["new_posts"] == [changed["new_post"]]
    assert changes["edited_posts"] == [changed["edited_post"]]
    assert changes["deleted_posts"] == []
    assert changes["new_comments"] == [changed["reply"]]
    assert changes["deleted_comments"] == [changed["deleted_comment"]]
    posts = {p["id"]: p for p in read_jsonl(crawl_dir / "posts.jsonl")}
    assert set(posts) == {changed["new_post"], changed["edited_post"]}
    assert "Edited after the first crawl." in posts[changed["edited_post"]]["content_text"]
    assert posts[changed["new_post"]]["title"] == "A post written after the first crawl"
    (reply,) = read_jsonl(crawl_dir / "comments.jsonl")
    assert (reply["id"], reply["post_id"], reply["parent_id"]) == (
        changed["reply"],
        changed["reply_post"],
        changed["reply_parent"],
    )
    assert reply["content_text"] == "A reply written after the first crawl."
    # Its thread's REST comments were read too (issue 18): one line, both views merged.
    assert reply["field_sources"]["parent_id"] == "api"
    assert sorted(p["source"] for p in reply["provenance"]) == ["api", "html"]


def test_the_deletion_is_in_the_state_and_the_first_crawl_keeps_the_comment(crawls):
    deleted = crawls["changed"]["deleted_comment"]
    first_dir = crawls["runs"][0][0]
    assert deleted in {c["id"] for c in read_jsonl(first_dir / "comments.jsonl")}
    state = SiteState(first_dir.parent / "state.sqlite")
    try:
        history = state.history()
        row = state.db.execute("SELECT deleted_in FROM comments WHERE id = ?", (deleted,))
        assert row.fetchone()[0] == history[1]["id"]
    finally:
        state.close()
    assert [h["deleted_comments"] for h in history] == [0, 1, 0]


def test_incremental_crawls_make_few_requests(crawls):
    requests = [summary["changes"]["requests_made"] for _, summary in crawls["runs"]]
    second, third = (summary["changes"] for _, summary in crawls["runs"][1:])
    print(
        f"requests: full {requests[0]}, after changes {requests[1]} "
        f"({second['ratio_to_previous_full_crawl']:.1%}), unchanged {requests[2]} "
        f"({third['ratio_to_previous_full_crawl']:.1%})"
    )
    assert second["previous_full_crawl_requests"] == requests[0]
    assert requests[1] <= 0.10 * requests[0]
    assert requests[2] <= 0.05 * requests[0]
    # Issue 21: nothing changed, so only the newest end of each listing was asked for (one
    # request a kind), whatever the blog's size: at most 10 requests and the rechecks.
    third_summary = crawls["runs"][2][1]
    assert third_summary["discovery"]["listing"] == "newest end only (nothing changed)"
    by_kind = third_summary["requests"]["by_kind"]
    assert by_kind["api"] == 3
    assert requests[2] <= 10 + by_kind.get("revalidate", 0)
    # The second crawl saw changes at the newest end and listed every id to tell which.
    assert crawls["runs"][1][1]["discovery"]["listing"].startswith("every id (")


def test_unchanged_crawl_writes_only_revisits(crawls):
    crawl_dir, summary = crawls["runs"][2]
    # the budget rechecks one known post's page: the newest the second crawl changed
    assert summary["changes"]["revalidated_posts"] == 1
    assert summary["requests"]["by_kind"]["revalidate"] == 1
    assert _rechecked_post(crawls) == crawls["changed"]["new_post"]
    printed = format_summary(summary)  # what it wrote, of what is archived
    assert re.search(
        r"posts: +0 new or changed \(of (\d+) archived, declared \1 by the REST API\)", printed
    ), printed
    assert re.search(r"requests: \d+ \(no post written\)", printed), printed
    assert "; 1 known posts rechecked" in printed
    records = warc_records(crawl_dir)
    types = Counter(record[0] for record in records)
    assert set(types) == {"warcinfo", "revisit", "request", "metadata"}, types
    assert types["revisit"] == types["request"] == summary["changes"]["requests_made"]
    assert types["metadata"] == 1
    for record in records:
        if record[0] == "revisit":
            assert record[2].endswith("/revisit/identical-payload-digest")
            assert record[4], "a revisit must name the record it refers to"
    assert not read_jsonl(crawl_dir / "posts.jsonl")
    assert not read_jsonl(crawl_dir / "comments.jsonl")


def test_every_crawl_passes_verify(crawls):
    for crawl_dir, _ in crawls["runs"]:
        result = subprocess.run(
            [sys.executable, "-m", "archiver.cli", "verify", str(crawl_dir)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-3000:]


def test_history_lists_the_crawls_and_their_changes(crawls):
    result = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "history", str(crawls["output"])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if re.match(r"^\s*\d+\s", line)]
    assert len(lines) == 3
    assert "full" in lines[0]
    assert "incremental" in lines[1]
    assert re.search(r"\b1 new, 1 edited, 0 deleted\b", lines[1]), lines[1]


def test_pywb_replays_the_third_crawl_through_its_revisits(crawls, pywb_bin, tmp_path):
    """The collection holds the three crawls; at the third crawl's time pywb answers with
    its revisit records, whose payloads are in the earlier crawls' files."""
    crawl_dir, _ = crawls["runs"][2]
    revisits = {r[1]: r for r in warc_records(crawl_dir) if r[0] == "revisit"}
    home = next(uri for uri in revisits if uri.rstrip("/").count("/") == 2)
    listing = next(uri for uri in revisits if "/wp/v2/posts" in uri and "page=1&" in uri)
    post_id = _rechecked_post(crawls)
    posts = {p["id"]: p for p in read_jsonl(crawls["runs"][1][0] / "posts.jsonl")}
    post = posts[post_id]  # the original capture: the second crawl's
    original = _payload(crawls["runs"][1][0], post["url"])
    warcs = [w for d, _ in crawls["runs"] for w in sorted(d.glob("*.warc.gz"))]
    with pywb_serving(pywb_bin, warcs, tmp_path) as base:
        for uri in (home, listing, post["url"]):
            stamp = re.sub(r"\D", "", revisits[uri][3])[:14]
            status, headers, body = fetch(replay_url(base, uri, f"{stamp}id_"))
            assert status == 200, body[:500]
            memento = headers.get("Memento-Datetime", "")
            # the capture served is the third crawl's revisit, not an earlier response
            assert _http_date_stamp(memento) == stamp, (uri, memento, stamp)
            if uri == home:  # the payload is the second crawl's: it shows the new post
                assert b"A post written after the first crawl" in body
            elif uri == post["url"]:  # the post page as the second crawl captured it
                assert body == original
                assert post["title"].encode() in body
                assert b"New since the first crawl." in body
            else:
                objects = json.loads(body)
                assert len(objects) == 100
                # the unchanged crawl asked only for the newest end (issue 21)
                assert "orderby=modified" in uri
                fields = {"date_gmt", "id", "link", "modified_gmt"}
                assert all(set(obj) == fields for obj in objects)


def _rechecked_post(crawls: dict[str, Any]) -> int:
    """The post whose page the third crawl rechecked (the budget's one request)."""
    crawl_dir, _ = crawls["runs"][2]
    state = SiteState(crawl_dir.parent / "state.sqlite")
    try:
        (url,) = [
            row[0]
            for row in state.db.execute(
                "SELECT urls.url FROM urls JOIN crawls ON crawls.id = urls.crawl_id "
                "WHERE crawls.crawl_dir = ? AND urls.url NOT LIKE '%wp-json%' "
                "AND urls.url NOT LIKE '%robots.txt' AND urls.url != ?",
                (crawl_dir.name, crawls["runs"][0][1]["start_url"]),
            )
        ]
    finally:
        state.close()
    posts = {
        p["url"]: p["id"] for d, _ in crawls["runs"][:2] for p in read_jsonl(d / "posts.jsonl")
    }
    return int(posts[url])


def _payload(crawl_dir: Path, url: str) -> bytes:
    """The decoded HTTP payload of ``url``'s response record in a crawl's WARC files."""
    for path in sorted(crawl_dir.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if (
                    record.rec_type == "response"
                    and record.rec_headers.get_header("WARC-Target-URI") == url
                ):
                    return bytes(record.content_stream().read())
    raise AssertionError(f"no response record for {url} in {crawl_dir}")


def _http_date_stamp(value: str) -> str:
    return parsedate_to_datetime(value).strftime("%Y%m%d%H%M%S")


def test_the_json_rebuilt_from_each_crawls_warc_equals_its_own(crawls, tmp_path):
    """``archiver extract`` of an incremental crawl writes what it wrote: its changes only,
    its revisits read from the earlier crawl folders they refer to (the third crawl holds
    nothing else)."""
    for number, (crawl_dir, _) in enumerate(crawls["runs"]):
        rebuilt = tmp_path / f"rebuilt-{number}"
        result = subprocess.run(
            [sys.executable, "-m", "archiver.cli", "extract", str(crawl_dir), "-o", str(rebuilt)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-5000:]
        for name in ("posts.jsonl", "comments.jsonl"):
            expected = (crawl_dir / name).read_bytes()
            assert (rebuilt / name).read_bytes() == expected, (number, name)
        summary = json.loads((rebuilt / "summary.json").read_text("utf-8"))
        assert summary["incremental"] is (number > 0)
    # The second crawl's changes were rebuilt, not an empty file matching an empty one.
    assert read_jsonl(tmp_path / "rebuilt-1" / "posts.jsonl")


def test_a_crawl_told_its_folder_is_incremental_too(crawls):
    """A scheduled job (archiver schedule) names its crawl folder: it still re-archives only
    what changed, in that folder, and the site's history lists it. Last in this module:
    it adds a crawl to the history the tests above count."""
    folder = crawls["output"] / "scheduled-job"
    crawl_dir, summary = archiver_crawl(
        crawls["runs"][0][1]["start_url"], crawls["output"], "-s", f"ARCHIVER_CRAWL_DIR={folder}"
    )
    assert crawl_dir == folder
    assert summary["complete"]
    assert summary["changes"]["kind"] == "incremental"
    assert summary["changes"]["new_posts"] == []
    assert summary["changes"]["ratio_to_previous_full_crawl"] <= 0.05
    state = SiteState(crawls["runs"][0][0].parent / "state.sqlite")
    try:
        assert folder.name in [Path(c["crawl_dir"]).name for c in state.history()]
    finally:
        state.close()
    # Outside the site's folder, its revisits are found through the site's state.
    rebuilt = folder.parent / "scheduled-job-rebuilt"
    result = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "extract", str(folder), "-o", str(rebuilt)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    for name in ("posts.jsonl", "comments.jsonl"):
        assert (rebuilt / name).read_bytes() == (folder / name).read_bytes(), name


# Of the newest published posts with 2 to 4 approved comments (CHANGE_BLOG takes the
# oldest): the first is deleted for good (its comments with it), and a leaf comment of the
# second. Run again, it takes the next ones, since the first is gone.
DELETE_POST_AND_COMMENT = r"""
$posts = get_posts(['numberposts' => -1, 'post_type' => 'post', 'post_status' => 'publish',
    'orderby' => 'ID', 'order' => 'DESC', 'has_password' => false]);
$pick = [];
foreach ($posts as $p) {
    if ($p->comment_status !== 'open') continue;
    $c = get_comments(['post_id' => $p->ID, 'status' => 'approve', 'type' => 'comment']);
    if (count($c) >= 2 && count($c) <= 4) { $pick[] = [$p, $c]; }
    if (count($pick) == 2) break;
}
[$post, ] = $pick[0];
[, $comments] = $pick[1];
$leaf = null;
foreach ($comments as $c) {
    if (!get_comments(['parent' => $c->comment_ID, 'count' => true])) { $leaf = $c; break; }
}
$all = get_comments(['post_id' => $post->ID, 'status' => 'approve']);
wp_delete_post($post->ID, true);
wp_delete_comment($leaf->comment_ID, true);
return ['post' => $post->ID, 'post_comments' => array_map('intval', wp_list_pluck(
    $all, 'comment_ID')), 'comment' => (int) $leaf->comment_ID];
"""


@pytest.fixture(scope="module")
def deletions(crawls: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """After the crawls above: a post and a comment deleted, a ``--full`` crawl; another
    post and comment deleted, a crawl with the REST API off (sitemaps, then pages)."""
    url = crawls["runs"][0][1]["start_url"]
    gone = json.loads(wp("php", DELETE_POST_AND_COMMENT))
    full = archiver_crawl(url, crawls["output"], "--full")
    gone_later = json.loads(wp("php", DELETE_POST_AND_COMMENT))
    try:
        wp("mode", "rest-off")
        without_rest = archiver_crawl(url, crawls["output"])
    finally:
        wp("mode", "none")
    return [(gone, full[1]), (gone_later, without_rest[1])]


def test_full_and_non_rest_crawls_report_deletions(deletions):
    (_, full), (_, without_rest) = deletions
    assert full["changes"]["kind"] == "full"
    assert without_rest["changes"]["kind"] == "incremental"
    assert without_rest["discovery"]["rest_api"] != "used"
    for deleted, summary in deletions:
        changes = summary["changes"]
        assert summary["complete"], summary["failures"]
        assert changes["deleted_posts"] == [deleted["post"]]
        assert changes["deleted_comments"] == sorted(
            {deleted["comment"], *deleted["post_comments"]}
        )
        # a known post missing from the listings was asked for: its page answered 404
        assert changes["known_posts_asked"] == 1
        assert summary["responses_by_status"]["404"] == 1
        assert not changes["new_posts"]
        assert not changes["edited_posts"]
        assert not changes["new_comments"]


def test_deletions_are_in_the_history_and_never_removed_from_earlier_crawls(crawls, deletions):
    first_dir = crawls["runs"][0][0]
    state = SiteState(first_dir.parent / "state.sqlite")
    try:
        history = state.history()
    finally:
        state.close()
    assert [(h["deleted_posts"], h["kind"]) for h in history[-2:]] == [
        (1, "full"),
        (1, "incremental"),
    ]
    posts = {p["id"] for p in read_jsonl(first_dir / "posts.jsonl")}
    comments = {c["id"] for c in read_jsonl(first_dir / "comments.jsonl")}
    for deleted, _ in deletions:
        assert deleted["post"] in posts
        assert deleted["comment"] in comments
    result = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "history", str(crawls["output"])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"full .* posts 0 new, 0 edited, 1 deleted", result.stdout), result.stdout
