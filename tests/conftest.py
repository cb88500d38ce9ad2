"""Shared fixtures: the bundled dataset, loaded once through the real data layer."""

import logging

import pytest

from dashboard import data, panels, state

# st.cache_data outside `streamlit run` falls back to memory storage and says so on every call.
logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def dataset() -> data.Dataset:
    return data.load_dataset(str(data.BUNDLED_DATA_DIR))


@pytest.fixture(scope="session")
def vocab(dataset) -> state.Vocabulary:
    from dashboard import app

    return app.vocabulary(panels.Facts(dataset, dataset.facts))


@pytest.fixture(scope="session")
def resolve(vocab):
    """The view for a link's filters, as the page resolves it: resolve(metric="gdp", zones=(...))."""

    def view(**filters) -> state.View:
        return state.resolve(state.Filters(**{"metric": vocab.default_metric, **filters}), vocab)

    return view
