"""The contact centre's call list: each manager's daily plan, progress and call outcomes."""

from fastapi import APIRouter, Depends

from webapp.deps import current_user

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])
