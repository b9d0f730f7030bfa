"""Price alerts: a visitor's "tell me when this gets cheaper" (`records.py`), subscribed
with double opt-in and sent as digests after crawls (`workflow.py`)."""
