"""Publishing an upload (dashboard.publish, the `data` link parameter in dashboard.state, the page):
the canonical form and its id, the store on SQLite and on PostgreSQL, and what the page does with
a published link, a damaged set, a full store, a wrong key and publishing switched off."""

import io
import multiprocessing
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest
from test_app import run

from dashboard import data, publish, safe, state

HEADER = "zone_id,year,metric,industry,value,unit,qualifier,source_title,source_url,source_date,note"
ROWS = [
    "yingtan,2024,industrial_revenue,,1300,亿元,exact,鹰潭高新区管委会 内部统计,https://example.org/a,2025-02,测试数据",
    'ganzhou,2023,high_tech_enterprises,,"1,234",家,约,赣州统计,,2024-03,"两行\n备注"',
]


def facts_of(text: str, encoding: str = "utf-8", name: str = "f.csv"):
    source = io.BytesIO(text.encode(encoding))
    source.name = name
    return data.read_facts(source)


def content_of(*rows: str) -> bytes:
    return publish.canonical(facts_of("\n".join([HEADER, *rows])))


# -- canonical form and id (pure) --------------------------------------------------------------


def test_the_same_facts_give_the_same_bytes_and_id_however_the_file_spelled_them():
    plain = content_of(*ROWS)
    spelled = publish.canonical(
        facts_of(
            "\n".join(
                [
                    HEADER,
                    " yingtan ,2024.0,industrial_revenue,,1300.00,亿元,,鹰潭高新区管委会 内部统计,https://example.org/a,2025-02,测试数据",
                    ROWS[1].replace("约", "about"),
                ]
            ),
            encoding="gb18030",
        )
    )
    assert spelled == plain
    assert publish.dataset_id(spelled) == publish.dataset_id(plain)
    assert state.is_data_id(publish.dataset_id(plain))


def test_other_figures_or_another_order_give_another_id():
    base = publish.dataset_id(content_of(*ROWS))
    assert publish.dataset_id(content_of(ROWS[0].replace("1300", "1301"), ROWS[1])) != base
    # the first of two figures for one cell is the one charted: order is part of the data
    assert publish.dataset_id(content_of(ROWS[1], ROWS[0])) != base


def test_the_canonical_bytes_read_back_as_the_same_facts():
    facts = facts_of("\n".join([HEADER, *ROWS]))
    content = publish.canonical(facts)
    assert content.startswith(HEADER.encode() + b"\n")
    back = publish.read_published(publish.Published(publish.dataset_id(content), content, len(facts), "2026-12-07T00:00:00Z"))
    assert back.equals(facts)
    assert publish.canonical(back) == content


