"""The sites file: parsing, schedules and the errors a user sees (issue 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver.fleet.sites import Schedule, SitesFileError, load_sites

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, "utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(SitesFileError) as raised:
        load_sites(write(tmp_path, text))
    return str(raised.value)


def test_the_example_sites_file_of_the_readme_is_valid():
    sites_file = load_sites(ROOT / "sites.example.toml")
    assert len(sites_file.sites) >= 2
    assert all(site.url.startswith("https://") for site in sites_file.sites)


def test_defaults_apply_and_sites_override_them(tmp_path):
    sites_file = load_sites(
        write(
            tmp_path,
            """
[defaults]
schedule = "1d"
output = "archive"
[defaults.settings]
DOWNLOAD_DELAY = 1.5
ROBOTSTXT_OBEY = true

[sites.first]
url = "https://blog.example/"

[sites.second]
url = "https://other.example/blog/"
schedule = "0 3 * * 1"
output = "/srv/second"
enabled = false
[sites.second.settings]
DOWNLOAD_DELAY = 3
CONCURRENT_REQUESTS_PER_DOMAIN = 1
ARCHIVER_OPERATOR = "archives@example.org"
""",
        )
    )
    first, second = sites_file.sites
    assert sites_file.output == tmp_path / "archive"
    assert first.output == tmp_path / "archive"
    assert first.schedule.interval == timedelta(days=1)
    assert first.settings == {"DOWNLOAD_DELAY": "1.5", "ROBOTSTXT_OBEY": "True"}
    assert second.output == Path("/srv/second")
    assert second.enabled is False
    assert second.schedule.interval is None
    assert second.settings == {
        "DOWNLOAD_DELAY": "3",
        "ROBOTSTXT_OBEY": "True",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        "ARCHIVER_OPERATOR": "archives@example.org",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[sites.a\nurl=", "not valid TOML"),
        ("[defaults]\nschedule = '1d'\n", "no sites"),
        ("[sites.a]\nschedule = '1d'\n", "site 'a': key 'url' is missing"),
        ("[sites.a]\nurl = 'ftp://x/'\nschedule = '1d'\n", "key 'url': not an http(s)"),
        ("[sites.a]\nurl = 'https://x/'\n", "key 'schedule' is missing"),
        ("[sites.a]\nurl = 'https://x/'\nschedule = 'daily'\n", "key 'schedule': not a sched"),
        ("[sites.a]\nurl = 'https://x/'\nschedule = '0 25 * * *'\n", "not a schedule"),
        ("[sites.a]\nurl = 'https://x/'\nschedule = '0h'\n", "interval must be positive"),
        ("[sites.a]\nurl = 'https://x/'\nschedule = '1d'\nurls = 1\n", "unknown key 'urls'"),
        ("[sites.'a b']\nurl = 'https://x/'\nschedule = '1d'\n", "site 'a b': the name"),
        ("[site.a]\nurl = 'https://x/'\n", "unknown top-level key 'site'"),
        (
            "[sites.a]\nurl = 'https://x/'\nschedule = '1d'\n[sites.a.settings]\nFOO = 1\n",
            "site 'a': key 'settings.FOO': unknown setting",
        ),
        (
            "[sites.a]\nurl = 'https://x/'\nschedule = '1d'\n"
            "[sites.a.settings]\nDOWNLOAD_DELAY = 'slow'\n",
            "key 'settings.DOWNLOAD_DELAY': must be a number",
        ),
        (
            "[sites.a]\nurl = 'https://x/'\nschedule = '1d'\n"
            "[sites.a.settings]\nCONCURRENT_REQUESTS_PER_DOMAIN = 1.5\n",
            "must be a whole number",
        ),
        (
            "[sites.a]\nurl = 'https://x/'\nschedule = '1d'\n"
            "[sites.a.settings]\nDOWNLOAD_DELAY = -1\n",
            "must not be negative",
        ),
        (
            "[sites.a]\nurl = 'https://x/'\nschedule = '1d'\n"
            "[sites.a.settings]\nROBOTSTXT_OBEY = 'yes'\n",
            "must be true or false",
        ),
        (
            "[sites.a]\nurl = 'https://x/'\nschedule = '1d'\n"
            "[sites.a.settings]\nARCHIVER_OUTPUT_DIR = '/tmp'\n",
            "use the site's 'output' key",
        ),
        ("[defaults]\nevery = '1d'\n[sites.a]\nurl = 'https://x/'\n", "defaults: unknown key"),
    ],
)
def test_errors_name_the_file_the_site_and_the_key(tmp_path, text, expected):
    message = error_of(tmp_path, text)
    assert message.startswith(str(tmp_path / "sites.toml"))
    assert expected in message


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SitesFileError, match="cannot read"):
        load_sites(tmp_path / "nope.toml")


def test_an_interval_is_due_that_long_after_the_last_run():
    schedule = Schedule.parse("6h")
    last = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert schedule.is_due(None, last)
    assert not schedule.is_due(last, last + timedelta(hours=5, minutes=59))
    assert schedule.is_due(last, last + timedelta(hours=6))


def test_a_cron_schedule_is_due_at_its_next_time_after_the_last_run():
    schedule = Schedule.parse("0 3 * * *")
    last = datetime(2026, 1, 1, 3, 0, 5, tzinfo=UTC)
    assert schedule.next_run(last) == datetime(2026, 1, 2, 3, 0, tzinfo=UTC)
    assert not schedule.is_due(last, datetime(2026, 1, 2, 2, 59, tzinfo=UTC))
    assert schedule.is_due(last, datetime(2026, 1, 2, 3, 0, tzinfo=UTC))
