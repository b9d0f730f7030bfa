"""Sweep planning: queries inside a protocol's documented limits and the request budget."""

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from crawler.sweep import ProtocolLimits, SweepConfig, SweepPlan, plan_queries, split_span

TODAY = date(2026, 12, 1)
TEZ_LIMITS = ProtocolLimits(max_window_days=20, max_nights_span=8, requests_per_minute=50)


def test_a_30_day_window_becomes_windows_within_the_20_day_limit():
    sweep = SweepConfig(departures=["MOW"], countries=["TR"], days_ahead=(0, 30), nights=(7, 7))
    queries = plan_queries(sweep, TEZ_LIMITS, TODAY)
    windows = [(q.date_from, q.date_to) for q in queries]
    assert windows == [
        (TODAY, TODAY + timedelta(days=20)),
        (TODAY + timedelta(days=21), TODAY + timedelta(days=30)),
    ]
    assert all((last - first).days <= 20 for first, last in windows)


def test_a_wide_nights_range_is_split_within_the_8_night_span():
    sweep = SweepConfig(departures=["MOW"], countries=["TR"], days_ahead=(3, 10), nights=(3, 21))
    spans = [(q.nights_min, q.nights_max) for q in plan_queries(sweep, TEZ_LIMITS, TODAY)]
    assert spans == [(3, 11), (12, 20), (21, 21)]


def test_every_departure_country_and_party_is_asked():
    sweep = SweepConfig(
        departures=["MOW", "LED"],
        countries=["TR", "EG", "AE"],
        parties=[{"adults": 2}, {"adults": 2, "children_ages": [5, 9]}],
        days_ahead=(3, 30),
    )
    queries = plan_queries(sweep, TEZ_LIMITS, TODAY)
    assert len(queries) == 2 * 3 * 2 * 2  # two date windows each
    assert {(q.departure, q.country, q.children_ages) for q in queries} == {
        (d, c, ages) for d in ("MOW", "LED") for c in ("TR", "EG", "AE") for ages in ((), (5, 9))
    }


def test_without_limits_one_query_covers_the_whole_range():
    sweep = SweepConfig(departures=["MOW"], countries=["TR"], days_ahead=(3, 90), nights=(1, 30))
    assert len(plan_queries(sweep, ProtocolLimits(), TODAY)) == 1


def test_the_budget_and_the_per_minute_cap_bound_a_plan():
    sweep = SweepConfig(departures=["MOW"], countries=["TR", "EG"], days_ahead=(0, 60))
    queries = plan_queries(sweep, TEZ_LIMITS, TODAY)
    plan = SweepPlan(queries, reference_requests=7, requests_per_query=2, budget=20)
    assert plan.request_count == 7 + 2 * len(queries) == 19 and not plan.over_budget
    assert SweepPlan(queries, 7, 3, budget=20).over_budget
    assert SweepPlan(queries * 10, 0, 1, 100).minutes_at_least(TEZ_LIMITS) == pytest.approx(
        (60 - 50) / 50
    )


def test_split_span_covers_every_value_once():
    for first, last, widest in [(0, 0, 5), (0, 45, 20), (3, 21, 8), (1, 30, 1)]:
        spans = split_span(first, last, widest)
        covered = [value for low, high in spans for value in range(low, high + 1)]
        assert covered == list(range(first, last + 1))
        assert all(high - low <= widest for low, high in spans)


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"days_ahead": (30, 3)}, "days_ahead"),
        ({"nights": (0, 7)}, "nights"),
        ({"departures": []}, "departures"),
        ({"parties": [{"adults": 2, "children_ages": [19]}]}, "0..17"),
    ],
)
def test_a_bad_sweep_is_refused_with_the_reason(bad, words):
    with pytest.raises(ValidationError, match=words):
        SweepConfig(**{"departures": ["MOW"], "countries": ["TR"], **bad})
