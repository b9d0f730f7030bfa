"""Rendering an untrusted template with a time limit and an output-size limit.

The Jinja sandbox stops a template from reaching anything it should not, but not from
looping for minutes (`{% for a in range(100000) %}{% for b in range(2000) %}...`) or
building a huge text (`{{ 'a'|center(100000000) }}`). Here the template renders in a
worker thread of its own, streamed chunk by chunk and stopped once its output passes
the limit; a render still running at the deadline is interrupted (an exception raised in
its thread at the next Python instruction) and the caller is told at once.
"""

from __future__ import annotations

import contextvars
import ctypes
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from jinja2 import Template

T = TypeVar("T")


class RenderTimedOut(Exception):
    """The render did not finish within its time limit."""


class OutputTooLong(Exception):
    """The render produced more text than its limit."""


class _Interrupted(BaseException):
    """Raised inside the worker thread at the deadline: a BaseException, so no `except
    Exception` in the template's code swallows it."""


def render_streamed(template: Template, context: dict[str, Any], max_length: int) -> str:
    """The template's text, refused (OutputTooLong) as soon as it passes `max_length`."""
    parts: list[str] = []
    length = 0
    for chunk in template.generate(context):
        length += len(chunk)
        if length > max_length:
            raise OutputTooLong(max_length)
        parts.append(chunk)
    return "".join(parts)


def run_with_deadline(work: Callable[[], T], seconds: float) -> T:
    """`work()` in a worker thread (with the caller's context variables, e.g. the locale);
    its result or its exception, or RenderTimedOut once `seconds` have passed."""
    outcome: dict[str, Any] = {}
    context = contextvars.copy_context()

    def run() -> None:
        try:
            outcome["value"] = context.run(work)
        except _Interrupted:
            pass
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=run, name="bounded-render", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(worker.ident or 0), ctypes.py_object(_Interrupted)
        )
        worker.join(1.0)
        raise RenderTimedOut(seconds)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
