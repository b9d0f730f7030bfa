"""Item pipelines, one job each, run in the order set in crawler/settings.py:
normalize (100) -> validate (200) -> hotel content (300) -> store (900)."""
