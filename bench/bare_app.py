"""Streamlit's floor: the least a dashboard page can be (bench/run.py measures the real app against it).

One multiselect, one slider, one line chart and a few metrics, on made-up data built in the script,
so the numbers say what Streamlit itself costs on this machine. Keep it this small: if it grows,
every ratio in the benchmark silently gets easier.
"""

import numpy as np
import pandas as pd
import streamlit as st

st.set_page_config(page_title="bare", layout="wide")
st.title("Bare reference page")

zones = ["nanchang", "xinyu", "jingdezhen", "yingtan", "fuzhou", "jian", "ganzhou", "gongqingcheng", "fengcheng"]
picked = st.multiselect("Zones", zones, default=zones[:3])
year = st.slider("Year", 2010, 2024, 2020)

rng = np.random.default_rng(year)
frame = pd.DataFrame(rng.normal(1, 0.1, (year - 2009, len(zones))).cumsum(axis=0), columns=zones, index=range(2010, year + 1))

cols = st.columns(3)
cols[0].metric("Zones", len(picked))
cols[1].metric("Year", year)
cols[2].metric("Total", f"{frame[picked].iloc[-1].sum():.1f}" if picked else "—")
st.line_chart(frame[picked])