def test_a_source_url_is_a_link_only_when_it_is_http_or_https():
    assert safe.http_link("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe.http_link("HTTP://example.org") == "HTTP://example.org"
    bad = ("javascript:alert(1)", "data:text/html,x", "example.org", "//example.org", "https://", "https://a b", "", None, 3)
    for url in bad:
        assert safe.http_link(url) is None, url


def test_the_key_is_compared_exactly():
    assert publish.key_matches("s3cret-κλειδί", "s3cret-κλειδί")
    for wrong in ("s3cret", "s3cret-κλειδί ", "", None, "s3cret-κλειδί".encode()):
        assert not publish.key_matches(wrong, "s3cret-κλειδί")


def test_settings_are_off_unless_turned_on():
    assert not publish.Settings.from_env({}).enabled
    assert not publish.Settings.from_env({"JX_PUBLISH": "off"}).enabled
    on = publish.Settings.from_env({"JX_PUBLISH": "on", "JX_PUBLISH_MAX_MB": "0.5", "JX_PUBLISH_DB": "/x/p.db"})
    assert on.enabled and on.max_bytes == 512 * 1024 and on.db == "/x/p.db"
    assert publish.Settings.from_env({"JX_PUBLISH_MAX_MB": "lots"}).max_bytes == 200 * 1024 * 1024
    assert publish.database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert publish.database_url("/tmp/p.db") == "sqlite:////tmp/p.db"


# -- the `data` link parameter (pure) ----------------------------------------------------------

GOOD = "a" * 64


@pytest.mark.parametrize(
    "value",
    [
        "../../etc/passwd",
        "%2e%2e",
        "..",
        "%2e%2e%2f" + GOOD,
        "/var/published.db",
        "https://example.org/" + GOOD,
        "x" * 10_000,
        "a" * 10_000,
        GOOD.upper(),
        GOOD[:-1],
        GOOD + "0",
        GOOD + "\n",
        " " + GOOD,
    ],
    ids=lambda value: value[:12] + (f"…({len(value)})" if len(value) > 12 else ""),
)
def test_data_takes_only_the_exact_shape_of_an_id(vocab, value):
    filters, notices = state.parse_query({"data": [value], "zone": ["yingtan"]}, vocab)
    assert filters.data is None and filters.zones == ("yingtan",)
    assert [n.code for n in notices] == ["unknown_data"]
    assert len(notices[0].value) <= 41  # shown back cut short
    assert state.requested_data({"data": [value]}) is None


def test_a_data_id_is_kept_and_written_back_and_a_second_one_is_ignored(vocab):
    other = "b" * 64
    filters, notices = state.parse_query({"data": [GOOD, other]}, vocab)
    assert filters.data == GOOD
    assert [(n.code, n.key) for n in notices] == [("repeated_key", "data")]
    assert state.requested_data({"data": [GOOD, other]}) == GOOD
    assert state.to_query(filters, vocab) == {"data": [GOOD]}
    assert state.share_url("http://h/jx-zones", filters, vocab) == f"http://h/jx-zones/?data={GOOD}"
    # after the view changes, the data set stays in the link
    moved = state.after_map_pick(filters, "zone:ganzhou", vocab)
    assert state.to_query(moved, vocab) == {"zone": ["ganzhou"], "data": [GOOD]}


# -- the store, on both backends ---------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A store location of each backend, empty."""
    if request.param == "sqlite":
        return str(tmp_path / "published.db")
    url = request.getfixturevalue("postgres_url")
    engine = sa.create_engine(publish.database_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS published_datasets"))
    engine.dispose()
    return url


def stored_rows(store: publish.Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(publish.TABLE)).scalar_one()


def test_publishing_the_same_file_twice_stores_one_set(db):
    store = publish.Store(db)
    content = content_of(*ROWS)
    first, new = store.publish(content, 2)
    again, new_again = store.publish(content, 2)
    assert new and not new_again
    assert first.id == again.id == publish.dataset_id(content) and again.published_at == first.published_at
    assert stored_rows(store) == 1
    assert store.get(first.id) == first
    assert store.get("0" * 64) is None
    store.dispose()
    # another process (a replica, a restart) reads the same set
    reopened = publish.Store(db, create=False)
    assert reopened.get(first.id).content == content
    reopened.dispose()


def test_a_damaged_set_is_refused_on_read(db):
    store = publish.Store(db)
    published, _ = store.publish(content_of(*ROWS), 2)
    with store.engine.begin() as conn:
        conn.execute(publish.TABLE.update().values(content=content_of(ROWS[0].replace("1300", "9999"), ROWS[1])))
    with pytest.raises(publish.DamagedDataset):
        store.get(published.id)
    store.dispose()


def test_a_full_store_refuses_and_keeps_what_it_had(db):
    one, two = content_of(ROWS[0]), content_of(ROWS[1])
    store = publish.Store(db, max_bytes=len(one) + len(two) - 1)
    store.publish(one, 1)
    with pytest.raises(publish.PublishError) as refused:
        store.publish(two, 1)
    assert refused.value.code == "full"
    assert stored_rows(store) == 1 and store.get(publish.dataset_id(two)) is None
    assert store.publish(one, 1)[1] is False  # what is there can still be "published" again
    assert store.remove(publish.dataset_id(one)) and stored_rows(store) == 0
    store.publish(two, 1)  # room again
    store.dispose()


def test_concurrent_writers_each_store_their_set_once(db):
    contents = [content_of(ROWS[0].replace("1300", str(1300 + i))) for i in range(12)]
    store = publish.Store(db)
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda c: store.publish(c, 1), contents + contents))
    assert sum(new for _, new in results) == 12
    assert stored_rows(store) == 12
    store.dispose()


def _publish_in_a_process(args) -> str:
    db, value = args
    store = publish.Store(db)
    content = content_of(ROWS[0].replace("1300", str(value)))
    ident = store.publish(content, 1)[0].id
    store.dispose()
    return ident


def test_processes_sharing_one_sqlite_file_all_get_their_writes_in(tmp_path):
    """As `make hosted`'s replicas on one machine do: one file, WAL mode, writers wait their turn."""
    db = str(tmp_path / "published.db")
    publish.Store(db).dispose()
    # fork: the children start with the modules loaded (spawn would import pandas four times over)
    with multiprocessing.get_context("fork").Pool(4) as pool:
        ids = pool.map(_publish_in_a_process, [(db, 2000 + i % 8) for i in range(16)])
    assert len(set(ids)) == 8
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT count(*) FROM published_datasets").fetchone() == (8,)


