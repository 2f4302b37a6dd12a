"""Scrapy's duplicate request filter, keeping 8 bytes of each fingerprint.

``RFPDupeFilter`` keeps every request's 20-byte fingerprint in a set (about 90 bytes a
request, for as long as the crawl runs); the spider's own ``seen`` keys already stop most
duplicates, but redirects still reach the filter, so it must remember every request.
Here the first 8 bytes of each fingerprint go into a :class:`archiver.state.idsets.KeySet`
(about 10 bytes a request). Two of a million requests share a key with a chance of about
1 in 30 million (the second would not be fetched), as with the spider's URL keys.

With ``JOBDIR`` the filter is Scrapy's own, whose ``requests.seen`` file holds whole
fingerprints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.dupefilters import RFPDupeFilter

from archiver.state.idsets import KeySet

if TYPE_CHECKING:
    from scrapy import Request


class CompactDupeFilter(RFPDupeFilter):
    """:class:`~scrapy.dupefilters.RFPDupeFilter` with fingerprints kept as 64-bit keys."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = KeySet()

    def request_seen(self, request: Request) -> bool:
        if self.file:  # JOBDIR: Scrapy's own file of whole fingerprints
            return bool(super().request_seen(request))
        key = int.from_bytes(self.fingerprinter.fingerprint(request)[:8], "big")
        if key in self.keys:
            return True
        self.keys.add(key)
        return False
