"""Log dropped items at INFO with their reason, not as a WARNING with the whole item."""

from scrapy import logformatter


class QuietDropLogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider):
        key = getattr(item, "offer_key", "?")
        return {
            "level": logformatter.logging.INFO,
            "msg": "Dropped offer %(key)s: %(reason)s",
            "args": {"key": key, "reason": exception},
        }
