"""Pure discovery: where a WordPress blog lists its posts, and which URLs are worth fetching.

One module per source, best first: ``rest`` (the REST API), ``sitemaps`` (core, Yoast,
Rank Math, robots.txt), ``feeds`` (RSS/Atom, latest posts only), ``archive_pages`` (HTML
archive pages and menus); ``urls`` holds the gate every request passes (scope, denied
URLs, canonical keys). HTML is read with :mod:`archiver.extract`'s one-parse page and
named selectors. No Scrapy engine here: the spider (``spiders/``) only orders the sources
and turns what they find into requests, so a new source is one new module.
"""
