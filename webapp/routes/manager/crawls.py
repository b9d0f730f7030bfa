"""The admins' crawl health page, where doubtful hotel matches are confirmed or split."""

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from models.catalog.hotel_merges import HotelIdentityError
from models.catalog.match_reviews import confirm_match, split_match
from models.crawls.health import operator_health, pending_matches
from models.crawls.hotel_admin import hotel_card, recent_merges
from webapp.csrf import CheckedForm
from webapp.deps import AdminUser, RowId, SessionDep, admin_user
from webapp.routes.manager.common import parse_id, render

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(admin_user)])

DONE_MESSAGES = {
    "confirmed": "The match is confirmed: the two hotels, with all their operators' hotels "
    "and offers, are now one.",
    "split": "The hotels are kept apart.",
    "undone": "The merge is undone: the operators' hotels and their offers moved back.",
    "renamed": "The hotel is renamed; its name no longer follows the operators' spellings.",
    "alias_split": "The operator's hotel has a hotel of its own now.",
}


def health_page(
    request: Request, session: SessionDep, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    """The page, with an error from a refused form when there is one."""
    typed_hotel = request.query_params.get("hotel", "")
    hotel_number = parse_id(typed_hotel) if typed_hotel else None
    context = {
        "operators": operator_health(session),
        "matches": pending_matches(session),
        "merges": recent_merges(session),
        "typed_hotel": typed_hotel[:20],
        "hotel": hotel_card(session, hotel_number) if hotel_number else None,
        "now": datetime.now(UTC),
        "error": error,
        "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
    }
    return render(request, "manager/crawls.html", context, status_code=status_code)


def refused(request: Request, session: SessionDep, reason: str, status_code: int) -> Response:
    """The page again, saying why the admin's change was refused (and nothing of it kept)."""
    session.rollback()
    return health_page(request, session, error=reason, status_code=status_code)


@router.get("/crawls", response_class=HTMLResponse)
def crawls_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Each operator's last runs, its offers' freshness, and the matches to review."""
    return health_page(request, session)


async def _resolve(request: Request, session: SessionDep, review_id: int, resolve) -> Response:
    try:
        resolution = resolve(session, review_id)
    except HotelIdentityError as error:
        return refused(request, session, str(error), 409)
    session.commit()
    return RedirectResponse(f"/manager/crawls?done={resolution.status}", status_code=303)


@router.post("/crawls/reviews/{review_id}/confirm")
async def confirm_review(
    request: Request, review_id: RowId, session: SessionDep, user: AdminUser, _form: CheckedForm
) -> Response:
    def confirm(session, number):
        return confirm_match(session, number, by_user_id=user.id)

    return await _resolve(request, session, review_id, confirm)


@router.post("/crawls/reviews/{review_id}/split")
async def split_review(
    request: Request, review_id: RowId, session: SessionDep, _form: CheckedForm
) -> Response:
    return await _resolve(request, session, review_id, split_match)
