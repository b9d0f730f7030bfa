"""The managers' monthly KPI report (page and CSV) and the strategic planner.

A manager sees only their own KPI row, an admin every active manager's; there is no
parameter to ask for someone else's. The planner computes from query parameters (it
changes nothing, so its form is a GET).
"""

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from models.accounts.users import Capability
from models.care.kpi import (
    BadMonth,
    current_month,
    kpi_csv,
    kpi_history,
    kpi_report,
    next_month,
    parse_month,
    previous_month,
    report_managers,
)
from models.care.planner import (
    REVENUE_CURRENCY,
    PlanGap,
    compute_plan,
    crm_actuals,
    plan_against_actuals,
)
from tourscope.foundation.settings import get_settings
from webapp.deps import CurrentUser, SessionDep, current_user, needs
from webapp.forms.plan_form import (
    PLAN_FIELDS,
    PlanInputError,
    default_plan_values,
    parse_plan_input,
)
from webapp.kpi_chart import kpi_chart
from webapp.plan_chart import plan_chart
from webapp.routes.manager.common import NO_STORE, render

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])


def _month(request: Request) -> tuple[date, str | None]:
    """The month asked for (default: the current one), or the current one and the reason."""
    text = request.query_params.get("month", "")
    if not text:
        return current_month(), None
    try:
        return parse_month(text), None
    except BadMonth as error:
        return current_month(), f"{error}; the current month is shown."


@router.get("/kpi", response_class=HTMLResponse, dependencies=needs(Capability.KPI_OWN))
def kpi_page(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    month, error = _month(request)
    settings = get_settings()
    # The charts' months end with the month shown: its rows are the table's (the same
    # arithmetic), so the page runs the report's queries once.
    history = kpi_history(session, month, report_managers(session, user))
    rows = [months[-1] for months in history.values()]
    context = {
        "month": month,
        "rows": rows,
        "charts": {
            manager_id: kpi_chart(months, settings.kpi_weights)
            for manager_id, months in history.items()
        },
        "error": error,
        "typed_month": request.query_params.get("month", "")[:20],
        "previous_month": previous_month(month),
        "next_month": next_month(month),
        "weights": settings.kpi_weights,
        "sales_target": settings.kpi_sales_target,
    }
    return render(request, "manager/kpi.html", context, status_code=422 if error else 200)


@router.get("/kpi.csv", dependencies=needs(Capability.KPI_OWN))
def kpi_csv_download(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    month, error = _month(request)
    if error:
        return Response(error, status_code=422, media_type="text/plain", headers=NO_STORE)
    rows = kpi_report(session, month, report_managers(session, user))
    headers = {
        **NO_STORE,
        "Content-Disposition": f'attachment; filename="kpi-{month:%Y-%m}.csv"',
    }
    return Response(kpi_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/planner", response_class=HTMLResponse, dependencies=needs(Capability.ADMIN))
def planner_page(request: Request, session: SessionDep) -> HTMLResponse:
    """The plan from the typed inputs (the defaults at first), beside the CRM's last year."""
    params = request.query_params
    values = {
        name: params.get(name, default)[:40] for name, default in default_plan_values().items()
    }
    errors: dict[str, str] = {}
    plan = gap = None
    try:
        plan = compute_plan(parse_plan_input(values))
    except PlanInputError as error:
        errors = error.errors
    actuals = crm_actuals(session)
    if plan is not None:
        gap = PlanGap.between(plan, actuals)
    context = {
        "fields": PLAN_FIELDS,
        "values": values,
        "errors": errors,
        "plan": plan,
        "actuals": actuals,
        "gap": gap,
        "plan_chart": plan_chart(plan_against_actuals(plan, actuals)) if plan else None,
        "currency": REVENUE_CURRENCY,
    }
    return render(request, "manager/planner.html", context, status_code=422 if errors else 200)
