"""The KPI report (page and CSV) and the strategic planner, as managers and admins see them."""

import csv
import io
import re

import pytest

from models.care.kpi import current_month, next_month, previous_month
from tests.factories import make_march_rating, make_march_sale, make_user
from tests.webapp.manager.conftest import HTML


@pytest.fixture
def march(session, manager):
    """March 2026: Mia (the logged-in manager) won one client and a 5-star rating; Bob,
    whose name tries a spreadsheet formula, won one client."""
    bob = make_user(session, "bob@example.com", name='=HYPERLINK("http://evil.example","Bob")')
    for seller, name in ((manager, "Olga"), (bob, "Boris")):
        trip = make_march_sale(session, seller, name)
    make_march_rating(session, manager)
    session.commit()
    return trip


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


def test_a_manager_sees_only_their_own_kpis(as_manager, march):
    page = as_manager.get("/manager/kpi?month=2026-03&manager=2", headers=HTML)
    assert page.status_code == 200
    assert "KPIs, March 2026" in page.text
    assert "Mia Manager" in page.text and "HYPERLINK" not in page.text
    # 1 of 10 clients: 5 points; a 5-star average: 30; no letters and no calls: 0.
    assert "1 of 10 clients" in page.text and "average 5.00 from 1 rating" in page.text
    assert "<strong>35.00</strong> of 100" in page.text
    assert page.headers["cache-control"] == "no-store"

    download = as_manager.get("/manager/kpi.csv?month=2026-03&manager=2")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"] == 'attachment; filename="kpi-2026-03.csv"'
    header, *rows = csv_rows(download)
    assert header[:3] == ["month", "manager", "clients bought after first contact"]
    assert [row[1] for row in rows] == ["Mia Manager"]
    assert rows[0][-1] == "35.00"


def test_an_admin_sees_every_manager_and_a_safe_csv(as_admin, march):
    page = as_admin.get("/manager/kpi?month=2026-03", headers=HTML)
    assert page.status_code == 200
    assert "Mia Manager" in page.text and "Adam Admin</th>" not in page.text
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;Bob&#34;)" in page.text

    header, *rows = csv_rows(as_admin.get("/manager/kpi.csv?month=2026-03"))
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_name) == {"Mia Manager", '\'=HYPERLINK("http://evil.example","Bob")'}
    bob = by_name['\'=HYPERLINK("http://evil.example","Bob")']
    assert (bob["clients bought after first contact"], bob["total points"]) == ("1", "5.00")
    assert bob["average manager rating"] == "no ratings"


def test_months_default_step_and_refuse_nonsense(as_manager, manager):
    month = current_month()
    page = as_manager.get("/manager/kpi", headers=HTML)
    assert page.status_code == 200
    assert f"KPIs, {month:%B %Y}" in page.text
    assert f'href="/manager/kpi?month={previous_month(month):%Y-%m}"' in page.text
    assert f'href="/manager/kpi?month={next_month(month):%Y-%m}"' in page.text

    bad = as_manager.get("/manager/kpi?month=2026-13", headers=HTML)
    assert bad.status_code == 422
    assert "there is no month 13 in a year" in bad.text
    junk = as_manager.get("/manager/kpi?month=%3Cscript%3E", headers=HTML)
    assert junk.status_code == 422 and "<script>" not in junk.text
    assert as_manager.get("/manager/kpi.csv?month=March").status_code == 422


# The strategic planner is the agency's, so an admin's (issue 15).
def test_the_planner_computes_the_defaults_beside_the_crm(as_admin, march):
    page = as_admin.get("/manager/planner", headers=HTML)
    assert page.status_code == 200
    assert 'name="population" type="text" inputmode="decimal" value="200000"' in page.text
    assert "Market volume, USD" in page.text and "25,000,000" in page.text
    assert "2,500,000" in page.text  # the revenue needed
    assert "<td>3847</td><td>" in page.text  # clients needed, beside the CRM's
    # The CRM's own average price beside the assumed 500 USD, and the repeat purchases'
    # gap filled in.
    row = re.search(r"Average tour price, USD</th>(.*?)</tr>", page.text, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[0] == "500"
    repeat = re.search(r"Repeat purchases</th>(.*?)</tr>", page.text, re.S).group(1)
    assert all(cell.strip() for cell in re.findall(r"<td>([^<]*)</td>", repeat))


def test_the_planner_keeps_bad_input_and_says_why(as_admin):
    query = "population=-3&buying_share=abc&average_price=1500&target_share=120"
    page = as_admin.get(f"/manager/planner?{query}&purchases_per_client=1.3", headers=HTML)
    assert page.status_code == 422
    assert "Population of the catchment area</a>: must be at least 1" in page.text
    assert "&#39;abc&#39; is not a number" in page.text
    assert "Target market share, %</a>: must be at most 100" in page.text
    assert 'value="-3"' in page.text and 'value="abc"' in page.text
    assert "Average tour price" in page.text and "must be more than" not in page.text
