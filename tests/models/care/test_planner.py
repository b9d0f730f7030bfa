"""The strategic planner: the plan's arithmetic, its inputs, and the CRM's last 12 months."""

from datetime import UTC, date, datetime
from decimal import Decimal

from models.care.planner import (
    COMPARED,
    Comparison,
    CrmActuals,
    PlanGap,
    compute_plan,
    crm_actuals,
    plan_against_actuals,
)
from tests.factories import make_client, make_trip
from webapp.forms.plan_form import default_plan_values, parse_plan_input

# 10 May 2026, 12:00 in Moscow: the last 12 months begin on 10 May 2025 (00:00 Moscow,
# 9 May 21:00 UTC).
NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)


def test_the_default_plan():
    plan = compute_plan(parse_plan_input(default_plan_values()))
    # The owner's figures: 200 000 people, 25 % buying a tour a year at 500 USD, 10 % share.
    assert plan.market_tours == 50_000
    assert plan.market_volume == Decimal("25000000.00")
    assert plan.tours_needed == 5_000  # 10 % of the market
    assert plan.revenue_needed == Decimal("2500000.00")
    assert plan.clients_needed == 3_847  # 5 000 / 1.3, rounded up
    assert plan.repeat_purchases_needed == 1_153
    assert plan.repeat_share == Decimal("23.1")


def test_an_uneven_plan_rounds_tours_and_clients_up():
    plan = compute_plan(
        parse_plan_input(
            {
                "population": "12 345",
                "buying_share": "7,5",
                "average_price": "1234.56",
                "target_share": "3.3",
                "purchases_per_client": "1.5",
            }
        )
    )
    assert plan.market_tours == Decimal("925.875")
    assert plan.market_volume == Decimal("1143048.24")
    assert plan.tours_needed == 31  # 30.55...
    assert plan.revenue_needed == Decimal("37720.59")
    assert (plan.clients_needed, plan.repeat_purchases_needed) == (21, 10)


def trip_at(session, client, created: datetime, price: str, currency="EUR", status="booked"):
    return make_trip(
        session, client, created_at=created, price=price, currency=currency, status=status
    )


def test_the_crm_actuals_of_the_last_12_months(session):
    anna, boris, clara, dmitri, emil = (
        make_client(session, name=name) for name in ("Anna", "Boris", "Clara", "Dmitri", "Emil")
    )
    trip_at(session, anna, datetime(2024, 1, 1, tzinfo=UTC), "9999.00")  # before: not counted
    trip_at(session, anna, datetime(2025, 6, 1, tzinfo=UTC), "1000.00")  # repeat
    trip_at(session, boris, datetime(2025, 7, 1, tzinfo=UTC), "2000.00")
    trip_at(session, boris, datetime(2026, 1, 10, tzinfo=UTC), "1000.00", "USD")  # repeat
    trip_at(session, clara, datetime(2026, 3, 1, tzinfo=UTC), "500.00", status="cancelled")
    trip_at(session, clara, datetime(2026, 4, 1, tzinfo=UTC), "1500.00")  # her first booked
    # 23:30 on 9 May 2025 in Moscow: before the window; 00:30 on 10 May: inside, a repeat.
    trip_at(session, dmitri, datetime(2025, 5, 9, 20, 30, tzinfo=UTC), "700.00")
    trip_at(session, dmitri, datetime(2025, 5, 9, 21, 30, tzinfo=UTC), "300.00")
    trip_at(session, emil, datetime(2026, 2, 1, tzinfo=UTC), "100.00", "XXX")  # no rate
    session.commit()

    actuals = crm_actuals(session, NOW)
    assert actuals.since == date(2025, 5, 10)
    assert (actuals.trips, actuals.clients, actuals.repeat_trips) == (6, 5, 3)
    assert actuals.repeat_share == Decimal("50.0")
    # In USD at the built-in 0.92 EUR a dollar, each trip rounded to the cent:
    # 1086.96 + 2173.91 + 1000 + 1630.43 + 326.09
    assert actuals.revenue == Decimal("6217.39")
    assert actuals.unconverted_trips == 1
    assert actuals.average_price == Decimal("1243.48")  # over the 5 converted trips

    gap = PlanGap.between(compute_plan(parse_plan_input(default_plan_values())), actuals)
    assert (gap.tours, gap.clients, gap.repeat_purchases) == (4994, 3842, 1150)
    assert gap.revenue == Decimal("2493782.61")
    assert gap.average_price == Decimal("-743.48")  # the CRM sells dearer than assumed
    assert gap.repeat_share_points == Decimal("-26.9")


def test_an_empty_crm(session):
    actuals = crm_actuals(session, NOW)
    assert (actuals.trips, actuals.clients, actuals.revenue) == (0, 0, Decimal("0.00"))
    assert actuals.repeat_share is None
    gap = PlanGap.between(compute_plan(parse_plan_input(default_plan_values())), actuals)
    assert gap.repeat_share_points is None and gap.tours == 5000
    assert actuals.average_price is None and gap.average_price is None


def test_the_plan_against_the_crm_figure_by_figure():
    plan = compute_plan(parse_plan_input(default_plan_values()))
    actuals = CrmActuals(
        since=date(2025, 5, 10),
        trips=1_250,
        clients=1_000,
        repeat_trips=250,
        revenue=Decimal("1875000.50"),
        unconverted_trips=0,
    )
    pairs = plan_against_actuals(plan, actuals)
    assert [pair.figure for pair in pairs] == list(COMPARED)
    assert [(pair.plan, pair.actual, pair.percent_of_plan) for pair in pairs] == [
        (5_000, 1_250, 25),
        (3_847, 1_000, 26),  # 25.99 %
        (1_153, 250, 22),  # 21.68 %
        (Decimal("2500000.00"), Decimal("1875000.50"), 75),
    ]
    # Ahead of the plan reads above 100; a plan of nothing has no share.
    assert Comparison("tours", 4, 10).percent_of_plan == 250
    assert Comparison("repeat_purchases", 0, 3).percent_of_plan is None
    assert Comparison("tours", 8, 1).percent_of_plan == 13  # 12.5 rounds half up
