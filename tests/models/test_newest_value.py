"""A value kept for its newest key: computed once per key, even by a crowd asking at once."""

import threading
import time

from models.newest_value import NewestValue


def test_a_crowd_asking_for_a_new_key_computes_its_value_once():
    kept: NewestValue[str] = NewestValue()
    computed: list[int] = []

    def compute(key: int) -> str:
        computed.append(key)
        time.sleep(0.05)  # long enough for every thread to arrive meanwhile
        return f"lists of {key}"

    answers: list[str] = []
    crowd = [
        threading.Thread(target=lambda: answers.append(kept.get(7, lambda: compute(7))))
        for _ in range(8)
    ]
    for thread in crowd:
        thread.start()
    for thread in crowd:
        thread.join()

    assert computed == [7]
    assert answers == ["lists of 7"] * 8
    assert kept.get(8, lambda: compute(8)) == "lists of 8"  # a newer key: computed anew
    assert kept.get(7, lambda: compute(7)) == "lists of 7"  # only the newest is kept
    assert computed == [7, 8, 7]


def test_a_kept_value_that_no_longer_answers_is_computed_again():
    kept: NewestValue[set[int]] = NewestValue()
    rows = {1, 2}
    assert kept.get("g1", lambda: set(rows), usable=lambda known: 2 in known) == {1, 2}
    rows.add(3)
    assert kept.get("g1", lambda: set(rows), usable=lambda known: 2 in known) == {1, 2}
    assert kept.get("g1", lambda: set(rows), usable=lambda known: 3 in known) == {1, 2, 3}
