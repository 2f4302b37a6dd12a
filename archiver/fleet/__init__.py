"""Many blogs and many machines: the top layer below the command line.

``sites``: the sites file (TOML); ``scheduling``: submitting due sites to Scrapyd and
checking their jobs; ``deploy``: the egg Scrapyd runs; ``distributed`` and
``redis_frontier``: one blog's frontier shared through Redis (scrapy-redis); ``merge``:
the workers' folders merged into one crawl. Existing engines (Scrapyd, Redis), never a
home-made queue; it builds on :mod:`archiver.crawl` and the layers below.
"""
