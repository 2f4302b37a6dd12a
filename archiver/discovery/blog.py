"""Blog: what the crawl knows of the blog, shared by the discovery sources.

Its address and scope from the start; then what its home page (its REST API root, its
feeds and menus, archive page 1) and robots.txt (its sitemaps) advertise. A worker of a
shared crawl may never read them (another worker did): the sources then do without.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from archiver.discovery.rest import find_api_root
from archiver.discovery.sitemaps import robots_sitemaps
from archiver.discovery.source import text_of
from archiver.extract.page import parse_html

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from archiver.discovery.source import Answer


@dataclass(slots=True)
class Blog:
    url: str
    scope: tuple[str, str]  # see archiver.discovery.urls.blog_scope
    home: tuple[str, HtmlElement] | None = None  # its URL (as answered) and page
    api_root: str = ""  # "" when the home page advertises none
    robots_sitemaps: list[str] = field(default_factory=list)

    def read_home(self, answer: Answer) -> bool:
        """Read what the home page advertises; False when it is not HTML."""
        text = text_of(answer)
        if text is None:
            return False
        page = parse_html(text)
        self.home = (answer.url, page)
        links = [header.decode("latin-1") for header in answer.headers.getlist(b"Link")]
        self.api_root = find_api_root(answer.url, links, page)
        return True

    def read_robots(self, answer: Answer) -> None:
        """Read the sitemaps the blog's robots.txt names, if ``answer`` is that file."""
        parts = urlsplit(answer.url)
        if (
            parts.path == "/robots.txt"
            and parts.netloc.lower() == self.scope[0]
            and answer.status == 200
        ):
            self.robots_sitemaps = robots_sitemaps(answer.url, answer.body)
