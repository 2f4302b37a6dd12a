"""The sites file: which blogs to archive, how often, and with which settings.

A TOML file (read with the standard library's ``tomllib``)::

    [defaults]                      # optional, applies to every site
    schedule = "1d"
    output = "/srv/archive"         # absolute: the jobs run in Scrapyd's folder
    [defaults.settings]
    DOWNLOAD_DELAY = 1.0

    [sites.example-blog]            # the name: letters, digits, ".", "_", "-"
    url = "https://blog.example/"   # also the scope: this host, and this path below it
    schedule = "0 3 * * *"          # cron (5 fields) or an interval: 30m, 6h, 1d, 2w
    [sites.example-blog.settings]
    CONCURRENT_REQUESTS_PER_DOMAIN = 2

Every error names the file, the site and the key (:class:`SitesFileError`). Settings
must be known: the ``ARCHIVER_`` settings of :mod:`archiver.settings` and the Scrapy
settings in :data:`SCRAPY_SETTINGS`, each with the type it takes.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from croniter import croniter

from archiver import settings as project_settings

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "SCRAPY_SETTINGS",
    "Schedule",
    "Site",
    "SitesFile",
    "SitesFileError",
    "load_sites",
    "parse_sites",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_INTERVAL = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
SITE_KEYS = {"url", "schedule", "output", "settings", "enabled"}
DEFAULT_KEYS = {"schedule", "output", "settings"}

# Scrapy settings a site may change, with the type each takes (politeness, limits, identity).
SCRAPY_SETTINGS: dict[str, type] = {
    "DOWNLOAD_DELAY": float,
    "RANDOMIZE_DOWNLOAD_DELAY": bool,
    "CONCURRENT_REQUESTS": int,
    "CONCURRENT_REQUESTS_PER_DOMAIN": int,
    "AUTOTHROTTLE_ENABLED": bool,
    "AUTOTHROTTLE_START_DELAY": float,
    "AUTOTHROTTLE_MAX_DELAY": float,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": float,
    "DOWNLOAD_TIMEOUT": float,
    "DOWNLOAD_MAXSIZE": int,
    "RETRY_TIMES": int,
    "ROBOTSTXT_OBEY": bool,
    "USER_AGENT": str,
    "DEPTH_LIMIT": int,
    "CLOSESPIDER_TIMEOUT": float,
    "CLOSESPIDER_PAGECOUNT": int,
    "LOG_LEVEL": str,
}
# Set by the scheduler itself (the site's ``output`` and the job's folder).
_RESERVED = {"ARCHIVER_OUTPUT_DIR", "ARCHIVER_CRAWL_DIR"}


class SitesFileError(ValueError):
    """A sites file that cannot be used; the message names the file, site and key."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a site is due: a cron expression or a fixed interval after the last run."""

    text: str
    interval: timedelta | None = None

    @classmethod
    def parse(cls, text: str) -> Schedule:
        """:raises ValueError: neither an interval (``6h``) nor a valid cron expression."""
        match = _INTERVAL.match(text)
        if match:
            amount = int(match.group(1))
            if amount <= 0:
                raise ValueError(f"interval must be positive: {text!r}")
            return cls(text, timedelta(**{_UNITS[match.group(2)]: amount}))
        if len(text.split()) != 5 or not croniter.is_valid(text):
            raise ValueError(
                f"not a schedule: {text!r} (a cron expression such as '0 3 * * *', "
                "or an interval: 30m, 6h, 1d, 2w)"
            )
        return cls(text)

    def next_run(self, last: datetime) -> datetime:
        """The first moment after ``last`` (aware, UTC) the site is due again."""
        if self.interval is not None:
            return last + self.interval
        following: datetime = croniter(self.text, last).get_next(datetime)
        return following

    def is_due(self, last: datetime | None, now: datetime) -> bool:
        return last is None or self.next_run(last) <= now


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    url: str
    schedule: Schedule
    output: Path
    settings: dict[str, str] = field(default_factory=dict)
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class SitesFile:
    path: Path
    sites: list[Site]
    output: Path  # the default output folder (``[defaults] output``)


