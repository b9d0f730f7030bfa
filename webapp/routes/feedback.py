"""The client's feedback form after a trip, opened only through its signed link.

`GET /feedback/{token}` shows the form; `POST` stores the answer and thanks the client.
A link that cannot be used says why: not valid (tampered, unknown) 404, expired 410,
answered already 409 (the page thanks the client; 409 tells a script the answer was
not stored again). Bad ratings or a long comment: 422, the form again with what was
typed. The page names the client by first name only. The token is a credential, so the
pages are neither cached nor sent on as a referrer.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from models.care.feedback import (
    MAX_COMMENT,
    AlreadyAnswered,
    FeedbackInputError,
    FeedbackRefused,
    LinkExpired,
    first_name,
    submit_feedback,
    verify_feedback_link,
)
from models.care.trips import Trip
from webapp import csrf
from webapp.deps import SessionDep
from webapp.routes.manager.common import form_text
from webapp.templating import templates

router = APIRouter(include_in_schema=False)

PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# Two ratings, a comment and the token: a form of more, or larger, is not ours.
FeedbackForm = Annotated[
    csrf.PostedForm,
    Depends(csrf.posted_form(max_files=0, max_fields=20, max_part_size=16 * 1024)),
]


def _refusal(request: Request, refusal: FeedbackRefused) -> HTMLResponse:
    if isinstance(refusal, AlreadyAnswered):
        status, title = 409, "Thank you, you have answered"
    elif isinstance(refusal, LinkExpired):
        status, title = 410, "This link has expired"
    else:
        status, title = 404, "This link is not valid"
    context = {"state": "refused", "title": title, "reason": str(refusal)}
    return templates.TemplateResponse(
        request, "feedback.html", context, status_code=status, headers=PRIVATE
    )


def _form(
    request: Request,
    trip: Trip,
    token: str,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "state": "form",
        "title": "How was your trip?",
        "trip": trip,
        "first_name": first_name(trip),
        "manager_name": trip.manager.display_name if trip.manager else None,
        "token": token,
        "typed": typed or {"manager_rating": "", "trip_rating": "", "comment": ""},
        "errors": errors or {},
        "message": message,
        "max_comment": MAX_COMMENT,
    }
    return templates.TemplateResponse(
        request, "feedback.html", context, status_code=status_code, headers=PRIVATE
    )


@router.get("/feedback/{token}", response_class=HTMLResponse)
def feedback_form(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    try:
        trip = verify_feedback_link(session, token)
    except FeedbackRefused as refusal:
        return _refusal(request, refusal)
    return _form(request, trip, token)


@router.post("/feedback/{token}", response_class=HTMLResponse)
async def feedback_answer(
    request: Request, token: str, session: SessionDep, posted: FeedbackForm
) -> HTMLResponse:
    form = posted.fields
    # Kept a little longer than allowed, so an over-long comment is refused, not cut.
    typed = {
        "manager_rating": form_text(form, "manager_rating", 5),
        "trip_rating": form_text(form, "trip_rating", 5),
        "comment": form_text(form, "comment", MAX_COMMENT + 1000),
    }
    return _answer(request, session, token, typed, posted.token_holds)


def _answer(
    request: Request, session: Session, token: str, typed: dict[str, str], token_holds: bool
) -> HTMLResponse:
    try:
        trip = verify_feedback_link(session, token)
    except FeedbackRefused as refusal:
        return _refusal(request, refusal)
    # The link first: a dead link says so whatever the form carries.
    if not token_holds:
        message = (
            "For your safety this form has expired; nothing was stored. "
            "Please check your answers below and send them again."
        )
        return _form(request, trip, token, typed=typed, message=message, status_code=403)
    try:
        submit_feedback(
            session, token, typed["manager_rating"], typed["trip_rating"], typed["comment"]
        )
    except FeedbackRefused as refusal:
        return _refusal(request, refusal)
    except FeedbackInputError as error:
        return _form(request, trip, token, typed=typed, errors=error.errors, status_code=422)
    session.commit()
    context = {"state": "thanks", "title": "Thank you!", "first_name": first_name(trip)}
    return templates.TemplateResponse(request, "feedback.html", context, headers=PRIVATE)
