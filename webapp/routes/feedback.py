"""The client's feedback form after a trip, opened only through its signed link."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
