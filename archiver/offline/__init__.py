"""A browsable offline copy of an archived blog: static HTML that opens from a folder.

``archiver site CRAWL_DIR|SITE_DIR -o DIR`` reads the crawls' records
(:mod:`archiver.state.crawls`: posts, comments, latest crawl first) and their WARC files
(the blog's name and language, and the media it holds), and writes plain HTML files:
``archive``: the blog as the pages show it (posts by date, indexes by category, tag,
author and month, comment threads) built from records alone, so another engine's records
or a WXR export can use it; ``links``: the local file of every post, index and medium
(names only through :func:`archiver.state.layout.safe_name`); ``rewrite``: a body or
comment's HTML with links between archived posts made local, every other link absolute
and marked external, images from the WARC or their alt text, embeds turned into links;
``media``: the WARC's images and files written beside the pages; ``build``: the Jinja2
templates rendered (``templates/``, ``static/``: one stylesheet, a search script over a
JavaScript index, so search works from ``file://``). Nothing in the copy loads from the
network.
"""
