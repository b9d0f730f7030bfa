"""Operators described by a YAML file: selectors and formats, no Python.

Each `crawler/operators/<code>.yaml` (and each YAML file in `TOURSCOPE_OPERATORS_DIR`)
is validated into an `OperatorConfig` and becomes one `DeclarativeSpider` subclass named
`<Code>Spider`; `crawler/spiders/declarative.py` registers them with Scrapy. The format is
documented in docs/declarative-spiders.md.
"""

import logging
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import date, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import scrapy
import yaml
from cssselect import SelectorError
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from scrapy.http import Response

from crawler.items import OfferItem
from crawler.parsing.dates import DEFAULT_FORMATS
from crawler.parsing.prices import NumberFormat
from crawler.spiders.base.paged_html import PagedHtmlSpider
from tourscope.foundation.settings import get_settings

logger = logging.getLogger(__name__)

# Through importlib.resources: in a zipped egg (a Scrapyd node) too.
OPERATORS_DIR = resources.files("crawler") / "operators"

MealCode = Literal["RO", "BB", "HB", "FB", "AI", "UAI"]
AvailabilityCode = Literal["available", "on_request", "stop_sale", "sold_out"]


class OperatorConfigError(ValueError):
    """A declarative operator file that cannot be used; the message names the file and field."""


# --- The file format -------------------------------------------------------------------


class _Strict(BaseModel):
    # A misspelt key must be an error, not a silently ignored setting.
    model_config = ConfigDict(extra="forbid", frozen=True)


class NodeSelector(_Strict):
    """A CSS or XPath selector; a bare string in the YAML is a CSS selector."""

    css: str | None = None
    xpath: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_string_is_css(cls, data: Any) -> Any:
        return {"css": data} if isinstance(data, str) else data

    @field_validator("css")
    @classmethod
    def _css_compiles(cls, css: str | None) -> str | None:
        if css is not None:
            try:
                css2xpath(css)
            except SelectorError as error:
                raise ValueError(f"not a valid CSS selector {css!r}: {error}") from None
        return css

    @field_validator("xpath")
    @classmethod
    def _xpath_compiles(cls, xpath: str | None) -> str | None:
        if xpath is not None:
            try:
                etree.XPath(xpath)
            except etree.XPathError as error:
                raise ValueError(f"not a valid XPath expression {xpath!r}: {error}") from None
        return xpath

    @model_validator(mode="after")
    def _exactly_one_language(self) -> Self:
        if (self.css is None) == (self.xpath is None):
            raise ValueError("give exactly one of `css` or `xpath`")
        return self

    def select(self, node: Selector | Response) -> SelectorList:
        return node.css(self.css) if self.css is not None else node.xpath(self.xpath)


class ValueSelector(NodeSelector):
    """A selector for one text value, with the ways to pull the useful part out of it."""

    # Group 1 (or the whole match when the pattern has no group) is the value.
    regex: str | None = None
    # The value is how many times this text occurs, e.g. "★" in a row of stars.
    count: str | None = Field(None, min_length=1)
    # Join every match with spaces instead of taking the first one.
    join: bool = False

    @field_validator("regex")
    @classmethod
    def _regex_compiles(cls, regex: str | None) -> str | None:
        if regex is not None:
            try:
                pattern = re.compile(regex)
            except re.error as error:
                raise ValueError(f"not a valid regular expression '{regex}': {error}") from None
            if pattern.groups > 1:
                raise ValueError(f"regular expression '{regex}' has more than one group")
        return regex

    def read(self, node: Selector | Response) -> str | None:
        """The selected text with whitespace collapsed, after `regex` and `count`; or None."""
        texts = [_text_of(selected) for selected in self.select(node)]
        if not texts:
            return None
        text = " ".join(" ".join(texts if self.join or self.count else texts[:1]).split())
        if self.regex is not None:
            match = re.search(self.regex, text)
            if match is None:
                return None
            text = match.group(1) if match.re.groups else match.group()
        if self.count is not None:
            text = str(text.count(self.count))
        return text or None


def _text_of(selected: Selector) -> str:
    # Text and attribute nodes are strings already; an element stands for all its text.
    if isinstance(selected.root, str):
        return selected.root
    return " ".join(selected.xpath(".//text()").getall())


class Site(_Strict):
    """Where the operator's offers start: in the sandbox, or on the operator's real site."""

    sandbox_path: str | None = Field(None, pattern=r"^/")
    base_url: str | None = Field(None, pattern=r"^https?://[^/\s]+(/\S*)?$")
    start_path: str = Field("/", pattern=r"^/")

    @model_validator(mode="after")
    def _one_home(self) -> Self:
        if (self.sandbox_path is None) == (self.base_url is None):
            raise ValueError("give exactly one of `sandbox_path` or `base_url`")
        return self


