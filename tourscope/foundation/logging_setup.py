"""The processes' logging: one handler on the root logger, as text or JSON lines.

`TOURSCOPE_LOG_FORMAT=json` writes one JSON object a line (time, level, logger, message,
the request id when there is one, the traceback), for a log collector; `text` (the
default) writes readable lines. Each web request's id (webapp/request_id.py) is on every
line logged while it is answered.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request being answered (webapp/request_id.py sets it), for log lines.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or "-") on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", "-") != "-":
            entry["request_id"] = record.request_id
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_format: str = "text", level: str = "INFO") -> logging.Handler:
    """Install (once per process) the root handler; later calls change its format and level."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "tourscope", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.tourscope = True  # type: ignore[attr-defined]
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    json_lines = log_format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    root.setLevel(level.upper())
    # One line per request to an operator is the crawl log's business, not the server's.
    logging.getLogger("httpx").setLevel(max(root.level, logging.WARNING))
    return handler
