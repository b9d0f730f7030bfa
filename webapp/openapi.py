"""The OpenAPI schema, saying what the API really accepts.

A search filter left blank (`nights_max=`) means unset, as an HTML form sends its empty
inputs (models/catalog/search.py): each search parameter's schema says so, so a client
or a schema-driven tester reads the same rule the server applies.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from models.catalog.search_filters import SearchFilters

BLANK = {"type": "string", "pattern": r"^\s*$", "description": "blank: unset"}
_META = ("title", "description", "default")


def _or_blank(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") == "array":  # a blank repeat is dropped
        return {**schema, "items": {"anyOf": [schema["items"], BLANK]}}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], BLANK]}
    value = {key: item for key, item in schema.items() if key not in _META}
    meta = {key: schema[key] for key in _META if key in schema}
    return {"anyOf": [value, BLANK], **meta}


def document_blank_filters(schema: dict[str, Any]) -> dict[str, Any]:
    """Each search filter's query parameter also accepts a blank value."""
    filters = set(SearchFilters.model_fields)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if not filters <= names:  # only the operations that take the search filters
                continue
            for parameter in operation["parameters"]:
                if parameter["in"] == "query" and parameter["name"] in filters:
                    parameter["schema"] = _or_blank(parameter["schema"])
    return schema


def install_openapi(app: FastAPI) -> None:
    """The app's /openapi.json: FastAPI's, built once, with the blank-means-unset rule."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_blank_filters(
                get_openapi(title=app.title, version=app.version, routes=app.routes)
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
