from __future__ import annotations

from datetime import UTC, datetime

from archiver.state.layout import new_crawl_dir, safe_name, site_name


def test_site_name_keeps_host_port_and_subdirectory():
    assert site_name("http://127.0.0.1:8081/") == "127.0.0.1_8081"
    assert site_name("https://Example.com/blog/") == "example.com_blog"
    assert site_name("https://name.wordpress.com/") == "name.wordpress.com"


def test_names_from_urls_cannot_escape_the_output_folder():
    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert "/" not in site_name("http://evil.example/../../x/")
    assert safe_name("") == "site"


def test_each_crawl_gets_a_new_folder(tmp_path):
    started = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    first = new_crawl_dir(tmp_path, "http://127.0.0.1:8081/", started)
    assert first == tmp_path / "127.0.0.1_8081" / "20260102T030405Z"
    first.mkdir(parents=True)
    second = new_crawl_dir(tmp_path, "http://127.0.0.1:8081/", started)
    assert second.name == "20260102T030405Z-2"
