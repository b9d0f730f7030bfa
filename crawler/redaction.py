"""Keep operator credentials out of the crawl logs.

Some protocols take the account's login and password as query parameters (Tourvisor's
authlogin/authpass); Scrapy logs request URLs in its own lines (retries, failures, debug).
This extension puts a filter on the log's handlers that masks those parameters' values in
every line, whoever wrote it.
"""

import logging
import re

from scrapy import signals

SECRET_PARAMETERS = ("authlogin", "authpass", "password", "passwd", "token", "apikey", "api_key")
_SECRET_IN_URL = re.compile(
    r"(?P<name>[?&](?:" + "|".join(SECRET_PARAMETERS) + r"))=(?P<value>[^&#\s'\">]*)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with the values of credential parameters in URLs masked."""
    return _SECRET_IN_URL.sub(r"\g<name>=***", text)


class CredentialFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


_FILTER = CredentialFilter()


class CredentialRedaction:
    def __init__(self, crawler):
        crawler.signals.connect(self.install, signal=signals.engine_started)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def install(self) -> None:
        for handler in logging.getLogger().handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
