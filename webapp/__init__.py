"""The public web site and JSON API (FastAPI + Jinja), on top of `models`."""
