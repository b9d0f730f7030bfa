"""Trips: created from a won lead, their dates and their pre-trip letter schedule."""

from fastapi import APIRouter, Depends

from webapp.deps import current_user

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])
