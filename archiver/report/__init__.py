"""The crawl report: ``report.html``, what a crawl archived and what went wrong, to look at.

``gather``: what a report shows, read from a crawl folder (``summary.json``, with the
``report_figures`` section :mod:`archiver.crawl.report_figures` adds, and the records) and
from the site's state (its crawls and their changes); ``plots``: matplotlib figures as
deterministic inline SVG; ``html``: the page rendered from Jinja2 templates
(``templates/``), self-contained: no script, nothing from the network, opens from
``file://``. Every crawl writes one at its end (:mod:`archiver.crawl.report_writer`);
``archiver report CRAWL_DIR|SITE_DIR`` writes it again, or for every crawl of a site.
No Scrapy: it builds on the state only, below the crawl components that call it.
"""
