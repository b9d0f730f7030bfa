"""Helpers for the messy parts of operators' data; spiders call these, never re-implement them."""
