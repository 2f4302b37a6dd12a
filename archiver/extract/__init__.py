"""Pure extraction: from (URL, HTML text or REST JSON) to records. No network, no Scrapy."""
