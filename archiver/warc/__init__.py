"""WARC files, the archive's source of truth: written, indexed, checked and read back.

``records`` builds records from plain values and ``writer`` writes them (the only warcio
writers); ``repair`` cuts files a killed crawl left open; ``cdxj`` indexes with
cdxj-indexer; ``verify`` checks files as ``warcio check`` and more; ``captures`` reads a
crawl's responses back without Scrapy; ``replay`` serves them as Scrapy's HTTP cache;
``rebuild`` turns a crawl's WARCs back into JSON with :mod:`archiver.extract`; ``wacz``
packages WARC files, index and pages for ReplayWeb.page, ``blog`` reads the blog's name
and language from its captures. It sits above extraction, discovery and state (the
rebuild replays the spider's decisions) and below :mod:`archiver.crawl`, whose recorder
calls it.
"""
