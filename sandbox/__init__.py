"""The demo tour operators: a deterministic little world served on loopback.

The sandbox plays the outside world for the demo and the tests. It shares no code
with the crawler (the crawler must cope with it the way it copes with real sites).
"""