class Listing(_Strict):
    """The result pages: one node per offer, its deep link, the next page, the total."""

    offers: NodeSelector
    link: ValueSelector  # relative to the offer node
    next_page: ValueSelector | None = None
    total: ValueSelector | None = None  # the number of offers the operator announces


class Fields(_Strict):
    """One selector per raw field, relative to the offer node; the keys of `make_offer`."""

    offer_key: ValueSelector
    hotel_code: ValueSelector | None = None
    hotel_name: ValueSelector
    hotel_stars: ValueSelector | None = None
    country: ValueSelector
    resort: ValueSelector
    departure_city: ValueSelector | None = None
    departure_city_code: ValueSelector | None = None
    departure_date: ValueSelector
    nights: ValueSelector
    meal: ValueSelector
    room_type: ValueSelector
    adults: ValueSelector
    children: ValueSelector | None = None  # none read means no children
    price: ValueSelector
    currency: ValueSelector | None = None  # else read from the price, else formats.currency
    surcharge: ValueSelector | None = None
    availability: ValueSelector | None = None  # none read means available

    @model_validator(mode="after")
    def _departure_city(self) -> Self:
        if self.departure_city is None and self.departure_city_code is None:
            raise ValueError("give `departure_city` or `departure_city_code` (or both)")
        return self


class Formats(_Strict):
    """How the operator writes dates, numbers and money."""

    dates: list[str] = Field(default_factory=lambda: list(DEFAULT_FORMATS), min_length=1)
    decimal_separator: str = Field(".", min_length=1, max_length=1)
    thousands_separator: str = Field("", max_length=1)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")  # when the page names none
    surcharge_included: bool = True  # False: the surcharge is added to the price

    @field_validator("dates")
    @classmethod
    def _dates_round_trip(cls, formats: list[str]) -> list[str]:
        sample = date(2026, 12, 31)
        for fmt in formats:
            try:
                read = datetime.strptime(sample.strftime(fmt), fmt).date()
            except ValueError as error:
                raise ValueError(f"date format {fmt!r} is not valid: {error}") from None
            if read != sample:
                raise ValueError(f"date format {fmt!r} does not give a day, month and year")
        return formats

    @model_validator(mode="after")
    def _separators_differ(self) -> Self:
        if self.decimal_separator == self.thousands_separator:
            raise ValueError("decimal_separator and thousands_separator must differ")
        if self.decimal_separator.isdigit() or self.thousands_separator.isdigit():
            raise ValueError("separators cannot be digits")
        return self

    @property
    def number_format(self) -> NumberFormat:
        return NumberFormat(self.decimal_separator, self.thousands_separator)


class OfferPage(_Strict):
    """The operator's page for one offer (its deep link): where the current price is.

    Read when a lead re-checks one offer (crawler/recheck.py); a page that answers 404
    means the offer is gone. `availability` words are looked up in the `availability` map.
    """

    price: ValueSelector
    availability: ValueSelector | None = None


