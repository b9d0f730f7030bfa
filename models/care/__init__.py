"""Client care: everything after a lead is won.

Clients and their records (`clients.py`, `client_editing.py`, `client_queries.py`), the
contact centre's calls (`calls.py`), trips (`trips.py`, `trip_workflow.py`), the pre-trip
letters (`letter_schedule.py` says when, `letters.py` what and how they are sent,
`letter_queries.py` what is due), feedback, the managers' KPIs, the planner and the
morning e-mail.
"""
