"""What a site's crawls remember, on disk and in memory.

``site``: the site's SQLite state (``<output>/<site>/state.sqlite``: crawls, URLs, posts,
comments; schema migrations) and what an incremental crawl derives from it; ``lock``: one
crawl at a time per site folder; ``layout``: where a crawl's files go (``safe_name``, the
only way a URL becomes a file name); ``crawls``: a site's crawl folders and their records
read together; ``idsets`` and ``posttable``: the compact sets and
maps a crawl keeps until it ends, so its memory stays flat. No Scrapy, and no other part
of blog-archiver: the crawl components, the rebuild and the fleet build on it.
"""
