"""The smallest page that shows what Streamlit 1.67 does when a page reconnects to a new session
(another replica behind a proxy, or a restarted server), for tests/e2e/test_hosted.py:

1. The page does not rerun when it reconnects: the first run the new session makes is the one the
   reader's next click starts (the frontend asks for a run on reconnecting only while a script was
   running or a fragment reruns on a timer).
2. In that run Streamlit runs no on_change for the clicked widget (it has no callback on record for
   a widget this session has not drawn), though the widget then holds the value the page sent.

So a page that seeds its widgets from the URL in a session's first run, and learns of changes
from on_change, drops that click: dashboard/app.py init_filters leaves such widgets alone.
"""

import streamlit as st

ss = st.session_state
ss.runs = ss.get("runs", 0) + 1


def changed() -> None:
    ss.callback_ran = True


choice = st.segmented_control("choice", ["one", "two"], default="one", key="choice", on_change=changed)
st.markdown(f"runs in this session: {ss.runs} · value: {choice} · on_change ran: {ss.get('callback_ran', False)}")