def test_reading_a_store_that_does_not_exist_finds_nothing_and_creates_nothing(tmp_path):
    path = tmp_path / "published.db"
    reader = publish.Store(str(path), create=False)
    assert reader.get(GOOD) is None
    assert not path.exists()
    # once another process has published there, the same reader finds the set
    ident = publish.Store(str(path)).publish(content_of(ROWS[0]), 1)[0].id
    assert reader.get(ident).id == ident


def test_the_operator_command_removes_a_set(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "published.db")
    monkeypatch.setenv("JX_PUBLISH_DB", db)
    assert publish.main(["list"]) == 0 and "does not exist" in capsys.readouterr().out
    assert not (tmp_path / "published.db").exists()
    published, _ = publish.Store(db).publish(content_of(*ROWS), 2)
    monkeypatch.setenv("JX_PUBLISH_DB", db)
    assert publish.main(["list"]) == 0 and published.id in capsys.readouterr().out
    assert publish.main(["remove", "../x"]) == 2
    assert publish.main(["remove", published.id]) == 0
    assert publish.main(["remove", published.id]) == 1
    assert publish.Store(db).get(published.id) is None


# -- the page (AppTest) ------------------------------------------------------------------------


def page(monkeypatch, db: str | None, params: dict | None = None, **env: str) -> AppTest:
    for key in ("JX_PUBLISH", "JX_PUBLISH_KEY", "JX_PUBLISH_MAX_MB"):
        monkeypatch.delenv(key, raising=False)
    if db:
        monkeypatch.setenv("JX_PUBLISH_DB", db)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return run(params)


