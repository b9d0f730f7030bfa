"""Scrapy settings for the crawler; Tourscope's own settings come from
tourscope.foundation.settings."""

from tourscope.foundation.settings import get_settings

BOT_NAME = "tourscope"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Polite by default: a named agent, robots.txt obeyed, bounded concurrency per site.
USER_AGENT = "TourscopeBot/0.1 (+https://tourscope.example/bot)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 8.0
DOWNLOAD_TIMEOUT = get_settings().download_timeout
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 0.5  # seconds before the first retry; doubled for each next one
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
    # After retries: a retried request counts against the operator's quota too.
    "crawler.ratelimit.RequestRateCap": 590,
}
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False

# Where the demo operators live; spiders build their URLs from this.
TOURSCOPE_SANDBOX_URL = get_settings().effective_sandbox_url
TOURSCOPE_BATCH_SIZE = get_settings().crawl_batch_size
TOURSCOPE_RATE_WINDOW_SECONDS = get_settings().rate_window_seconds

EXTENSIONS = {
    "crawler.errorcount.SpiderErrorCounter": 0,
    "crawler.redaction.CredentialRedaction": 0,
}

SPIDER_MIDDLEWARES = {"crawler.batching.OfferBatchMiddleware": 1000}

ITEM_PIPELINES = {
    "crawler.pipelines.normalize.NormalizePipeline": 100,
    "crawler.pipelines.validate.ValidatePipeline": 200,
    "crawler.pipelines.hotel_content.HotelContentPipeline": 300,
    "crawler.pipelines.store.StorePipeline": 900,
}

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
