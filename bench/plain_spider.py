"""The floor of the speed benchmark: a plain Scrapy link-following crawl, no WARC, no items.

    scrapy runspider bench/plain_spider.py -a url=http://127.0.0.1:8097/   # outside the project

A ``CrawlSpider`` with one ``LinkExtractor`` rule that follows every same-site link, as a
Scrapy user would write it, robots.txt obeyed. The ``?replytocom=`` and ``?share=`` links
are denied, as anyone who has crawled a WordPress blog once learns to do; without that the
crawl fetches every post again once per comment. Run it from a folder without a
``scrapy.cfg`` so that none of blog-archiver's settings apply (bench/run.py does).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class PlainLinkSpider(CrawlSpider):
    name = "plain"
    custom_settings = {  # noqa: RUF012 (Scrapy reads it as a class attribute)
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
    }

    def __init__(self, url: str = "", *args: Any, **kwargs: Any) -> None:
        if not url:
            raise ValueError("give the blog's address: -a url=http://127.0.0.1:8097/")
        self.start_urls = [url]
        self.allowed_domains = [urlsplit(url).hostname or ""]
        self.rules = (Rule(LinkExtractor(deny=(r"[?&](replytocom|share)=",)), follow=True),)
        super().__init__(*args, **kwargs)