class OperatorConfig(_Strict):
    """One operator's declarative spider, as read from its YAML file."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    site: Site
    listing: Listing
    fields: Fields
    formats: Formats = Field(default_factory=Formats)
    # The operator's words -> our codes. Matched ignoring case and repeated spaces.
    meals: dict[str, MealCode] = Field(default_factory=dict)
    availability: dict[str, AvailabilityCode] = Field(default_factory=dict)
    offer_page: OfferPage | None = None


# --- Loading ---------------------------------------------------------------------------


def _display(path: Traversable) -> str:
    if not isinstance(path, Path):  # a file in a zipped egg
        return str(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _describe(error: Mapping[str, Any]) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{location}: unknown field"
    if error["type"] == "missing":
        return f"{location}: required field is missing"
    return f"{location}: {error['msg'].removeprefix('Value error, ')}"


def load_operator_config(path: Traversable) -> OperatorConfig:
    """The validated configuration in `path`; OperatorConfigError with a readable reason."""
    shown = _display(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise OperatorConfigError(f"{shown}: cannot read the file: {error.strerror}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise OperatorConfigError(f"{shown}:{where} not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise OperatorConfigError(f"{shown}: expected a mapping of settings (code:, name:, ...)")
    try:
        config = OperatorConfig.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(_describe(e) for e in error.errors())
        raise OperatorConfigError(f"{shown}: {problems}") from None
    if config.code != path.stem:
        raise OperatorConfigError(
            f"{shown}: code: {config.code!r} must match the file name ({path.stem!r})"
        )
    return config


def operator_files() -> list[Traversable]:
    """The YAML files of crawler/operators/ and of the configured extra directory."""
    directories = [OPERATORS_DIR]
    extra = get_settings().operators_dir
    if extra is not None:
        if not extra.is_dir():
            raise OperatorConfigError(f"TOURSCOPE_OPERATORS_DIR: {extra} is not a directory")
        directories.append(extra)
    return [
        path
        for directory in directories
        for path in sorted(directory.iterdir(), key=lambda path: path.name)
        if path.name.endswith((".yaml", ".yml"))
    ]


def load_operator_configs() -> tuple[list[OperatorConfig], dict[str, str]]:
    """Every operator file's configuration, and the files that could not be loaded: the
    file's operator code (its name) -> the reason, on one line. A bad file is skipped: it
    never stops the other operators (nor the scheduler) from loading."""
    configs: list[OperatorConfig] = []
    problems: dict[str, str] = {}
    seen: dict[str, Traversable] = {}
    for path in operator_files():
        try:
            config = load_operator_config(path)
            if config.code in seen:
                raise OperatorConfigError(
                    f"{_display(path)}: code: {config.code!r} is already used by "
                    f"{_display(seen[config.code])}"
                )
        except OperatorConfigError as error:
            problems[path.name.rsplit(".", 1)[0]] = " ".join(str(error).split())
            continue
        seen[config.code] = path
        configs.append(config)
    return configs, problems


def operator_file_problems() -> dict[str, str]:
    """The operator files that cannot be loaded, and why (see load_operator_configs)."""
    return load_operator_configs()[1]


def operator_spider_classes(module: str) -> Iterator[type["DeclarativeSpider"]]:
    """One spider class per operator file, defined as if written in `module`; a file that
    cannot be loaded is skipped, with a one-line error in the log."""
    configs, problems = load_operator_configs()
    for code, problem in problems.items():
        logger.error("operator %s not loaded: %s", code, problem)
    for config in configs:
        yield DeclarativeSpider.for_config(config, module)


# --- The spider ------------------------------------------------------------------------


class DeclarativeSpider(PagedHtmlSpider):
    """Reads paged HTML results with the selectors and formats of an `OperatorConfig`.

    Follows the next-page link from `site.start_path`, reads each offer node's fields,
    maps the operator's meal and availability words to our codes and hands the raw
    strings to `make_offer`, which reads prices with the declared separators.
    """

    config: ClassVar[OperatorConfig]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._unknown_availability: set[str] = set()

    @classmethod
    def for_config(cls, config: OperatorConfig, module: str) -> type["DeclarativeSpider"]:
        """A subclass for one operator; Scrapy finds it in `module`'s globals."""
        class_name = "".join(part.capitalize() for part in config.code.split("_")) + "Spider"
        attributes = {
            "__module__": module,
            "__doc__": f"{config.name}, read as declared in {config.code}.yaml.",
            "name": config.code,
            "operator_name": config.name,
            "sandbox_path": config.site.sandbox_path or "",
            "base_url": config.site.base_url,
            "date_formats": tuple(config.formats.dates),
            "default_currency": config.formats.currency,
            "surcharge_included": config.formats.surcharge_included,
            "number_format": config.formats.number_format,
            "availability_map": dict(config.availability),
            "config": config,
        }
        return type(class_name, (cls,), attributes)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.operator_url + self.config.site.start_path, callback=self.parse)

    # PagedHtmlSpider.parse walks the pages; these read them as the YAML file says.

    def total_text(self, response: Response) -> str | None:
        total = self.config.listing.total
        return total.read(response) if total else None

    def offer_nodes(self, response: Response) -> SelectorList:
        return self.config.listing.offers.select(response)

    def next_page_link(self, response: Response) -> str | None:
        next_page = self.config.listing.next_page
        return next_page.read(response) if next_page else None

    def parse_offer(self, node: Selector, response: Response) -> OfferItem:
        config = self.config
        raw = {
            field: selector.read(node) for field, selector in config.fields if selector is not None
        }
        raw["availability"] = self._availability_word(raw.get("availability"))
        link = config.listing.link.read(node)
        offer = self.make_offer(raw, response.urljoin(link or ""))
        # The operator's words stay in meal_raw; a code from the map spares the normalize
        # pipeline the guess (words not in the map are left to its shared parser).
        offer.meal = _lookup(config.meals, offer.meal_raw)
        return offer

    def read_offer_page(self, response: Response) -> tuple[str | None, str | None]:
        page = self.config.offer_page
        if page is None:
            raise NotImplementedError(f"{self.config.code}.yaml has no `offer_page` section")
        price = page.price.read(response)
        word = page.availability.read(response) if page.availability else None
        return price, self._availability_word(word)

    def _availability_word(self, word: str | None) -> str | None:
        """The map's own spelling of `word`, so `make_offer` finds it; unknown words counted."""
        if word is None:
            return None
        for known in self.config.availability:
            if _same_words(known, word):
                return known
        self.crawler.stats.inc_value("tourscope/unknown_availability")
        if word not in self._unknown_availability:
            self._unknown_availability.add(word)
            self.logger.warning("Unknown availability %r read as available", word)
        return word


def _same_words(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def _lookup(table: Mapping[str, str], word: str | None) -> str | None:
    if word is None:
        return None
    return next((code for known, code in table.items() if _same_words(known, word)), None)
