"""The back office's charts as a reader meets them: the KPI page's months per manager and
the planner's plan against the CRM, each an SVG whose labelled figures are the page's."""

import html
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from models.care.kpi import kpi_report
from tests.factories import make_march_rating, make_march_sale, make_user
from tests.webapp.manager.conftest import HTML

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("Bob")</script> & Co'


@pytest.fixture
def spring(session, manager):
    """Mia (the logged-in manager, here since January 2026) won a client and a 5-star
    rating in March and did nothing in February; Bob, whose name is markup, joined in
    February and won a client in March."""
    manager.created_at = datetime(2026, 1, 5, tzinfo=UTC)
    bob = make_user(session, "bob@example.com", name=HOSTILE)
    bob.created_at = datetime(2026, 2, 10, tzinfo=UTC)
    for seller, name in ((manager, "Olga"), (bob, "Boris")):
        make_march_sale(session, seller, name)
    make_march_rating(session, manager)
    session.commit()
    return manager, bob


def kpi_charts(html: str) -> dict[int, str]:
    """Each manager's chart figure on a KPI page, by their id."""
    return {
        int(number): figure
        for number, figure in re.findall(
            r'<figure class="kpi-chart" id="kpi-chart-(\d+)">(.*?)</figure>', html, re.S
        )
    }


def svg_of(figure: str) -> ET.Element:
    """The chart's SVG, parsed as XML: it must be well-formed, escapes and all."""
    svg = re.search(r"<svg .*?</svg>", figure, re.S)[0]
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def bars(svg: ET.Element) -> dict[str, dict[str, str]]:
    """Month -> what its bar says: each part's points, the total and the written labels."""
    result = {}
    for bar in svg.iter(f"{SVG}g"):
        figures = {
            rect.get("data-part"): rect.get("data-points") for rect in bar.iter(f"{SVG}rect")
        }
        labels = [text.text for text in bar.iter(f"{SVG}text")]
        result[bar.get("data-month")] = {
            **figures,
            "total": bar.get("data-total"),
            "labels": labels,
        }
    return result


def assert_bars_stand_on_the_scale(svg: ET.Element) -> None:
    """Each bar's parts stack up from the baseline, sales first, each as tall as its
    points on the scale written beside the plot (0 at the baseline, 100 at the top)."""
    ticks = {text.text: float(text.get("y")) for text in svg.findall(f"{SVG}text")}
    lines = [float(line.get("y1")) for line in svg.findall(f"{SVG}line")]
    baseline, top = lines[0], lines[-1]
    assert ticks["0"] == pytest.approx(baseline + 4) and ticks["100"] == pytest.approx(top + 4)
    per_point = (baseline - top) / 100
    for bar in svg.iter(f"{SVG}g"):
        rects = bar.findall(f"{SVG}rect")
        assert [rect.get("data-part") for rect in rects] == ["sales", "feedback", "procedure"]
        bottom = baseline
        for rect in rects:
            y, height = float(rect.get("y")), float(rect.get("height"))
            assert y + height == pytest.approx(bottom, abs=0.11)
            assert height == pytest.approx(float(rect.get("data-points")) * per_point, abs=0.11)
            bottom = y


def test_an_admin_sees_a_chart_per_manager_with_the_reports_figures(as_admin, spring, session):
    mia, bob = spring
    page = as_admin.get("/manager/kpi?month=2026-03", headers=HTML)
    assert page.status_code == 200
    charts = kpi_charts(page.text)
    assert set(charts) == {mia.id, bob.id}

    for manager, months in (
        (mia, ["2026-01", "2026-02", "2026-03"]),
        (bob, ["2026-02", "2026-03"]),
    ):
        svg = svg_of(charts[manager.id])
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}desc") is not None
        assert_bars_stand_on_the_scale(svg)
        drawn = bars(svg)
        assert list(drawn) == months  # from the month the account was created
        for month in months:
            first = date(int(month[:4]), int(month[5:]), 1)
            [row] = kpi_report(session, first, [manager])
            bar = drawn[month]
            assert {part: bar[part] for part in row.points} == {
                part: str(points) for part, points in row.points.items()
            }
            assert bar["total"] == str(row.total) and str(row.total) in bar["labels"]
        # The month shown is the table's: its total is the bar's.
        assert f"<strong>{drawn['2026-03']['total']}</strong> of 100" in page.text

    mia_bars = bars(svg_of(charts[mia.id]))
    assert mia_bars["2026-03"]["total"] == "35.00"
    # February had nothing: a bar that says 0, under its month, not a gap.
    assert mia_bars["2026-02"]["total"] == "0.00"
    assert mia_bars["2026-02"]["labels"][:2] == ["0.00", "Feb"]
    # The screen reader's table holds the same figures.
    assert re.search(r"<th scope=\"row\">February 2026</th><td>0.00</td>", charts[mia.id])
    assert "<script" not in page.text.split("</main>")[0].split("<main")[1]


def test_a_manager_sees_only_their_own_chart(as_manager, spring):
    mia, _bob = spring
    page = as_manager.get("/manager/kpi?month=2026-03", headers=HTML)
    assert list(kpi_charts(page.text)) == [mia.id]
    assert "Boris" not in page.text and "Co</" not in page.text


