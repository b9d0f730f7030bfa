"""Leads: a visitor's request for a manager.

Their records, history and outbox (`records.py`), their score (`scoring.py`), how a
request becomes a lead (`intake.py`), what a manager may do to one (`workflow.py`) and the
back office's lists (`queries.py`); `extras.py` is the vocabulary of extra services.
"""
