"""How many offers a results page says it has, as operators write it (the crawl's
completeness check compares the offers read with this count)."""

import pytest

from crawler.spiders.base.paged_html import read_count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("245 tours found", 245),
        ("Найдено 1 234 тура", 1234),  # a no-break space groups the thousands
        ("1.234 Angebote", 1234),
        ("Туров: 12 345", 12345),
        ("no results", None),
        (None, None),
    ],
)
def test_the_stated_count_is_read_whatever_groups_its_thousands(text, count):
    assert read_count(text) == count
