"""Pre-trip letters due and overdue, their drafts and sending; admins edit the templates."""

from fastapi import APIRouter, Depends

from webapp.deps import current_user

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])
