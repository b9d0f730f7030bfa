"""`/docs`: Swagger UI over our OpenAPI schema, served from our own origin.

FastAPI's default page loads Swagger UI from a CDN (a blank page offline, and a script
from elsewhere that the Content-Security-Policy would refuse); the files are vendored in
webapp/static/swagger-ui/ and started by a static script, not an inline one.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from webapp.templating import templates

router = APIRouter()


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def swagger_ui(request: Request) -> HTMLResponse:
    context = {"title": request.app.title, "openapi_url": request.app.openapi_url}
    return templates.TemplateResponse(request, "swagger_ui.html", context)
