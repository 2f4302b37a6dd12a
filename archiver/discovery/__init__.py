"""Pure discovery: where a blog lists its posts, and which URLs are worth fetching.

One module per source, each with its pure functions and its source class, best first:
``rest`` (:class:`~archiver.discovery.rest.RestListings`, the REST API), ``rest_comments``
(:class:`~archiver.discovery.rest_comments.RestComments`: every comment with its exact
parent, and the merge of its REST and page views), ``incremental``
(the REST id listings that take its place once a crawl of the site has finished, and
the known posts asked for at the end), ``sitemaps`` (core, Yoast, Rank Math, robots.txt),
``feeds`` (RSS/Atom, latest posts only), ``archive_pages`` (HTML archive pages and
menus). ``source`` says what a source is and what it exchanges with the crawl (plain
:class:`~archiver.discovery.source.Fetch` descriptions, answers read through a Protocol
Scrapy's Response satisfies, a Reporter for notes, failures and declared counts);
``blog`` holds what the home page and robots.txt advertise; ``urls`` the gate's rules
(scope, denied URLs, canonical keys). HTML is read with :mod:`archiver.extract`'s
one-parse page and named selectors. No Scrapy engine and no state here: the spider
(``spiders/``) orders the sources and turns what they ask for into requests, so a new
source (another blog engine, WordPress.com's API) is one new module and a line in its
order.
"""
