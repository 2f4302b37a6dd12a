"""End to end: a re-archive costs what changed, not what the blog holds (issue 21).

On the real test WordPress: a full crawl, an incremental one of the unchanged blog (one
REST listing request a kind, at most 10 requests and its rechecks), then through
WordPress's own PHP API k = 5 posts edited and k comments added: the next crawl finds
them all from the newest end of the REST listings, with at most 3k + 10 requests and its
rechecks, and what the crawls hold together is the blog as it is (every post, every
comment with its parent). Then k comments deleted: the totals tell, the crawl lists
every id, and the deletions are in ``archiver history``. The blog is reset afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest

from archiver.state.site import SiteState
from tests.conftest import ROOT, read_jsonl, wp
from tests.e2e.test_incremental import archiver_crawl

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e
K = 5

# k published posts with open comments, oldest first: each edited, and a reply added to
# another k posts' first comment. Returns the ids as JSON.
EDIT_AND_COMMENT = r"""
$k = %d;
$posts = get_posts(['numberposts' => -1, 'post_type' => 'post', 'post_status' => 'publish',
    'orderby' => 'ID', 'order' => 'ASC', 'has_password' => false]);
$edited = []; $replies = [];
foreach ($posts as $p) {
    if ($p->comment_status !== 'open') continue;
    $c = get_comments(['post_id' => $p->ID, 'status' => 'approve', 'type' => 'comment',
        'orderby' => 'comment_ID', 'order' => 'ASC']);
    if (!$c) continue;
    if (count($edited) < $k) {
        wp_update_post(['ID' => $p->ID,
            'post_content' => $p->post_content . "\n<p>Edited for issue 21.</p>"]);
        $edited[] = $p->ID;
    } elseif (count($replies) < $k) {
        $replies[] = wp_insert_comment(['comment_post_ID' => $p->ID,
            'comment_parent' => $c[0]->comment_ID, 'comment_approved' => 1,
            'comment_content' => 'A reply written after the second crawl.',
            'comment_author' => 'Re-archiver', 'comment_type' => 'comment']);
    } else break;
}
return ['edited' => $edited, 'replies' => $replies];
"""

# k approved comments without replies, on posts not touched above: deleted.
DELETE_COMMENTS = r"""
$k = %d; $skip = %s; $deleted = [];
foreach (get_comments(['status' => 'approve', 'type' => 'comment', 'orderby' => 'comment_ID',
        'order' => 'DESC']) as $c) {
    if (in_array((int) $c->comment_post_ID, $skip, true)) continue;
    if (get_comments(['parent' => $c->comment_ID, 'count' => true])) continue;
    wp_delete_comment($c->comment_ID, true);
    $deleted[] = (int) $c->comment_ID;
    if (count($deleted) == $k) break;
}
return $deleted;
"""


@pytest.fixture(scope="module")
def crawls(
    wordpress_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    output = tmp_path_factory.mktemp("rearchive-output")
    try:
        runs = [archiver_crawl(wordpress_url, output), archiver_crawl(wordpress_url, output)]
        changed = json.loads(wp("php", EDIT_AND_COMMENT % K))
        runs.append(archiver_crawl(wordpress_url, output))
        truth_after_changes = json.loads(wp("groundtruth"))
        touched = [
            *changed["edited"],
            *(_post_of(truth_after_changes, c) for c in changed["replies"]),
        ]
        deleted = json.loads(wp("php", DELETE_COMMENTS % (K, json.dumps(touched))))
        runs.append(archiver_crawl(wordpress_url, output))
        yield {
            "output": output,
            "runs": runs,
            "changed": changed,
            "deleted": deleted,
            "truth_after_changes": truth_after_changes,
            "truth_after_deletions": json.loads(wp("groundtruth")),
        }
    finally:
        wp("reset")


def _post_of(truth: dict[str, Any], comment_id: int) -> int:
    return next(int(c["post_id"]) for c in truth["comments"] if c["id"] == comment_id)


def test_an_unchanged_blog_costs_the_newest_end_of_each_listing(crawls):
    # The full crawl's REST listings left their totals in the state: the next crawl,
    # with nothing changed, asks for one listing page a kind and its rechecks.
    _, summary = crawls["runs"][1]
    assert summary["discovery"]["listing"] == "newest end only (nothing changed)"
    by_kind = summary["requests"]["by_kind"]
    assert by_kind["api"] == 3
    assert summary["changes"]["requests_made"] <= 10 + by_kind.get("revalidate", 0)


def test_edits_and_new_comments_are_found_from_the_newest_end(crawls):
    crawl_dir, summary = crawls["runs"][2]
    changed = crawls["changed"]
    assert len(changed["edited"]) == len(changed["replies"]) == K
    assert summary["discovery"]["listing"] == f"newest end only ({2 * K} changes)"
    assert sorted(summary["changes"]["edited_posts"]) == sorted(changed["edited"])
    assert sorted(summary["changes"]["new_comments"]) == sorted(changed["replies"])
    posts = {p["id"] for p in read_jsonl(crawl_dir / "posts.jsonl")}
    assert set(changed["edited"]) <= posts
    comments = {c["id"]: c for c in read_jsonl(crawl_dir / "comments.jsonl")}
    assert set(changed["replies"]) <= set(comments)
    by_kind = summary["requests"]["by_kind"]
    assert summary["changes"]["requests_made"] <= 3 * K + 10 + by_kind.get("revalidate", 0)


def _archived(runs: list[tuple[Path, dict[str, Any]]]) -> tuple[dict[int, Any], dict[int, Any]]:
    """Posts and comments the crawls hold together: each id's latest record."""
    posts: dict[int, Any] = {}
    comments: dict[int, Any] = {}
    for crawl_dir, _ in runs:
        posts.update({p["id"]: p for p in read_jsonl(crawl_dir / "posts.jsonl")})
        comments.update({c["id"]: c for c in read_jsonl(crawl_dir / "comments.jsonl")})
    return posts, comments


def test_the_crawls_together_hold_the_blog_as_it_is(crawls):
    truth = crawls["truth_after_changes"]
    posts, comments = _archived(crawls["runs"][:3])
    assert set(posts) == {p["id"] for p in truth["posts"]}
    for post in truth["posts"]:
        archived = datetime.fromisoformat(posts[post["id"]]["modified"])
        assert archived == datetime.fromisoformat(post["modified_gmt"]), post["id"]
    assert {c["id"]: c["parent_id"] or None for c in truth["comments"]} == {
        cid: c["parent_id"] for cid, c in comments.items()
    }


def test_deletions_are_told_by_the_totals_and_in_the_history(crawls):
    _, summary = crawls["runs"][3]
    deleted = crawls["deleted"]
    assert len(deleted) == K
    assert summary["discovery"]["listing"] == "every id (the totals differ)"
    assert sorted(summary["changes"]["deleted_comments"]) == sorted(deleted)
    site_dir = crawls["runs"][3][0].parent
    state = SiteState(site_dir / "state.sqlite")
    try:
        gone = {
            row[0]
            for row in state.db.execute("SELECT id FROM comments WHERE deleted_in IS NOT NULL")
        }
    finally:
        state.close()
    assert gone == set(deleted)
    history = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "history", str(site_dir)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert f"{K} deleted" in history.splitlines()[-1], history
    truth = crawls["truth_after_deletions"]
    _, comments = _archived(crawls["runs"])
    assert {c["id"] for c in truth["comments"]} == set(comments) - set(deleted)
