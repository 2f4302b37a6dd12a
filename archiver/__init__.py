"""blog-archiver: archive WordPress-style blogs, posts and comments both, into WARC + JSON.

The package reads in layers, each importing only the ones below it:

==================  ========================================================================
``cli``             the ``archiver`` command: one small function per subcommand
``fleet/``          many blogs and machines: sites file, Scrapyd scheduling and deploy, the
                    shared Redis frontier, merging workers' folders
``offline/``        a browsable offline copy of an archived blog (static HTML, Jinja2),
                    built from the records and the WARC files
``crawl/``          the Scrapy components that run inside a crawl: downloader middlewares,
                    extensions, pipelines, the duplicate filter, the extraction pool
``report/``         the crawl report (report.html): coverage, failures, plots, from
                    summary.json and the state; written by the crawl at its end
``warc/``           WARC files: building and writing records, CDXJ, verify, captures read
                    back, replay as Scrapy's HTTP cache, the rebuild of the JSON, WACZ
``state/``          what a site's crawls remember: SQLite state, the crawl lock, the folder
                    layout, the compact containers a crawl keeps in memory
``discovery/``      pure: where a blog lists its posts, which URLs are worth fetching
``extract/``        pure: posts and comments from HTML or REST JSON, HTML cleaning
``records/``        the record types, their JSON Lines bytes and order, the JSON Schemas
==================  ========================================================================

The spider (``spiders/wordpress.py``, outside the package) sits on top: it imports
``archiver``, never the reverse.
"""

from __future__ import annotations

from archiver._moved import install_finder

__version__ = "0.1.0"

# The flat layout's module paths (archiver.middlewares, ...) keep importing for one release.
install_finder()
