"""Spiders: they decide what to fetch and hand every page to :mod:`archiver.extract`."""
