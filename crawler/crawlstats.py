"""The crawl's own stats keys (beside Scrapy's), read by the quality check and the CLI."""

OFFERS_READ = "tourscope/offers_read"
OFFERS_DROPPED = "tourscope/offers_dropped"
OFFERS_STAGED = "tourscope/staged"
DROPPED_PREFIX = "tourscope/dropped/"  # + reason slug: offers that failed validation
SKIPPED_PREFIX = "tourscope/skipped/"  # + reason: rows a spider knew were not offers
EXPECTED_OFFERS = "tourscope/expected_items"
SPIDER_ERRORS = "tourscope/errors"  # errors this spider logged (crawler/errorcount.py)
FIRST_ERROR = "tourscope/first_error"  # the first of them, in one line
UNMAPPED_PREFIX = "tourscope/unmapped/"  # + kind: operator reference values with no code of ours
PROTOCOL_ERROR = "tourscope/protocol_error"  # a protocol operator refused us, in plain words
# Hotel content (description, photos, location) an operator gave: asked, kept, dropped.
CONTENT_PREFIX = "tourscope/hotel_content/"  # + asked, requests, fresh, over_budget, stored...
CONTENT_REJECTED_PREFIX = "tourscope/hotel_content/rejected/"  # + reason slug
