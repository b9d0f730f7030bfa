"""Credentials never reach the crawl logs."""

from crawler.redaction import redact


def test_credentials_in_logged_urls_are_masked():
    line = (
        "Gave up retrying <GET http://x/xml/list.php?authlogin=a%40b.ru&authpass=p4ss&type=country>"
    )
    assert redact(line) == (
        "Gave up retrying <GET http://x/xml/list.php?authlogin=***&authpass=***&type=country>"
    )
