"""The JSON API: hotel search and the health probe."""

import logging
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from models.queries import HotelResult, SearchFilters, ping_database, search_hotels
from webapp.deps import DatabaseUnavailable, SessionDep, SettingsDep, open_session

logger = logging.getLogger(__name__)

router = APIRouter()


class SearchResponse(BaseModel):
    """One page of matching hotels, cheapest first; prices are in `currency`."""

    currency: str
    total_hotels: int
    page: int
    pages: int
    page_size: int
    hotels: list[HotelResult]


class Health(BaseModel):
    status: str
    reason: str | None = None


@router.get("/api/search", response_model=SearchResponse, tags=["search"])
def search(
    filters: Annotated[SearchFilters, Query()], session: SessionDep, settings: SettingsDep
) -> SearchResponse:
    """Hotels with active offers matching the filters, each with its cheapest offer."""
    page = search_hotels(session, filters, settings.search_page_size)
    return SearchResponse(
        currency=settings.base_currency,
        total_hotels=page.total_hotels,
        page=page.page,
        pages=page.pages,
        page_size=page.page_size,
        hotels=page.hotels,
    )


@router.get(
    "/healthz",
    response_model=Health,
    response_model_exclude_none=True,
    responses={503: {"model": Health, "description": "The database is unreachable"}},
    tags=["ops"],
)
def healthz() -> Health | JSONResponse:
    """200 when the database answers `SELECT 1`, 503 with a reason otherwise."""
    try:
        with open_session() as session:
            ping_database(session)
    except (SQLAlchemyError, DatabaseUnavailable) as error:
        # The full error goes to the log only: it may name hosts and paths.
        logger.warning("health check failed: %s", error)
        health = Health(
            status="unavailable", reason=f"database unreachable ({type(error).__name__})"
        )
        return JSONResponse(status_code=503, content=health.model_dump())
    return Health(status="ok")
