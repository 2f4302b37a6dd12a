"""What ``archiver crawl`` checks before anything starts: the address, the ``-s`` values and
the output folder. A mistake found here costs no request, no DNS retry and no crawl left
*interrupted* in the site's state; each check raises :class:`InputError` with a message
saying what was wrong and, where it can tell, what was probably meant.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from archiver import settings as project_settings

if TYPE_CHECKING:
    from collections.abc import Iterable

# A host name's labels (RFC 1123): letters, digits and inner hyphens.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)

# Scrapy's settings a crawl often changes, with the type Scrapy reads each as (its
# defaults alone mislead: DOWNLOAD_DELAY's is the int 0, but it is read as a float).
SCRAPY_TYPES: dict[str, type] = {
    "DOWNLOAD_DELAY": float,
    "RANDOMIZE_DOWNLOAD_DELAY": bool,
    "CONCURRENT_REQUESTS": int,
    "CONCURRENT_REQUESTS_PER_DOMAIN": int,
    "CONCURRENT_ITEMS": int,
    "AUTOTHROTTLE_ENABLED": bool,
    "AUTOTHROTTLE_START_DELAY": float,
    "AUTOTHROTTLE_MAX_DELAY": float,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": float,
    "AUTOTHROTTLE_DEBUG": bool,
    "DOWNLOAD_TIMEOUT": float,
    "DOWNLOAD_MAXSIZE": int,
    "DOWNLOAD_WARNSIZE": int,
    "RETRY_ENABLED": bool,
    "RETRY_TIMES": int,
    "ROBOTSTXT_OBEY": bool,
    "DEPTH_LIMIT": int,
    "CLOSESPIDER_TIMEOUT": float,
    "CLOSESPIDER_PAGECOUNT": int,
    "CLOSESPIDER_ITEMCOUNT": int,
    "CLOSESPIDER_ERRORCOUNT": int,
    "TELNETCONSOLE_ENABLED": bool,
    "REMOTE_CONTROL_ENABLED": bool,
    "HTTPCACHE_ENABLED": bool,
    "COOKIES_ENABLED": bool,
    "LOG_ENABLED": bool,
    "USER_AGENT": str,
    "LOG_LEVEL": str,
}
# Ours that have no default to read the type from (unset means "decide at run time").
_UNSET_TYPES: dict[str, type] = {
    "ARCHIVER_EXTRACT_WORKERS": int,
    "ARCHIVER_REPLAY_WARCS": str,
    "ARCHIVER_WARC_INDEX": bool,
    "ARCHIVER_WARC_REVISITS": bool,
}
# http:/blog.example, http:blog.example, http//blog.example.
_MALFORMED_SCHEME = re.compile(r"^(https?)(?::/?|:?//)(?=[^/])", re.IGNORECASE)
_LOG_LEVELS = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}
# What Scrapy's getbool takes; anything else fails inside the crawl.
_BOOLEANS = {"True", "true", "1", "False", "false", "0"}


class InputError(ValueError):
    """Input ``archiver crawl`` cannot start with; the message says why (exit status 2)."""


class OutputFolderError(InputError):
    """An output folder that cannot take a crawl (exit status 4: the output's verdict)."""


def check_url(url: str) -> str:
    """``url`` as given, when it is an http(s) address with a host that can exist."""
    text = url.strip()
    if not text:
        raise InputError("the blog's address is empty")
    if any(char.isspace() for char in text):
        raise InputError(f"the address {url!r} contains spaces")
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme and scheme not in {"http", "https"}:
        rest = text.split("://", 1)[1]
        raise InputError(
            f"{text}: only http and https addresses can be archived, not {scheme}:// "
            f"(did you mean https://{rest}?)"
        )
    malformed = _MALFORMED_SCHEME.match(text) if not scheme else None
    if malformed:
        fixed = f"{malformed.group(1).lower()}://{text[malformed.end() :]}"
        raise InputError(f"{text}: a malformed scheme (did you mean {fixed}?)")
    parts = urlsplit(text if scheme else f"https://{text}")
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise InputError(f"{text}: {error}") from None
    if not host:
        raise InputError(f"{text}: no host name (e.g. https://blog.example/)")
    if host == "localhost" or _is_ip(host):
        return text
    labels = host.rstrip(".").split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise InputError(f"{text}: {host!r} is not a valid host name")
    if len(labels) < 2:
        example = f"https://{host}.com/"
        raise InputError(
            f"{text}: {host!r} is not a full host name (it has no dot): did you mean {example}? "
            "(a machine of your own network: give its full name or its IP address)"
        )
    if labels[-1].isdigit():
        raise InputError(f"{text}: {host!r} is neither an IP address nor a host name")
    return text


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def known_types() -> dict[str, type]:
    """The settings whose values are checked, with the type each takes."""
    ours = {
        name: type(value)
        for name, value in vars(project_settings).items()
        if name.startswith("ARCHIVER_") and value is not None
    }
    return {**SCRAPY_TYPES, **_UNSET_TYPES, **ours}


def check_settings(items: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings of ``-s`` as a dict, every value of a known setting checked
    against its type (``ARCHIVER_*`` against its default). An unknown ``ARCHIVER_`` name
    is a typo (every one of ours has a default); other unknown names pass, as Scrapy's
    own ``-s`` lets them (a component of the user's may read them)."""
    known = known_types()
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"-s needs NAME=VALUE, got {item!r}")
        expected = known.get(name)
        if expected is None:
            if name.startswith("ARCHIVER_"):
                raise InputError(f"-s {name}: no such setting{_did_you_mean(name, known)}")
            out[name] = value
            continue
        _check_value(name, value, expected)
        out[name] = value
    return out


def _check_value(name: str, value: str, expected: type) -> None:
    text = value.strip()
    where = f"-s {name}={value}"
    if expected is bool:
        if text not in _BOOLEANS:
            raise InputError(f"{where}: must be True or False")
        return
    if expected in {int, float}:
        try:
            number = float(text) if expected is float else int(text)
        except ValueError:
            kind = "a whole number" if expected is int else "a number"
            raise InputError(f"{where}: must be {kind} (e.g. {name}=2)") from None
        if number < 0 or math.isnan(number):
            raise InputError(f"{where}: must not be negative")
        return
    if name == "LOG_LEVEL" and text.upper() not in _LOG_LEVELS:
        raise InputError(f"{where}: must be one of {', '.join(sorted(_LOG_LEVELS))}")


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def check_output_dir(folder: str | Path) -> Path:
    """The output folder, made if missing, once a file can be written into it."""
    path = Path(folder).expanduser()
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        what = "the output folder" if existing == path else f"{path}: its parent"
        raise OutputFolderError(f"{what} {existing} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        # A real write: root passes os.access on a read-only mount or an immutable folder.
        descriptor, probe = tempfile.mkstemp(prefix=".archiver-write-check-", dir=path)
        os.close(descriptor)
        Path(probe).unlink()
    except OSError as error:
        why = error.strerror or str(error)
        raise OutputFolderError(f"the output folder {path} is not writable: {why}") from None
    return path
