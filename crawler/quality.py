"""Decide whether a finished crawl is good enough to replace the operator's live offers."""

from dataclasses import dataclass

MIN_SHARE_OF_EXPECTED = 0.9  # the operator said it had N offers; we must have read most
MIN_SHARE_OF_LAST_GOOD = 0.5  # a sudden halving means a broken site, not a sale
MAX_DROP_RATE = 0.2


@dataclass(frozen=True)
class CrawlOutcome:
    finish_reason: str
    items_scraped: int
    items_staged: int
    items_dropped: int
    error_count: int
    expected_items: int | None
    last_good_items: int | None
    # A protocol operator's refusal in plain words ("Authorisation Error"), when there was one.
    protocol_error: str | None = None
    first_error: str | None = None  # the first error the crawl logged, in one line
    log_file: str | None = None  # where the crawl's log is, when it has one


def failure_reason(outcome: CrawlOutcome) -> str | None:
    """Why the crawl must not replace the live offers, or None when it may."""
    if outcome.protocol_error:
        return outcome.protocol_error
    if outcome.finish_reason != "finished":
        return f"crawl did not finish ({outcome.finish_reason})"
    if outcome.error_count:
        reason = f"{outcome.error_count} error(s) during the crawl"
        if outcome.first_error:
            reason += f", the first: {outcome.first_error}"
        return reason + (f"; log: {outcome.log_file}" if outcome.log_file else "")
    if outcome.items_staged == 0:
        return "no offers collected"
    expected = outcome.expected_items
    if expected and outcome.items_scraped < MIN_SHARE_OF_EXPECTED * expected:
        return f"read {outcome.items_scraped} of the {expected} offers the operator announced"
    last_good = outcome.last_good_items
    if last_good and outcome.items_staged < MIN_SHARE_OF_LAST_GOOD * last_good:
        return f"only {outcome.items_staged} offers where the last good crawl had {last_good}"
    if outcome.items_scraped and outcome.items_dropped > MAX_DROP_RATE * outcome.items_scraped:
        return f"{outcome.items_dropped} of {outcome.items_scraped} offers failed validation"
    return None
