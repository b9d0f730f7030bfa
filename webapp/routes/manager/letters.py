"""Pre-trip letters due and overdue, their drafts and sending; admins edit the templates."""

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from models.accounts.users import Capability
from models.agency_time import agency_today
from models.base import utcnow
from models.care.letter_checklists import sample_context
from models.care.letter_queries import DueLetterFilters, due_letters
from models.care.letter_schedule import letter_label
from models.care.letter_templates import (
    MAX_BODY_LENGTH,
    MAX_SUBJECT_LENGTH,
    VARIABLES,
    LetterError,
    LetterTextError,
    render_template,
    reset_template,
    save_template,
    template_for,
    template_keys,
    validate_template,
)
from models.care.letters import draft_letter, find_letter, send_letter
from models.care.trips import LetterStatus, TripLetter
from tourscope.foundation.i18n import LOCALES, current_locale, lazy_gettext
from webapp.csrf import CheckedForm
from webapp.deps import AdminUser, CurrentUser, RowId, SessionDep, current_user, needs
from webapp.routes.manager.common import form_text, not_found, render

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])

# Shown after an action, in the reader's language (lazy: translated when shown).
DONE_MESSAGES = {
    "sent": lazy_gettext("The letter is sent: it is in the outbox and goes out within minutes."),
    "saved": lazy_gettext("The template is saved; letters use it from now on."),
    "reset": lazy_gettext("The template is back to the default text."),
}
# A refused edit is shown again as typed, up to twice what may be sent: enough to see and
# shorten it, without echoing an unbounded form back.
TYPED_SUBJECT_LIMIT = 2 * MAX_SUBJECT_LENGTH
TYPED_BODY_LIMIT = 2 * MAX_BODY_LENGTH


