"""Jinja rendering for the operators that publish HTML."""

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

_environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
)


def render(request: Request, template: str, **context) -> HTMLResponse:
    html = _environment.get_template(template).render(request=request, **context)
    return HTMLResponse(html)
