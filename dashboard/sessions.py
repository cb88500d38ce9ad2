"""Closed sessions give their memory back when they expire.

Streamlit 1.67 keeps a disconnected session for `server.disconnectedSessionTTL` (its
MemorySessionStorage, a TTLCache), so that a reconnecting page finds it. When that time is up the
cache just drops the session: `AppSession.shutdown()` is never called, so what Streamlit keeps
*beside* the session under its id stays for the life of the process: the uploaded file's bytes
(uploaded_file_mgr), the download buttons' files (media_file_mgr), the dataframes' sources
(dataframe_source_mgr). A closed session is shut down (and those freed) only when it is closed
directly. Each upload left its file, its downloads and its tables behind; 8 uploads in sessions that
closed kept 60-66 MB when they came faster than the TTL (load/README.md, "Memory under uploads").

`shut_down_expired()` makes the storage's reaping shut each expired session down, as
`close_session` does for a stored one, and then collects the garbage: a session's objects (its
state, its widgets' callbacks, the upload's tables) sit in reference cycles in the collector's oldest
generation, which Streamlit collects only after a script run (runner.postScriptGC). Reaping happens
on a later disconnect, after that run, so without a collection here an expired session's tables
stayed in memory until some session next ran its script (70+ MB after eight uploads of 20,000 rows,
load/README.md). The heap frozen at start-up (app.freeze_startup_objects) keeps the collection to
what sessions made. It reaches into Streamlit's runtime (no public hook exists;
TTLCache.expire returns what it removed): when those internals move, it does nothing and says so.
"""

from __future__ import annotations

import asyncio
import gc
import logging

LOG = logging.getLogger(__name__)


def shut_down_expired(runtime) -> bool:
    """Wrap the session storage's TTL reaping of `runtime` (streamlit.runtime.Runtime) so that every
    session it drops is shut down. Returns whether it could (False: Streamlit's internals moved)."""
    try:
        cache = runtime._session_mgr._session_storage._cache
        reap = cache.expire
    except AttributeError:
        LOG.warning("Streamlit's session storage has moved: expired sessions are not shut down")
        return False
    if getattr(reap, "shuts_down", False):
        return True

    def expire(at_time: float | None = None) -> list:
        removed = reap(at_time)
        for _, info in removed:
            try:
                info.session.shutdown()
            except Exception:  # one session's shutdown must not stop the others' or the caller's save
                LOG.exception("shutting down an expired session failed")
        if removed:
            collect_soon()
        return removed

    expire.shuts_down = True
    cache.expire = expire  # TTLCache.__setitem__ and __len__ call self.expire: the instance's
    return True


def collect_soon() -> None:
    """A full collection once the caller has let go of what was reaped (the cache returns the
    sessions it removed): next on the server's event loop, where disconnects, and so reaping, run.
    Outside a loop (a tool, a test without one) nothing is scheduled: Streamlit's next run collects."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    loop.call_soon(gc.collect, 2)