@router.get("/letters", response_class=HTMLResponse, dependencies=needs(Capability.LETTERS))
def letters_page(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """Letters due today and overdue: my trips' by default, everyone's with ?manager=all."""
    error = None
    try:
        filters = DueLetterFilters.model_validate(dict(request.query_params))
    except ValidationError:
        error = "choose whose letters to show: mine or all"
        filters = DueLetterFilters()
    rows = due_letters(
        session,
        agency_today(),
        user if filters.manager == "mine" else None,
    )
    context = {"filters": filters, "rows": rows, "error": error}
    return render(request, "manager/letters.html", context, status_code=422 if error else 200)


def _letter_page(
    request: Request,
    session: SessionDep,
    letter: TripLetter,
    *,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    invalid: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The letter: as sent, or the draft as it would go out now (or why it cannot), in
    fields the manager may edit; `typed` is a refused edit, shown again as typed."""
    draft, draft_error = None, None
    if letter.status != LetterStatus.SENT:
        try:
            draft = draft_letter(session, letter, utcnow())
        except LetterError as failure:
            draft_error = str(failure)
    context = {
        "letter": letter,
        "label": letter_label(letter.template_key),
        "trip": letter.trip,
        "client": letter.trip.client,
        "draft": draft,
        "draft_error": draft_error,
        "error": error,
        "typed": typed or {},
        "invalid": invalid,
        "max_subject": MAX_SUBJECT_LENGTH,
        "max_body": MAX_BODY_LENGTH,
        "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
        "today": agency_today(),
    }
    return render(request, "manager/letter.html", context, status_code=status_code)


@router.get(
    "/letters/{letter_id}", response_class=HTMLResponse, dependencies=needs(Capability.LETTERS)
)
def letter_page(request: Request, letter_id: RowId, session: SessionDep) -> HTMLResponse:
    letter = find_letter(session, letter_id)
    if letter is None:
        return not_found(request, "letter", letter_id)
    return _letter_page(request, session, letter)


@router.post("/letters/{letter_id}/send", dependencies=needs(Capability.LETTERS))
async def letter_send(
    request: Request, letter_id: RowId, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    """Send the letter now, with the subject and body as the manager left them (the draft
    when the form has no such fields); the page with the reason and the text kept (422)
    when the edit cannot be sent, or with the reason (409) when the letter cannot go."""
    letter = find_letter(session, letter_id)
    if letter is None:
        return not_found(request, "letter", letter_id)
    subject = form_text(form, "subject", TYPED_SUBJECT_LIMIT) if "subject" in form else None
    body = form_text(form, "body", TYPED_BODY_LIMIT) if "body" in form else None
    try:
        send_letter(session, letter, user, utcnow(), subject=subject, body=body)
    except LetterError as error:
        session.rollback()
        letter = find_letter(session, letter.id)
        if isinstance(error, LetterTextError):
            typed = {
                name: value
                for name, value in (("subject", subject), ("body", body))
                if value is not None
            }
            return _letter_page(
                request,
                session,
                letter,
                error=str(error),
                typed=typed,
                invalid=error.field,
                status_code=422,
            )
        return _letter_page(request, session, letter, error=str(error), status_code=409)
    session.commit()
    return RedirectResponse(f"/manager/letters/{letter.id}?done=sent", status_code=303)


def _language(request: Request) -> str | None:
    """The template language asked for (`?language=`), by default the one the admin reads
    the back office in; None for a language we do not write letters in."""
    language = request.query_params.get("language") or current_locale()
    return language if language in LOCALES else None


def _template_url(key: str, language: str, done: str | None = None) -> str:
    query = {"language": language, **({"done": done} if done else {})}
    return f"/manager/templates/{key}?{urlencode(query)}"


@router.get("/templates", response_class=HTMLResponse, dependencies=needs(Capability.ADMIN))
def templates_page(request: Request, session: SessionDep, user: AdminUser) -> HTMLResponse:
    """Every letter's template in each language, edited by an admin or the default."""
    rows = [
        (letter_label(key), [template_for(session, key, language) for language in LOCALES])
        for key in template_keys(session)
    ]
    context = {
        "rows": rows,
        "languages": LOCALES,
        "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
    }
    return render(request, "manager/templates.html", context)


def _template_page(
    request: Request,
    key: str,
    language: str,
    subject: str,
    body: str,
    *,
    edited: bool,
    error: str | None = None,
    status_code: int = 200,
    draft: bool = False,
) -> HTMLResponse:
    """The editor of one language's version, with the text (saved or as typed), its
    preview on the sample client of that language, and links to the other languages."""
    preview = None
    if error is None:
        try:
            validate_template(subject, body, language)
            preview = _preview(key, language, subject, body)
        except LetterError as failure:
            error = str(failure)
    context = {
        "key": key,
        "language": language,
        "languages": [(code, name, _template_url(key, code)) for code, name in LOCALES.items()],
        "action": _template_url(key, language),
        "reset_action": f"/manager/templates/{key}/reset?{urlencode({'language': language})}",
        "label": letter_label(key),
        "subject": subject,
        "body": body,
        "edited": edited,
        "preview": preview,
        "draft": draft,
        "error": error,
        "variables": VARIABLES,
        "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
    }
    return render(request, "manager/template_edit.html", context, status_code=status_code)


def _preview(key: str, language: str, subject: str, body: str) -> tuple[str, str]:
    return render_template(subject, body, sample_context(key, language=language))


@router.get("/templates/{key}", response_class=HTMLResponse, dependencies=needs(Capability.ADMIN))
def template_page(request: Request, key: str, session: SessionDep, user: AdminUser) -> Response:
    language = _language(request)
    if key not in template_keys(session) or language is None:
        return not_found(request, "letter template", repr(key[:20]))
    template = template_for(session, key, language)
    return _template_page(
        request, key, language, template.subject, template.body, edited=template.edited
    )


@router.post("/templates/{key}", dependencies=needs(Capability.ADMIN))
async def template_save(
    request: Request, key: str, session: SessionDep, user: AdminUser, form: CheckedForm
) -> Response:
    """Save the admin's template in one language; refused (422, the text kept) when it
    would not render. The other languages' versions are untouched."""
    language = _language(request)
    if key not in template_keys(session) or language is None:
        return not_found(request, "letter template", repr(key[:20]))
    subject = form_text(form, "subject", 1000)
    body = form_text(form, "body", 50_000).replace("\r\n", "\n")
    if form.get("intent") == "preview":
        # The draft on the sample client, nothing saved: an edit is seen before it is live.
        edited = template_for(session, key, language).edited
        # Off the event loop, as a save: the draft renders with the same time limit.
        return await run_in_threadpool(
            _template_page, request, key, language, subject, body, edited=edited, draft=True
        )
    try:
        # Off the event loop: the render's time limit must not stall other requests.
        await run_in_threadpool(save_template, session, key, subject, body, user, language=language)
    except LetterError as error:
        session.rollback()
        edited = template_for(session, key, language).edited
        return _template_page(
            request, key, language, subject, body, edited=edited, error=str(error), status_code=422
        )
    session.commit()
    return RedirectResponse(_template_url(key, language, "saved"), status_code=303)


@router.post("/templates/{key}/reset", dependencies=needs(Capability.ADMIN))
async def template_reset(
    request: Request, key: str, session: SessionDep, user: AdminUser, _form: CheckedForm
) -> Response:
    language = _language(request)
    if key not in template_keys(session) or language is None:
        return not_found(request, "letter template", repr(key[:20]))
    reset_template(session, key, language=language)
    session.commit()
    return RedirectResponse(_template_url(key, language, "reset"), status_code=303)
