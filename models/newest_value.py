"""A value kept for the newest key it was computed for, such as a catalogue generation.

What a worker derives from the catalogue and keeps beyond one request (the exchange rates
in use, the names results show, the search forms' lists) holds one entry: the key it was
computed for and the value. Readers take it without a lock while the key matches; on a
new key one thread computes the value and the others wait for it and take it too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class NewestValue(Generic[Value]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # The key and its value, replaced as one, so a reader never pairs a key with
        # another key's value.
        self._entry: tuple[Hashable, Value] | None = None

    def get(
        self,
        key: Hashable,
        compute: Callable[[], Value],
        usable: Callable[[Value], bool] | None = None,
    ) -> Value:
        """The value for `key`, computed once; computed again when `usable` says the kept
        one no longer answers (it lacks a row added since, say)."""

        def current(entry: tuple[Hashable, Value] | None) -> bool:
            return entry is not None and entry[0] == key and (usable is None or usable(entry[1]))

        entry = self._entry
        if current(entry):
            return entry[1]
        with self._lock:
            entry = self._entry
            if not current(entry):
                entry = self._entry = (key, compute())
            return entry[1]

    def clear(self) -> None:
        self._entry = None
