"""Operators that publish their whole catalogue as one CSV price list."""

import csv
import re
from collections.abc import AsyncIterator, Iterator
from typing import ClassVar

import scrapy
from scrapy.http import Response, TextResponse

from crawler.items import OfferItem
from crawler.spiders.base.operator import OperatorSpider


def iter_lines(text: str, end: int) -> Iterator[str]:
    """The lines of `text[:end]`, one at a time, without copying the whole text."""
    start = 0
    while start < end:
        stop = text.find("\n", start, end)
        if stop == -1:
            stop = end
        yield text[start:stop]
        start = stop + 1


class CsvPriceListSpider(OperatorSpider):
    """Downloads one CSV price list and reads one offer per row.

    A leaf spider sets `file_path`, `delimiter`, `columns` (raw field -> column header)
    and `offer_path` (the deep link, formatted with the raw fields). When the file ends
    with a line stating how many rows it holds, `footer_pattern` (a regular expression
    whose first group is that count) makes it the announced count, and a file without
    it is taken as cut off: the crawl fails. Without a footer, the data lines are counted.
    """

    file_path: ClassVar[str]
    delimiter: ClassVar[str] = ","
    columns: ClassVar[dict[str, str]]
    footer_pattern: ClassVar[str | None] = None
    offer_path: ClassVar[str] = "/tour/{offer_key}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.operator_url + self.file_path, callback=self.parse)

    def parse(self, response: Response) -> Iterator[OfferItem]:
        if not isinstance(response, TextResponse):
            self.logger.error("The price list is not text: %s", response.url)
            return
        text = response.text
        end = len(text.rstrip())
        if self.footer_pattern:
            footer_start = text.rfind("\n", 0, end) + 1
            footer = re.fullmatch(self.footer_pattern, text[footer_start:end].strip())
            if footer is None:
                self.logger.error(
                    "The price list ends without its footer (cut off?): %s", response.url
                )
                return
            expected, end = int(footer.group(1)), footer_start
        else:
            expected = text.count("\n", 0, end)  # lines after the header
        rows = csv.reader(iter_lines(text, end), delimiter=self.delimiter)
        header = [name.strip() for name in next(rows, [])]
        missing = [name for name in self.columns.values() if name not in header]
        if missing:
            self.logger.error("The price list lacks the columns %s: %s", missing, response.url)
            return
        self.crawler.stats.set_value("tourscope/expected_items", expected)
        index = {field: header.index(name) for field, name in self.columns.items()}
        for values in rows:
            if not any(values):
                continue
            raw = {field: values[i] if i < len(values) else None for field, i in index.items()}
            yield self.make_offer(raw, self.operator_url + self.offer_path.format_map(raw))
