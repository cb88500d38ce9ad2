"""The page: composes data, geography, charts and text. Placeholder until the page lands."""
import streamlit as st


def main() -> None:
    st.set_page_config(page_title="江西国家高新区", layout="wide")
    st.title("江西国家高新区")
