"""Published data sets: a validated upload stored for good, named by the hash of its content.

No Streamlit here. A published set is the upload's validated facts in one canonical form (a CSV of
the contract columns, in the file's own row order, every value written one way), and its id is the
SHA-256 of those bytes: the same facts give the same id, so publishing twice stores one set. The
store keeps the bytes and checks them against the id on every read (a damaged row is refused, never
shown), then validates them again with the same reader as an upload (`dashboard.data.read_facts`).

The store is a SQLAlchemy database: SQLite by default (one file, WAL mode, so `make hosted`'s
replicas on one machine share it), PostgreSQL when `JX_PUBLISH_DB=postgresql://…` (replicas on
several machines). A publish is one transaction: the set is there whole or not at all. Settings
(read from the environment by `Settings.from_env`):

    JX_PUBLISH=on          publishing is offered (off by default; `make run` turns it on)
    JX_PUBLISH_DB          a file path or a database URL (default: var/published.db in the repo)
    JX_PUBLISH_KEY         if set, the page asks for it before publishing (compared in constant time)
    JX_PUBLISH_MAX_MB      the store's size cap in MB of published content (default 200)
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard import state
from dashboard.facts_file import FACT_COLUMNS

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "var" / "published.db"
DEFAULT_MAX_MB = 200.0
ID_LENGTH = 64  # SHA-256 in lowercase hex: state.DATA_ID
FILE_NAME = "published.csv"  # the name read_facts reports problems under

TABLE = sa.Table(
    "published_datasets",
    sa.MetaData(),
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("published_at", sa.String(32), nullable=False),  # ISO 8601, UTC: the same text on every backend
)


class PublishError(Exception):
    """Why a publish did not happen. `code`: off | key | full | store."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code


class StoreUnavailable(Exception):
    """The database could not be read (down, unreachable, locked past the timeout)."""


class DamagedDataset(Exception):
    """A stored set whose bytes no longer match its id, or no longer read as valid facts."""


# ---------------------------------------------------------------------------------------------
# Canonical form and id (pure)
# ---------------------------------------------------------------------------------------------


def _number(value: float) -> str:
    """One spelling per number: whole numbers without ".0", others as Python's shortest round-trip repr."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def canonical(facts: pd.DataFrame) -> bytes:
    """The validated facts (read_facts' output) as canonical bytes: UTF-8 CSV, the contract
    columns in contract order, "\\n" line ends, the rows in the file's order (the first of two
    figures for one cell is the one charted, so order is part of the data)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FACT_COLUMNS)
    for row in facts[FACT_COLUMNS].itertuples(index=False):
        record = row._asdict()
        record["year"] = str(int(record["year"]))
        record["value"] = _number(record["value"])
        writer.writerow(["" if record[c] is None else str(record[c]) for c in FACT_COLUMNS])
    return out.getvalue().encode("utf-8")


