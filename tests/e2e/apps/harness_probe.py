"""A tiny page the harness tests itself on (tests/e2e/test_harness.py): ?case= picks a misbehaviour."""

import time

import pandas as pd
import streamlit as st

case = st.query_params.get("case", "")
st.title("Harness probe")
if case == "exception":
    raise ValueError("boom from the harness probe")
if case == "console":
    st.html("<script>console.error('console error from the harness probe')</script>", unsafe_allow_javascript=True)
if case == "pageerror":
    st.html(
        "<script>setTimeout(() => { throw new Error('page error from the harness probe'); })</script>",
        unsafe_allow_javascript=True,
    )
if st.button("Slow chart"):
    time.sleep(0.5)  # the rerun outlasts wait_idle's quiet period: a naive wait would return early
    st.line_chart(pd.DataFrame({"y": [1, 3, 2, 4]}))
