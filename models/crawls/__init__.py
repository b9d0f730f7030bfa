"""Crawl runs: their records (`runs.py`), one crawl per operator at a time (`locks.py`),
what the scheduler needs to know (`status.py`) and the admins' health page (`health.py`)."""