def load_sites(path: Path) -> SitesFile:
    """Read and check a sites file.

    :raises SitesFileError: unreadable TOML or any invalid site, with where and why.
    """
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise SitesFileError(f"{path}: cannot read: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise SitesFileError(f"{path}: not valid TOML: {error}") from error
    sites = parse_sites(data, str(path), base=path.parent)
    output = data.get("defaults", {}).get("output", "output")
    return SitesFile(path, sites, (path.parent / output).resolve())


def parse_sites(data: dict[str, Any], origin: str, base: Path) -> list[Site]:
    """The sites of a parsed sites file; relative ``output`` folders are taken from
    ``base`` (the sites file's folder)."""
    unknown = set(data) - {"defaults", "sites"}
    if unknown:
        raise SitesFileError(f"{origin}: unknown top-level key {sorted(unknown)[0]!r}")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise SitesFileError(f"{origin}: 'defaults' must be a table")
    _check_keys(origin, "defaults", defaults, DEFAULT_KEYS)
    sites = data.get("sites")
    if not isinstance(sites, dict) or not sites:
        raise SitesFileError(f"{origin}: no sites: add a [sites.NAME] table with a url")
    default_settings = _settings(origin, "defaults", defaults.get("settings", {}))
    return [
        _site(origin, name, table, defaults, default_settings, base)
        for name, table in sites.items()
    ]


def _site(
    origin: str,
    name: str,
    table: object,
    defaults: dict[str, Any],
    default_settings: dict[str, str],
    base: Path,
) -> Site:
    where = f"{origin}: site {name!r}"
    if not _NAME.match(name):
        raise SitesFileError(f"{where}: the name may hold only letters, digits, '.', '_', '-'")
    if not isinstance(table, dict):
        raise SitesFileError(f"{where}: must be a table ([sites.{name}])")
    _check_keys(origin, f"site {name!r}", table, SITE_KEYS)
    url = table.get("url")
    if not isinstance(url, str) or not url.strip():
        raise SitesFileError(f"{where}: key 'url' is missing (the blog's address)")
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SitesFileError(f"{where}: key 'url': not an http(s) address: {url!r}")
    schedule_text = table.get("schedule", defaults.get("schedule"))
    if not isinstance(schedule_text, str):
        raise SitesFileError(f"{where}: key 'schedule' is missing (cron or interval, e.g. '1d')")
    try:
        schedule = Schedule.parse(schedule_text)
    except ValueError as error:
        raise SitesFileError(f"{where}: key 'schedule': {error}") from error
    output = table.get("output", defaults.get("output", "output"))
    if not isinstance(output, str) or not output:
        raise SitesFileError(f"{where}: key 'output' must be a folder name")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SitesFileError(f"{where}: key 'enabled' must be true or false")
    settings = {
        **default_settings,
        **_settings(origin, f"site {name!r}", table.get("settings", {})),
    }
    return Site(
        name=name,
        url=url.strip(),
        schedule=schedule,
        output=(base / output).resolve(),
        settings=settings,
        enabled=enabled,
    )


def _check_keys(origin: str, where: str, table: dict[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise SitesFileError(
                f"{origin}: {where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})"
            )


def known_settings() -> dict[str, type]:
    """Every setting a sites file may set, with its type."""
    ours = {
        name: type(value)
        for name, value in vars(project_settings).items()
        if name.startswith("ARCHIVER_") and name not in _RESERVED
    }
    return {**SCRAPY_SETTINGS, **ours}


def _settings(origin: str, where: str, table: object) -> dict[str, str]:
    """Checked settings as the ``NAME=VALUE`` strings Scrapy's ``-s`` takes."""
    if not isinstance(table, dict):
        raise SitesFileError(f"{origin}: {where}: 'settings' must be a table")
    known = known_settings()
    out: dict[str, str] = {}
    for name, value in table.items():
        key = f"{origin}: {where}: key 'settings.{name}'"
        if name in _RESERVED:
            raise SitesFileError(f"{key}: set by the scheduler; use the site's 'output' key")
        expected = known.get(name)
        if expected is None:
            raise SitesFileError(
                f"{key}: unknown setting (allowed: ARCHIVER_* settings and "
                f"{', '.join(sorted(SCRAPY_SETTINGS))})"
            )
        out[name] = _setting_value(key, value, expected)
    return out


def _setting_value(key: str, value: object, expected: type) -> str:
    if expected is bool:
        if not isinstance(value, bool):
            raise SitesFileError(f"{key}: must be true or false, got {value!r}")
        return "True" if value else "False"
    if expected in {int, float}:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SitesFileError(f"{key}: must be a number, got {value!r}")
        if expected is int and not isinstance(value, int):
            raise SitesFileError(f"{key}: must be a whole number, got {value!r}")
        if value < 0:
            raise SitesFileError(f"{key}: must not be negative, got {value!r}")
        return str(value)
    if not isinstance(value, str):
        raise SitesFileError(f"{key}: must be a string, got {value!r}")
    return value
