"""dashboard/sessions.py: a closed session that expires from Streamlit's own session storage is shut
down (its uploaded file, downloads and table sources freed), not only dropped."""

import asyncio
import gc
import weakref
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.session_manager import SessionInfo

from dashboard import sessions


class Session:
    def __init__(self, sid: str):
        self.id, self.shut = sid, 0

    def shutdown(self) -> None:
        self.shut += 1


def runtime_with(storage: MemorySessionStorage) -> SimpleNamespace:
    return SimpleNamespace(_session_mgr=SimpleNamespace(_session_storage=storage))


def test_expired_sessions_are_shut_down_when_the_storage_reaps():
    storage = MemorySessionStorage(ttl_seconds=0)  # every stored session has expired by the next write
    assert sessions.shut_down_expired(runtime_with(storage))
    first, second = Session("a"), Session("b")
    storage.save(SessionInfo(client=None, session=first))
    assert first.shut == 0
    storage.save(SessionInfo(client=None, session=second))  # the next disconnect reaps the first
    assert (first.shut, second.shut) == (1, 0)
    assert storage.list() == []


def test_a_live_session_is_left_alone_and_wrapping_twice_shuts_down_once():
    storage = MemorySessionStorage(ttl_seconds=120)
    runtime = runtime_with(storage)
    assert sessions.shut_down_expired(runtime) and sessions.shut_down_expired(runtime)
    kept = Session("a")
    storage.save(SessionInfo(client=None, session=kept))
    storage.save(SessionInfo(client=None, session=Session("b")))
    assert kept.shut == 0 and storage.get("a") is not None
    gone = storage._cache.expire(at_time=10**12)
    assert len(gone) == 2 and kept.shut == 1  # once, not once per wrapper


def test_an_expired_sessions_cycles_are_collected_on_the_event_loop_not_at_the_next_run():
    """A session's objects sit in reference cycles; reaping happens on a disconnect, after the
    script run whose collection Streamlit makes. The reap collects them itself, once the cache has
    let go of them (automatic collection is off here, so only that collection can free them)."""
    storage = MemorySessionStorage(ttl_seconds=0)
    assert sessions.shut_down_expired(runtime_with(storage))

    async def two_disconnects() -> weakref.ref:
        first = Session("a")
        first.itself = first  # a cycle, as a real session's state and callbacks make
        gone = weakref.ref(first)
        storage.save(SessionInfo(client=None, session=first))
        del first
        storage.save(SessionInfo(client=None, session=Session("b")))  # the next disconnect reaps "a"
        assert gone() is not None and gone().shut == 1  # shut down at once, collected just after
        await asyncio.sleep(0)
        return gone

    gc.disable()
    try:  # a loop of its own, in a thread of its own: the browser tests leave one running in this one
        with ThreadPoolExecutor(1) as thread:
            assert thread.submit(asyncio.run, two_disconnects()).result()() is None
    finally:
        gc.enable()


def test_moved_internals_do_nothing():
    assert not sessions.shut_down_expired(SimpleNamespace())
