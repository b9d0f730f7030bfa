"""Declarative operators: the YAML format's validation and the spiders built from it."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from parsel import Selector

from crawler.parsing.prices import parse_amount
from crawler.spiders import declarative
from crawler.spiders.base.declarative import (
    OPERATORS_DIR,
    DeclarativeSpider,
    Fields,
    Formats,
    OperatorConfigError,
    ValueSelector,
    load_operator_config,
)
from crawler.spiders.base.operator import OperatorSpider
from tourscope.foundation.settings import PROJECT_ROOT

MEDITERRA_YAML = OPERATORS_DIR / "mediterra.yaml"


def mediterra_settings() -> dict:
    return yaml.safe_load(MEDITERRA_YAML.read_text(encoding="utf-8"))


def write_operator(directory: Path, settings: dict, name: str = "mediterra") -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def load_error(directory: Path, settings: dict) -> str:
    with pytest.raises(OperatorConfigError) as raised:
        load_operator_config(write_operator(directory, settings))
    return str(raised.value)


def test_every_operator_file_loads_and_names_its_spider():
    for path in sorted(OPERATORS_DIR.glob("*.yaml")):
        config = load_operator_config(path)
        assert config.code == path.stem
        class_name = "".join(part.capitalize() for part in config.code.split("_")) + "Spider"
        spider = getattr(declarative, class_name)
        assert issubclass(spider, DeclarativeSpider) and spider.name == config.code
        assert spider.__module__ == declarative.__name__


def test_mediterra_file_reads_as_declared():
    config = load_operator_config(MEDITERRA_YAML)
    assert (config.code, config.name) == ("mediterra", "Mediterra Voyages")
    assert config.site.sandbox_path == "/mediterra" and config.site.base_url is None
    assert config.listing.next_page.xpath and config.fields.price.css == "td.prix::text"
    assert config.fields.nights.regex and config.fields.hotel_stars.count == "★"
    assert config.formats.dates == ["%d/%m/%Y"]
    assert config.meals["Tout compris"] == "AI" and config.availability["Complet"] == "sold_out"


def test_fields_are_exactly_the_raw_keys_make_offer_reads():
    read: set[str] = set()

    class RecordingRaw(dict):
        def get(self, key, default=None):
            read.add(key)
            return default

    class ProbeSpider(OperatorSpider):
        name, operator_name = "probe", "Probe"

    ProbeSpider().make_offer(RecordingRaw(), "http://probe.example/")
    assert set(Fields.model_fields) == read


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["fields"].pop("price"), "fields.price: required field is missing"),
        (lambda s: s["listing"].pop("offers"), "listing.offers: required field is missing"),
        (
            lambda s: s["fields"]["nights"].update(regex=r"(\d+ nuits"),
            r"fields.nights.regex: not a valid regular expression '(\d+ nuits'",
        ),
        (
            lambda s: s["fields"]["nights"].update(regex=r"(\d+) (nuits)"),
            r"fields.nights.regex: regular expression '(\d+) (nuits)' has more than one group",
        ),
        (lambda s: s["fields"].update(prix="td.prix::text"), "fields.prix: unknown field"),
        (lambda s: s.update(pagination="a.suivant"), "pagination: unknown field"),
        (lambda s: s["fields"]["nights"].update(regexp="x"), "fields.nights.regexp: unknown field"),
        (
            lambda s: s["listing"].update(offers="table..offres"),
            "listing.offers.css: not a valid CSS selector 'table..offres'",
        ),
        (
            lambda s: s["listing"].update(next_page={"xpath": "//a["}),
            "listing.next_page.xpath: not a valid XPath expression '//a['",
        ),
        (
            lambda s: s["fields"].update(meal={"css": "td", "xpath": "./td"}),
            "fields.meal: give exactly one of `css` or `xpath`",
        ),
        (lambda s: s["meals"].update({"Tout compris": "ALL"}), "meals.Tout compris: Input should"),
        (lambda s: s["availability"].update(Complet="full"), "availability.Complet: Input should"),
        (lambda s: s["formats"].update(dates=["%d/%m"]), "does not give a day, month and year"),
        (lambda s: s["formats"].update(thousands_separator=","), "must differ"),
        (
            lambda s: s["site"].update(base_url="https://mediterra.example"),
            "site: give exactly one of `sandbox_path` or `base_url`",
        ),
        (
            lambda s: s["fields"].pop("departure_city") and s["fields"].pop("departure_city_code"),
            "fields: give `departure_city` or `departure_city_code`",
        ),
        (lambda s: s.update(code="Mediterra!"), "code: String should match pattern"),
    ],
)
def test_a_broken_file_gives_one_readable_error_naming_file_and_field(tmp_path, change, message):
    settings = mediterra_settings()
    change(settings)
    error = load_error(tmp_path, settings)
    assert error.startswith(f"{tmp_path / 'mediterra.yaml'}: ")
    assert message in error
    assert "\n" not in error and "pydantic" not in error


def test_several_problems_are_listed_in_one_message(tmp_path):
    settings = mediterra_settings()
    del settings["fields"]["price"], settings["name"]
    error = load_error(tmp_path, settings)
    assert "name: required field is missing; fields.price: required field is missing" in error


def test_file_name_must_be_the_code_and_the_file_valid_yaml(tmp_path):
    path = write_operator(tmp_path, mediterra_settings(), name="mediterranee")
    with pytest.raises(OperatorConfigError, match="must match the file name"):
        load_operator_config(path)
    broken = tmp_path / "mediterra.yaml"
    broken.write_text("code: mediterra\nfields: [oops\n", encoding="utf-8")
    with pytest.raises(OperatorConfigError, match=r"mediterra.yaml: line 3 not valid YAML"):
        load_operator_config(broken)
    broken.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(OperatorConfigError, match="expected a mapping"):
        load_operator_config(broken)


ROW = Selector(
    text="""<table><tr class="offre" data-ref="MV1">
    <td class="cat">★★★★</td><td class="duree"> 14
      nuits </td><td class="voyageurs">2 adultes, 1 enfant</td>
    <td class="prix">1.234,00&nbsp;€<br><small>dont 45,50 € de surcharge</small></td>
    <td class="nom"><b>Golden</b> Sands</td></tr></table>"""
).css("tr")[0]


@pytest.mark.parametrize(
    ("selector", "value"),
    [
        ("td.cat::text", "★★★★"),
        ({"css": "td.cat::text", "count": "★"}, "4"),
        ({"css": "td.duree::text", "regex": r"(\d+)\s*nuits"}, "14"),
        ({"css": "td.voyageurs::text", "regex": r"(\d+) enfants?"}, "1"),
        ({"css": "td.voyageurs::text", "regex": r"(\d+) bébés?"}, None),
        ({"xpath": "./td[@class='prix']/text()"}, "1.234,00 €"),
        ({"xpath": "@data-ref"}, "MV1"),
        ("::attr(data-ref)", "MV1"),
        ("td.nom", "Golden Sands"),  # an element stands for all its text
        ({"css": "td.nom ::text", "join": True}, "Golden Sands"),
        ("td.nom ::text", "Golden"),
        ("td.missing::text", None),
        ({"css": "small::text", "regex": r"dont (.+) de"}, "45,50 €"),
    ],
)
def test_value_selectors_read_text_regex_and_counts(selector, value):
    assert ValueSelector.model_validate(selector).read(ROW) == value


@pytest.mark.parametrize(
    ("decimal", "thousands", "text", "amount"),
    [
        (",", ".", "1.234,00 €", Decimal("1234")),
        (",", ".", "1.234,50 €", Decimal("1234.5")),
        (",", ".", "12,50 €", Decimal("12.5")),
        (",", ".", "1.234.567 €", Decimal("1234567")),
        (",", " ", "1 234,99 EUR", Decimal("1234.99")),
        (".", ",", "USD 1,234.56", Decimal("1234.56")),
        (".", "", "990", Decimal("990")),
        # "1.234" with "." declared for decimals is 1.234, where a guess would say 1234.
        (".", ",", "1.234 EUR", Decimal("1.234")),
        (",", ".", "sur demande", None),
    ],
)
def test_prices_are_read_with_the_declared_separators(decimal, thousands, text, amount):
    formats = Formats(decimal_separator=decimal, thousands_separator=thousands)
    assert parse_amount(text, formats.number_format) == amount


def test_scrapy_lists_declarative_operators():
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "mediterra" in result.stdout.split()
