"""The Scrapy components that run inside one crawl, each wired by its ``from_crawler``.

Downloader middlewares, in the order a response meets them on its way back:
``resume`` (905), ``recording`` (890, the WARC recorder), ``conditional`` (880),
``retry_after`` (555), ``redirect_scope`` (100). Extensions: ``summary``,
``record_sorting``, ``progress``, ``crawl_state``, ``wacz_package`` (the crawl's WACZ).
Pipelines: ``pipelines`` (duplicates, unchanged records) and ``record_files`` (the JSONL
files). Also the ``dupefilter``, the ``extraction_pool`` of worker processes, and our
``signals``. For the spider: ``post_pages`` (post and comment pages read into records in
the pool), ``known_site`` (the crawl's folder and the site's state as discovery asks it),
``pacing`` (many requests join the queue as it drains), ``failures`` (what a failed
request tells).
Priorities are data in :mod:`archiver.settings`. It uses :mod:`archiver.warc`,
:mod:`archiver.state` and the pure layers, and knows nothing of other machines.
"""
