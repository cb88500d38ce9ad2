"""Shared fixtures: the bundled dataset, loaded once through the real data layer."""
import logging

import pytest

from dashboard import data

# st.cache_data outside `streamlit run` falls back to memory storage and says so on every call.
logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def dataset() -> data.Dataset:
    return data.load_dataset(str(data.BUNDLED_DATA_DIR))
