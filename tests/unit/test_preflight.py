"""What ``archiver crawl`` checks before it starts (``archiver.crawl.preflight``)."""

from __future__ import annotations

import pytest

from archiver.crawl.preflight import (
    InputError,
    OutputFolderError,
    check_output_dir,
    check_settings,
    check_url,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://blog.example/",
        "blog.example",
        "http://www.example.org/blog",
        "http://127.0.0.1:8103/",
        "http://[::1]:8080/",
        "localhost:8080",
        "https://xn--bcher-kva.example/",
    ],
)
def test_addresses_that_can_be_archived(url):
    assert check_url(url) == url


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "example",
            "'example' is not a full host name (it has no dot): did you mean https://example.com/?",
        ),
        ("http://intranet/", "'intranet' is not a full host name"),
        ("ftp://blog.example/a/", "not ftp:// (did you mean https://blog.example/a/?)"),
        ("http//blog.example", "a malformed scheme (did you mean http://blog.example?)"),
        ("https:/blog.example", "a malformed scheme (did you mean https://blog.example?)"),
        ("http:///x", "no host name"),
        ("https://blog_example.org/", "'blog_example.org' is not a valid host name"),
        ("https://1.2.3/", "neither an IP address nor a host name"),
        ("https://blog.example:99x/", "blog.example:99x"),
        ("https://blog example/", "contains spaces"),
        ("  ", "empty"),
    ],
)
def test_addresses_refused_say_why(url, said):
    with pytest.raises(InputError) as refused:
        check_url(url)
    assert said in str(refused.value)


def test_settings_are_checked_against_the_type_they_take():
    checked = check_settings(
        [
            "DOWNLOAD_DELAY=0.5",
            "AUTOTHROTTLE_ENABLED=False",
            "ARCHIVER_WARC_MAX_BYTES=100000",
            "ARCHIVER_OPERATOR=archives@example.org",
            "ARCHIVER_EXTRACT_WORKERS=0",
            "MY_OWN_SETTING=anything",  # a component of the user's may read it
        ]
    )
    assert checked["DOWNLOAD_DELAY"] == "0.5"
    assert checked["MY_OWN_SETTING"] == "anything"


@pytest.mark.parametrize(
    ("item", "said"),
    [
        ("DOWNLOAD_DELAY=slow", "-s DOWNLOAD_DELAY=slow: must be a number"),
        ("DOWNLOAD_DELAY=-1", "must not be negative"),
        ("CONCURRENT_REQUESTS=2.5", "must be a whole number"),
        ("ROBOTSTXT_OBEY=yes", "must be True or False"),  # Scrapy's getbool would raise
        ("ARCHIVER_RESUME=maybe", "must be True or False"),
        ("ARCHIVER_RETRY_AFTER_MAX=5m", "must be a number"),
        ("ARCHIVER_OUTPT_DIR=x", "no such setting (did you mean ARCHIVER_OUTPUT_DIR?)"),
        ("LOG_LEVEL=LOUD", "must be one of"),
        ("=1", "-s needs NAME=VALUE"),
        ("DOWNLOAD_DELAY", "-s needs NAME=VALUE"),
    ],
)
def test_settings_of_the_wrong_type_are_refused(item, said):
    with pytest.raises(InputError) as refused:
        check_settings([item])
    assert said in str(refused.value)


def test_the_output_folder_is_made_when_missing(tmp_path):
    folder = tmp_path / "a" / "b"
    assert check_output_dir(folder) == folder
    assert folder.is_dir()
    assert list(folder.iterdir()) == []  # the probe file is gone


def test_a_file_is_not_an_output_folder(tmp_path):
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(OutputFolderError, match="is a file, not a folder"):
        check_output_dir(afile)
    with pytest.raises(OutputFolderError, match="its parent"):
        check_output_dir(afile / "below")
