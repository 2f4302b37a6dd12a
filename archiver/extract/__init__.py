"""Pure extraction: from (URL, HTML text or REST JSON) to records. No network, no Scrapy.

``page`` parses a page once with lxml; ``selectors`` holds the named XPath/CSS tables (the
WordPress conventions of ``../shared/research/wordpress-markup.md``); ``scope`` finds the
post's id, wrapper, title and body under any theme, and ``fallback`` the main content where
no convention marks it (readability-lxml); ``posts`` and ``comments`` read records from a
page or a REST object; ``counts`` reads the declared comment count; ``systems`` names a
comment system that keeps comments off the page; ``clean`` cleans a body or comment
fragment with BeautifulSoup; ``records`` is the entry point the crawl's extraction workers
and the rebuild call (``read_post_page``, ``read_comment_page``). Imports only
:mod:`archiver.records`, so it can be tested on saved pages alone.
"""