def upload(at: AppTest, content: str, name: str = "鹰潭统计.csv") -> AppTest:
    at.session_state["w_upload_box"] = True
    at.run()
    at.file_uploader(key="w_upload_0").upload(name, content.encode("utf-8"), "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


YINGTAN = {"zone": "yingtan", "metric": "industrial_revenue"}
FILE = "\n".join([HEADER, ROWS[0]])


def headline(at: AppTest) -> str:
    return at.metric[0].value


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_publishing_switched_off_offers_no_button_and_says_the_link_has_no_upload(monkeypatch, tmp_path):
    at = upload(page(monkeypatch, str(tmp_path / "p.db"), YINGTAN), FILE)
    assert headline(at) == "1,300 亿元"
    assert not [b for b in at.button if b.key == "publish"]
    captions = " ".join(texts(at.caption))
    assert "未开启发布功能" in captions and "此链接打开的是内置数据" in captions
    assert not (tmp_path / "p.db").exists()


def test_publish_then_open_the_link_in_a_new_session_in_english(monkeypatch, tmp_path):
    db = str(tmp_path / "p.db")
    at = upload(page(monkeypatch, db, YINGTAN, JX_PUBLISH="on"), FILE)
    what = " ".join(texts(at.markdown))
    assert "1 条数据" in what and "备注和来源网址" in what and "不能修改" in what
    at.button(key="publish").click().run()
    ident = publish.dataset_id(content_of(ROWS[0]))
    assert at.session_state.filters.data == ident
    assert at.query_params["data"] == ident
    assert any("已发布" in s for s in texts(at.success))
    assert headline(at) == "1,300 亿元"
    assert not any("此链接打开的是内置数据" in c for c in texts(at.caption))

    other = page(monkeypatch, db, {**YINGTAN, "lang": "en", "data": ident}, JX_PUBLISH="on")
    assert headline(other) == "130 billion yuan"
    banner = " ".join(texts(other.info))
    assert ident in banner and "figures in it: 1" in banner and "user-supplied" in banner and "not checked" in banner
    assert not other.warning
    # back to the bundled view: the figure and the link lose the data set
    other.button(key="back_to_bundled").click().run()
    assert headline(other) == "125.8 billion yuan" and "data" not in other.query_params


def test_a_wrong_key_publishes_nothing_and_the_right_one_publishes(monkeypatch, tmp_path):
    db = str(tmp_path / "p.db")
    at = upload(page(monkeypatch, db, YINGTAN, JX_PUBLISH="on", JX_PUBLISH_KEY="k-123"), FILE)
    at.text_input(key="w_publish_key").input("k-12").run()
    at.button(key="publish").click().run()
    assert "发布密钥不对" in " ".join(texts(at.error))
    assert at.session_state.filters.data is None and publish.Store(db).used_bytes() == 0
    at.text_input(key="w_publish_key").input("k-123").run()
    at.button(key="publish").click().run()
    assert at.session_state.filters.data == publish.dataset_id(content_of(ROWS[0]))


def test_a_full_store_says_so_and_publishes_nothing(monkeypatch, tmp_path):
    db = str(tmp_path / "p.db")
    at = upload(page(monkeypatch, db, YINGTAN, JX_PUBLISH="on", JX_PUBLISH_MAX_MB="0.0001"), FILE)
    at.button(key="publish").click().run()
    assert "发布存储已满" in " ".join(texts(at.error))
    assert at.session_state.filters.data is None and headline(at) == "1,300 亿元"  # the upload stays


@pytest.mark.parametrize("value", ["../../etc/passwd", "%2e%2e", "x" * 10_000, "c" * 64], ids=["path", "dots", "long", "unknown"])
def test_a_bad_or_unknown_data_value_is_ignored_with_the_usual_notice(monkeypatch, tmp_path, value):
    db = str(tmp_path / "p.db")
    publish.Store(db).publish(content_of(ROWS[0]), 1)
    at = page(monkeypatch, db, {**YINGTAN, "data": value})
    assert headline(at) == "1,258 亿元"
    assert any("已忽略链接中的数据集编号" in w for w in texts(at.warning))
    assert "data" not in at.query_params and at.session_state.filters.zones == ("yingtan",)


def test_data_twice_keeps_the_first_and_says_the_second_was_ignored(monkeypatch, tmp_path):
    db = str(tmp_path / "p.db")
    ident = publish.Store(db).publish(content_of(ROWS[0]), 1)[0].id
    at = page(monkeypatch, db, {**YINGTAN, "data": [ident, "d" * 64]})
    assert headline(at) == "1,300 亿元"
    assert any("data 只能出现一次" in w for w in texts(at.warning))
    assert at.query_params["data"] == ident


def test_a_damaged_set_gives_a_clear_notice_and_the_bundled_view(monkeypatch, tmp_path):
    db = str(tmp_path / "p.db")
    store = publish.Store(db)
    ident = store.publish(content_of(ROWS[0]), 1)[0].id
    with store.engine.begin() as conn:
        conn.execute(publish.TABLE.update().values(content=content_of(ROWS[0].replace("1300", "99999"))))
    at = page(monkeypatch, db, {**YINGTAN, "data": ident})
    assert headline(at) == "1,258 亿元"
    assert any("已损坏" in e for e in texts(at.error))
    assert "data" not in at.query_params


def test_a_published_sources_url_is_a_link_only_when_it_is_http(monkeypatch, tmp_path):
    db = str(tmp_path / "p.db")
    rows = [ROWS[0], ROWS[0].replace("yingtan", "xinyu").replace("https://example.org/a", "javascript:alert(1)")]
    ident = publish.Store(db).publish(content_of(*rows), 2)[0].id
    at = page(monkeypatch, db, {"zone": ["yingtan", "xinyu"], "metric": "industrial_revenue", "tab": "sources", "data": ident})
    table = next(d.value for d in at.dataframe if "来源等级" in d.value.columns or len(d.value.columns) == 7)
    supplied = table[table.iloc[:, 3] == "用户上传"]
    assert len(supplied) == 2, table.to_dict("records")
    links = dict(zip(supplied.iloc[:, 0], supplied.iloc[:, -1]))
    assert set(supplied.iloc[:, -1].map(lambda v: v if isinstance(v, str) else None)) == {"https://example.org/a", None}
    assert all(title == "鹰潭高新区管委会 内部统计" for title in links)


def test_a_store_that_cannot_be_reached_says_so_and_shows_the_bundled_view(monkeypatch):
    """Port 9 (discard) has no PostgreSQL: reading a link and publishing both say so plainly."""
    at = page(monkeypatch, "postgresql://jx@127.0.0.1:9/none", {**YINGTAN, "data": GOOD}, JX_PUBLISH="on")
    assert headline(at) == "1,258 亿元"
    assert any("暂时无法读取" in e for e in texts(at.error))
    upload(at, FILE)
    at.button(key="publish").click().run()
    assert "暂时无法写入" in " ".join(texts(at.error))
    assert headline(at) == "1,300 亿元"  # the upload stays
