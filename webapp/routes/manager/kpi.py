"""The managers' monthly KPI report (page and CSV) and the strategic planner."""

from fastapi import APIRouter, Depends

from webapp.deps import current_user

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])
