"""Lead scoring: each rule of tourscope/config/lead_scoring.yaml, its reason, high value."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from models.leads.scoring import (
    ScoringConfigError,
    TripFacts,
    load_rules,
    score_lead,
    scoring_rules,
)
from tourscope.foundation.settings import CONFIG_DIR, get_settings

RULES = load_rules(CONFIG_DIR / "lead_scoring.yaml")


def score(**facts):
    return score_lead(TripFacts(**facts), RULES)


def test_the_shipped_rules_are_the_configured_ones():
    assert scoring_rules() == RULES
    assert RULES.high_value == 40


def test_a_plain_trip_scores_nothing():
    result = score(total_eur=Decimal("900"), stars=3, adults=2, nights=7)
    assert (result.score, result.reasons, result.high_value) == (0, [], False)


@pytest.mark.parametrize(
    ("total", "points", "reasons"),
    [
        ("5000", 0, []),
        ("5000.01", 30, ["total > 5,000 EUR"]),
        ("12000", 30, ["total > 5,000 EUR"]),
    ],
)
def test_total_price_above_the_threshold(total, points, reasons):
    result = score(total_eur=Decimal(total), adults=2)
    assert (result.score, result.reasons) == (points, reasons)


def test_an_unknown_price_earns_nothing():
    assert score(total_eur=None, adults=2).score == 0


@pytest.mark.parametrize(
    ("stars", "name", "points", "reasons"),
    [
        (5, "Sea Breeze", 20, ["5* hotel"]),
        (4, "Sea Breeze", 0, []),
        (4, "Antalya Palace", 15, ["premium hotel"]),
        (3, "Royal-deluxe Suites", 15, ["premium hotel"]),
        (None, "PALACE of the sea", 15, ["premium hotel"]),
        # Five stars and a premium name: one hotel, counted once (the better rule).
        (5, "Grand Palace", 20, ["5* hotel"]),
        # A word inside another word is not the word.
        (3, "Palacete Inn", 0, []),
    ],
)
def test_five_star_or_premium_hotel(stars, name, points, reasons):
    result = score(stars=stars, hotel_name=name, adults=2)
    assert (result.score, result.reasons) == (points, reasons)


@pytest.mark.parametrize(
    ("adults", "children", "points", "reasons"),
    [
        (2, 0, 0, []),
        (1, 1, 20, ["family of 2"]),
        (2, 2, 20, ["family of 4"]),
        (3, 0, 15, ["3 adults"]),
        (4, 1, 35, ["family of 5", "4 adults"]),
    ],
)
def test_party_with_children_or_more_than_two_adults(adults, children, points, reasons):
    result = score(adults=adults, children=children)
    assert (result.score, result.reasons) == (points, reasons)


@pytest.mark.parametrize(("nights", "points"), [(None, 0), (7, 0), (11, 0), (12, 10), (21, 10)])
def test_long_stay(nights, points):
    result = score(adults=2, nights=nights)
    assert result.score == points
    assert result.reasons == ([f"long stay ({nights} nights)"] if points else [])


def test_requested_extras_each_count_once_and_unknown_ones_not_at_all():
    result = score(
        adults=2,
        extras=("private_excursions", "car_with_driver", "car_with_driver", "spa", "extra_room"),
    )
    assert result.score == 15 + 15 + 20
    assert result.reasons == [
        "wants: private excursions",
        "wants: a car with driver",
        "wants: extra rooms (for family or friends)",
    ]


@pytest.mark.parametrize("code", ["private_excursions", "car_with_driver", "childrens_room"])
def test_each_listed_extra_has_points(code):
    assert score(adults=2, extras=(code,)).score == RULES.extras[code].points > 0


def test_high_value_from_the_threshold_and_the_reasons_a_manager_reads():
    family = score(
        total_eur=Decimal("6400"),
        stars=5,
        adults=2,
        children=2,
        nights=14,
        extras=("childrens_room",),
    )
    assert family.high_value
    assert family.score == 30 + 20 + 20 + 10 + 15
    assert family.reasons == [
        "total > 5,000 EUR",
        "5* hotel",
        "family of 4",
        "long stay (14 nights)",
        "wants: a children's room or a nanny",
    ]
    # Just under and just at the threshold.
    assert not score(stars=5, adults=3).high_value  # 35
    assert score(stars=5, adults=2, children=1).high_value  # 40


def test_another_rules_file_from_the_setting(tmp_path, monkeypatch):
    path = tmp_path / "rules.yaml"
    text = (CONFIG_DIR / "lead_scoring.yaml").read_text()
    path.write_text(text.replace("high_value: 40", "high_value: 10"))
    monkeypatch.setenv("TOURSCOPE_LEAD_SCORING_FILE", str(path))
    get_settings.cache_clear()
    try:
        assert scoring_rules().high_value == 10
        assert score_lead(TripFacts(adults=2, nights=14)).high_value
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("high_value: 40\n", "total_price"),
        ("[1, 2]", "(top level)"),
        ("high_value: [", "not valid YAML"),
    ],
)
def test_a_broken_rules_file_names_the_problem(tmp_path, text, problem):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(ScoringConfigError, match=re.escape(problem)):
        load_rules(path)


def test_a_misspelt_rule_is_an_error_not_a_silent_zero(tmp_path):
    text = (CONFIG_DIR / "lead_scoring.yaml").read_text()
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("min_nights:", "min_night:"))
    with pytest.raises(ScoringConfigError, match=r"long_stay\.min_night"):
        load_rules(path)
    with pytest.raises(ScoringConfigError, match="cannot read"):
        load_rules(Path(tmp_path / "missing.yaml"))
