"""Client records: list with filters, profile with the whole history, create and edit."""

from fastapi import APIRouter, Depends

from webapp.deps import current_user

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])
