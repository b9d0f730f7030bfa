"""The database admission: slots, a bounded queue in arrival order, a bounded wait."""

import asyncio

import pytest

from webapp.admission import DatabaseAdmission, ServerBusy


def run(scenario):
    return asyncio.run(scenario())


def test_requests_beyond_the_slots_wait_and_get_in_in_arrival_order():
    async def scenario():
        admission = DatabaseAdmission(slots=1, queue_limit=10, queue_timeout=30)
        await admission.acquire()
        admitted: list[int] = []

        async def request(number: int) -> None:
            await admission.acquire()
            admitted.append(number)

        waiting = [asyncio.create_task(request(number)) for number in range(3)]
        await asyncio.sleep(0)
        assert admission.waiting == 3 and admitted == []
        for _ in range(3):
            admission.release()  # the slot passes to the longest waiting
            await asyncio.sleep(0)
        await asyncio.gather(*waiting)
        assert admitted == [0, 1, 2]
        assert admission.in_use == 1
        admission.release()
        assert admission.in_use == 0

    run(scenario)


def test_a_full_queue_is_refused_at_once():
    async def scenario():
        admission = DatabaseAdmission(slots=1, queue_limit=1, queue_timeout=30)
        await admission.acquire()
        waiter = asyncio.create_task(admission.acquire())
        await asyncio.sleep(0)
        with pytest.raises(ServerBusy, match="1 requests already waiting"):
            await admission.acquire()
        admission.release()
        await waiter
        assert admission.in_use == 1

    run(scenario)


def test_a_wait_past_the_timeout_is_refused_and_leaves_no_trace():
    async def scenario():
        admission = DatabaseAdmission(slots=1, queue_limit=5, queue_timeout=0.05)
        await admission.acquire()
        with pytest.raises(ServerBusy, match=r"no database slot within 0\.05 s"):
            await admission.acquire()
        assert admission.waiting == 0
        admission.release()
        assert admission.in_use == 0
        await admission.acquire()  # free again, no wait

    run(scenario)


def test_a_request_that_goes_away_while_waiting_gives_up_its_place():
    async def scenario():
        admission = DatabaseAdmission(slots=1, queue_limit=5, queue_timeout=30)
        await admission.acquire()
        gone = asyncio.create_task(admission.acquire())
        await asyncio.sleep(0)
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        assert admission.waiting == 0
        admission.release()
        assert admission.in_use == 0

    run(scenario)


def test_a_slot_handed_over_as_the_wait_ends_is_passed_on():
    async def scenario():
        admission = DatabaseAdmission(slots=1, queue_limit=5, queue_timeout=30)
        await admission.acquire()
        first = asyncio.create_task(admission.acquire())
        second = asyncio.create_task(admission.acquire())
        await asyncio.sleep(0)
        admission.release()  # the slot goes to `first`...
        first.cancel()  # ...which gives up before it runs again
        with pytest.raises(asyncio.CancelledError):
            await first
        await second  # so `second` gets it
        assert admission.in_use == 1 and admission.waiting == 0

    run(scenario)