def dataset_id(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def key_matches(given: object, expected: str) -> bool:
    """The operator's key, compared in constant time (hmac.compare_digest)."""
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    enabled: bool
    db: str
    key: str
    max_bytes: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        try:
            max_mb = float(env.get("JX_PUBLISH_MAX_MB") or DEFAULT_MAX_MB)
        except ValueError:
            max_mb = DEFAULT_MAX_MB
        return cls(
            enabled=env.get("JX_PUBLISH", "").strip().lower() in ("on", "1", "true", "yes"),
            db=env.get("JX_PUBLISH_DB") or str(DEFAULT_DB),
            key=env.get("JX_PUBLISH_KEY", ""),
            max_bytes=max(0, int(max_mb * 1024 * 1024)),
        )


def database_url(db: str) -> str:
    """`JX_PUBLISH_DB` as a SQLAlchemy URL: a plain path is a SQLite file; postgresql:// uses psycopg 3."""
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if "://" in db:
        return db
    return "sqlite:///" + str(Path(db).expanduser().resolve())


# ---------------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    id: str
    content: bytes
    rows: int
    published_at: str  # ISO 8601 UTC

    @property
    def date(self) -> str:
        return self.published_at[:10]


class Store:
    """Published sets in one database; safe to share between processes and threads."""

    def __init__(self, db: str, *, max_bytes: int = int(DEFAULT_MAX_MB * 1024 * 1024), create: bool = True):
        url = database_url(db)
        self.max_bytes = max_bytes
        self.sqlite = url.startswith("sqlite")
        self.path: Path | None = None  # SQLite's file, looked for before each read when not creating it
        self.create = create
        if self.sqlite:
            path = self.path = Path(sa.make_url(url).database or "")
            if create:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreUnavailable(f"cannot make {path.parent}: {exc.strerror}") from None
            # check_same_thread off: Streamlit runs sessions on several threads; the pool hands a
            # connection to one thread at a time.
            self.engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            sa.event.listen(self.engine, "connect", _sqlite_connect)
            sa.event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)
        if create:
            try:
                self._create_table()
            except (OSError, sa.exc.SQLAlchemyError) as exc:
                raise StoreUnavailable(str(exc).splitlines()[0]) from None

    def _create_table(self) -> None:
        # Several replicas may start at once: a second CREATE that lost the race is not an error.
        for attempt in range(3):
            try:
                TABLE.metadata.create_all(self.engine, checkfirst=True)
                return
            except sa.exc.SQLAlchemyError:
                if attempt == 2:
                    raise

    def dispose(self) -> None:
        self.engine.dispose()

    def _writing(self):
        """A connection whose transaction holds the store's write lock (SQLite: BEGIN IMMEDIATE;
        PostgreSQL: a transaction-scoped advisory lock), so the size check and the insert see the
        same store."""
        conn = self.engine.connect()
        if self.sqlite:
            conn = conn.execution_options(jx_immediate=True)
        return conn

    def publish(self, content: bytes, rows: int) -> tuple[Published, bool]:
        """Store `content` under its hash; returns the set and whether it is new. Publishing the same
        content again returns the stored set unchanged. PublishError("full") when the store's cap
        would be passed, ("store") when the database cannot be written."""
        ident = dataset_id(content)
        try:
            with self._writing() as conn, conn.begin():
                if not self.sqlite:
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(2207220722)"))
                existing = conn.execute(sa.select(TABLE).where(TABLE.c.id == ident)).first()
                if existing is not None:
                    return _published(existing), False
                used = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(TABLE.c.size), 0))).scalar_one()
                if used + len(content) > self.max_bytes:
                    raise PublishError("full", f"{used + len(content)} bytes would pass the cap of {self.max_bytes}")
                when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                conn.execute(TABLE.insert().values(id=ident, content=content, rows=rows, size=len(content), published_at=when))
                return Published(ident, content, rows, when), True
        except sa.exc.SQLAlchemyError as exc:
            raise PublishError("store", str(exc).splitlines()[0]) from None

    def get(self, ident: str) -> Published | None:
        """The set with this id, None if there is none (or no store yet); DamagedDataset when the
        stored bytes do not hash to the id."""
        if not state.is_data_id(ident):
            return None
        if self.path and not self.create and not self.path.exists():  # nothing published yet; don't make an empty file
            return None
        try:
            with self.engine.connect() as conn:
                row = conn.execute(sa.select(TABLE).where(TABLE.c.id == ident)).first()
        except sa.exc.OperationalError as exc:
            if self.sqlite and "no such table" in str(exc):  # nothing was ever published here
                return None
            raise StoreUnavailable(str(exc).splitlines()[0]) from None
        except sa.exc.ProgrammingError:  # PostgreSQL: no table yet
            return None
        except sa.exc.SQLAlchemyError as exc:
            raise StoreUnavailable(str(exc).splitlines()[0]) from None
        if row is None:
            return None
        published = _published(row)
        if dataset_id(published.content) != ident:
            raise DamagedDataset(f"published data set {ident}: the stored content does not match its id")
        return published

    def remove(self, ident: str) -> bool:
        """Delete one published set (the operator's `make unpublish ID=…`); True if it was there."""
        with self._writing() as conn, conn.begin():
            return conn.execute(TABLE.delete().where(TABLE.c.id == ident)).rowcount > 0

    def used_bytes(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(TABLE.c.size), 0))).scalar_one())


def _published(row) -> Published:
    return Published(row.id, bytes(row.content), int(row.rows), row.published_at)


def _sqlite_connect(dbapi_connection, _record) -> None:
    # SQLAlchemy's documented recipe: let SQLAlchemy, not the sqlite3 module, emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer; replicas share the file
    cursor.execute("PRAGMA busy_timeout=30000")  # a second writer waits its turn instead of failing
    cursor.close()


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("jx_immediate") else "BEGIN")


def read_published(published: Published, folder: str | None = None) -> pd.DataFrame:
    """The stored facts, validated again as an upload is (the registries may have changed since);
    DamagedDataset when they no longer read as valid facts."""
    from dashboard import data  # the data layer loads Streamlit's caches: import it only when reading

    source = io.BytesIO(published.content)
    source.name = FILE_NAME
    try:
        facts = data.read_facts(source, folder)
    except data.DataError as error:
        raise DamagedDataset(f"published data set {published.id} no longer reads as valid facts: {error}") from None
    if len(facts) != published.rows:
        raise DamagedDataset(f"published data set {published.id}: {len(facts)} rows read, {published.rows} stored")
    return facts


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard.publish remove <id>` (make unpublish ID=…), `list`."""
    import argparse

    parser = argparse.ArgumentParser(description="The published data sets of JX_PUBLISH_DB.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="id, rows, date published, size of each set")
    remove = sub.add_parser("remove", help="delete one published set (its links then open the bundled view)")
    remove.add_argument("id")
    opts = parser.parse_args(argv)
    settings = Settings.from_env()
    store = Store(settings.db, max_bytes=settings.max_bytes, create=False)
    if store.path and not store.path.exists():
        print(f"no published data sets: {settings.db} does not exist")
        return 1 if opts.command == "remove" else 0
    if opts.command == "list":
        with store.engine.connect() as conn:
            for row in conn.execute(sa.select(TABLE.c.id, TABLE.c.rows, TABLE.c.published_at, TABLE.c.size)):
                print(row.id, row.rows, row.published_at, row.size, sep="\t")
        return 0
    if not state.is_data_id(opts.id):
        print(f"not a data set id (64 hex digits): {opts.id!r}")
        return 2
    if store.remove(opts.id):
        print(f"removed {opts.id} from {settings.db}")
        return 0
    print(f"no published data set {opts.id} in {settings.db}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
