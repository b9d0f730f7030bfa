"""Admins' changes to canonical hotels, from the crawl health page: rename a hotel, undo a
merge, split one operator's hotel off (models/catalog/hotel_merges.py does the work)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, StringConstraints, ValidationError

from models.catalog.display_names import MAX_NAME
from models.catalog.hotel_merges import HotelIdentityError, rename_hotel, split_alias, undo_merge
from webapp.csrf import CheckedForm
from webapp.deps import AdminUser, RowId, SessionDep, admin_user
from webapp.routes.manager.crawls import refused

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(admin_user)])


class HotelNameForm(BaseModel):
    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)
    ]


def _name_error(error: ValidationError) -> str:
    if any(e["type"] == "string_too_long" for e in error.errors()):
        return f"A hotel name has at most {MAX_NAME} characters."
    return "Type the hotel's name: it cannot be blank."


def _done(what: str, hotel_id: int | None = None) -> RedirectResponse:
    shown = f"&hotel={hotel_id}" if hotel_id else ""
    return RedirectResponse(f"/manager/crawls?done={what}{shown}#hotels", status_code=303)


@router.post("/hotels/{hotel_id}/name")
async def rename(
    request: Request, hotel_id: RowId, session: SessionDep, form: CheckedForm
) -> Response:
    try:
        name = HotelNameForm.model_validate({"name": form.get("name") or ""}).name
    except ValidationError as error:
        return refused(request, session, _name_error(error), 422)
    try:
        rename_hotel(session, hotel_id, name)
    except HotelIdentityError as error:
        return refused(request, session, str(error), 404)
    session.commit()
    return _done("renamed", hotel_id)


@router.post("/crawls/merges/{merge_id}/undo")
async def undo(
    request: Request, merge_id: RowId, session: SessionDep, user: AdminUser, _form: CheckedForm
) -> Response:
    try:
        undo_merge(session, merge_id, by_user_id=user.id)
    except HotelIdentityError as error:
        return refused(request, session, str(error), 409)
    session.commit()
    return _done("undone")


@router.post("/crawls/aliases/{alias_id}/split")
async def split_off(
    request: Request, alias_id: RowId, session: SessionDep, _form: CheckedForm
) -> Response:
    try:
        hotel = split_alias(session, alias_id)
    except HotelIdentityError as error:
        return refused(request, session, str(error), 409)
    session.commit()
    return _done("alias_split", hotel.id)