def test_a_managers_name_is_text_in_the_chart(as_admin, spring):
    _mia, bob = spring
    figure = kpi_charts(as_admin.get("/manager/kpi?month=2026-03", headers=HTML).text)[bob.id]
    assert "<script>" not in figure
    assert "&lt;script&gt;alert(&#34;Bob&#34;)&lt;/script&gt; &amp; Co" in figure
    title = svg_of(figure).find(f"{SVG}title").text
    assert HOSTILE in title  # the XML parser reads back the name itself


def test_a_year_of_months_at_most(as_manager, manager, session):
    manager.created_at = datetime(2020, 1, 1, tzinfo=UTC)
    session.commit()
    page = as_manager.get("/manager/kpi?month=2026-03", headers=HTML)
    drawn = bars(svg_of(kpi_charts(page.text)[manager.id]))
    months = list(drawn)
    assert (months[0], months[-1], len(months)) == ("2025-04", "2026-03", 12)
    assert all(bar["total"] == "0.00" for bar in drawn.values())


def planner_table(page: str) -> dict[str, list[str]]:
    """The planner table's rows: name -> its printed cells (plan, CRM, gap)."""
    table = re.search(r'<table class="data-table planner-table">.*?</table>', page, re.S)[0]
    return {
        html.unescape(name): [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", cells, re.S)]
        for name, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    }


# The planner is the admin's (issue 15's roles).
def test_the_planner_chart_shows_the_tables_plan_and_crm(as_admin, spring):
    page = as_admin.get("/manager/planner?target_share=0.01", headers=HTML)
    assert page.status_code == 200
    figure = re.search(r'<figure class="plan-chart".*?</figure>', page.text, re.S)[0]
    svg = svg_of(figure)
    assert svg.get("role") == "img" and svg.find(f"{SVG}desc") is not None
    table = planner_table(page.text)
    names = {
        "tours": "Tours (the agency's)",
        "clients": "Clients who buy",
        "repeat_purchases": "Repeat purchases",
        "revenue": "Revenue, USD",
    }
    pairs = list(svg.iter(f"{SVG}g"))
    assert [pair.get("data-figure") for pair in pairs] == list(names)
    longest_bar = max(float(rect.get("width")) for rect in svg.iter(f"{SVG}rect"))
    for pair in pairs:
        printed_plan, printed_crm, _gap = table[names[pair.get("data-figure")]]
        assert (pair.get("data-plan"), pair.get("data-actual")) == (printed_plan, printed_crm)
        labels = [text.text for text in pair.iter(f"{SVG}text")]
        assert f"Plan {printed_plan}" in labels and f"CRM {printed_crm}" in labels
        plan_bar, crm_bar = pair.findall(f"{SVG}rect")
        # The longer bar of a pair spans the plot; the other is in proportion.
        plan, crm = (float(n.replace(",", "")) for n in (printed_plan, printed_crm))
        widths = float(plan_bar.get("width")), float(crm_bar.get("width"))
        assert max(widths) == longest_bar
        assert widths[0] * crm == pytest.approx(widths[1] * plan, rel=0.01, abs=0.1)
    # 0.01% of the market's 50,000 tours is 5; the CRM's year has the spring's 3 trips.
    tours = pairs[0]
    assert (tours.get("data-plan"), tours.get("data-actual")) == ("5", "3")
    assert "Tours (the agency's): 60% of the plan" in [t.text for t in tours.iter(f"{SVG}text")]


def test_the_planner_draws_no_chart_without_a_plan(as_admin):
    page = as_admin.get("/manager/planner?population=-3", headers=HTML)
    assert page.status_code == 422 and "plan-chart" not in page.text


def test_the_charts_speak_russian(app, spring, admin):
    from tests.webapp.manager.conftest import log_in

    mia, _bob = spring
    with TestClient(app, follow_redirects=False) as client:  # asks for no language: Russian
        assert log_in(client, mia.email).status_code == 303
        kpi = client.get("/manager/kpi?month=2026-03").text
        assert log_in(client, admin.email).status_code == 303  # the planner is the admin's
        planner = client.get("/manager/planner").text
    figure = kpi_charts(kpi)[mia.id]
    labels = [text.text for text in svg_of(figure).iter(f"{SVG}text")]
    assert {"Продажи", "Отзывы", "Регламент", "янв.", "февр.", "март"} <= set(labels)
    assert "Баллы по месяцам" in kpi and "Sales" not in figure and "Feb" not in labels
    chart = re.search(r'<figure class="plan-chart".*?</figure>', planner, re.S)[0]
    assert "Годовой план и последние 12 месяцев по CRM" in chart and "План на год" in chart
    assert "of the plan" not in chart and "плана" in chart


def test_a_figure_the_plan_does_not_ask_for_says_so(as_admin, spring):
    """One purchase per client plans no repeat purchase: the chart says "no plan" rather
    than a share of nothing, and a pair of zeros draws two empty bars, not an error."""
    page = as_admin.get("/manager/planner?purchases_per_client=1", headers=HTML)
    svg = svg_of(re.search(r'<figure class="plan-chart".*?</figure>', page.text, re.S)[0])
    [repeat] = [g for g in svg.iter(f"{SVG}g") if g.get("data-figure") == "repeat_purchases"]
    assert (repeat.get("data-plan"), repeat.get("data-actual")) == ("0", "0")
    assert "Repeat purchases: no plan" in [text.text for text in repeat.iter(f"{SVG}text")]
    assert [rect.get("width") for rect in repeat.iter(f"{SVG}rect")] == ["0.0", "0.0"]
