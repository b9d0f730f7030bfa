"""One value per scalar query parameter of the JSON API.

Starlette keeps every value of a repeated parameter and FastAPI reads the last one of a
scalar, so `?stars_min=3&stars_min=5` would silently mean 5. The API's schema says a
scalar is given once: a repeated one is refused with a 422 that names it. Parameters the
schema declares as lists (`resorts`, `children_ages`, `operators`) repeat by design.
"""

import json
from collections import Counter
from typing import get_origin
from urllib.parse import parse_qsl

from models.catalog.search_filters import SearchFilters

LIST_PARAMETERS = frozenset(
    name
    for name, field in SearchFilters.model_fields.items()
    if get_origin(field.annotation) is list
)


class RepeatedParameterGuard:
    """ASGI middleware: a 422 for an /api/ request that repeats a scalar query parameter."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            query = scope.get("query_string", b"").decode("latin-1")
            counts = Counter(name for name, _ in parse_qsl(query, keep_blank_values=True))
            repeated = sorted(n for n, c in counts.items() if c > 1 and n not in LIST_PARAMETERS)
            if repeated:
                await _refuse(send, repeated)
                return
        await self.app(scope, receive, send)


async def _refuse(send, names: list[str]) -> None:
    detail = [
        {"loc": ["query", name], "msg": "give this parameter once", "type": "repeated_parameter"}
        for name in names
    ]
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 422, "headers": headers})
    await send({"type": "http.response.body", "body": body})
