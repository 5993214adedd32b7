"""PostgreSQL specifics: schema migration on start, unreachable databases, the password kept hidden."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import psycopg
import pytest

from kits.postgres import PASSWORD as PG_PASSWORD
from kits.postgres import PostgresServer, free_port
from kits.sink_processes import COMMAND, SECRET_ENV, clean_env
from pulumi_thingspace.sink import CallbackStore, SinkSettings, StoreUnavailable, open_store
from pulumi_thingspace.sink.dsn import mask_password
from pulumi_thingspace.sink.settings import env_name
from pulumi_thingspace.sink.store_postgres import SCHEMA_VERSION


def schema_versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [int(r[0]) for r in conn.execute("SELECT version FROM sink_schema_version ORDER BY 1")]


def test_replicas_starting_at_once_migrate_the_schema_exactly_once(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database()
    start = threading.Barrier(6)
    opened: list[CallbackStore] = []
    errors: list[BaseException] = []

    def replica() -> None:
        start.wait()
        try:
            opened.append(open_store(url))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=replica) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert schema_versions(url) == list(range(1, SCHEMA_VERSION + 1))
    assert opened[0].add("r1", 1, {"requestId": "r1"})
    assert all(store.get("r1") == [{"requestId": "r1"}] for store in opened)
    for store in opened:
        store.close()
    again = open_store(url)  # restarting is a no-op migration that keeps the data
    assert again.get("r1") == [{"requestId": "r1"}]
    again.close()
    assert schema_versions(url) == list(range(1, SCHEMA_VERSION + 1))


def test_a_database_from_a_newer_sink_is_refused(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database()
    open_store(url).close()
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO sink_schema_version (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreUnavailable, match="upgrade the sink") as caught:
        open_store(url)
    assert PG_PASSWORD not in str(caught.value)


def test_an_unreachable_database_is_a_clear_error_without_the_password() -> None:
    url = f"postgresql://sink:{PG_PASSWORD}@127.0.0.1:{free_port()}/callbacks"
    with pytest.raises(StoreUnavailable) as caught:
        open_store(url, timeout=1)
    message = str(caught.value)
    assert "postgresql://sink:***@127.0.0.1" in message and "refused" in message
    assert PG_PASSWORD not in message


def test_a_wrong_password_is_reported_without_either_password(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database().replace(PG_PASSWORD, "Wr0ng-Guess-77")
    with pytest.raises(StoreUnavailable, match="authentication failed") as caught:
        open_store(url, timeout=1)
    assert "Wr0ng-Guess-77" not in str(caught.value) and PG_PASSWORD not in str(caught.value)


def test_console_script_with_an_unreachable_database_exits_1_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://sink:{PG_PASSWORD}@127.0.0.1:{free_port()}/callbacks"
    env = clean_env({**SECRET_ENV, env_name("db_path"): url, env_name("db_timeout"): "1"})
    done = subprocess.run([*COMMAND, "--port", "0"], env=env, capture_output=True, timeout=60)
    assert done.returncode == 1
    assert b"cannot start" in done.stderr and b"sink:***@127.0.0.1" in done.stderr
    assert PG_PASSWORD.encode() not in done.stderr + done.stdout


def test_db_setting_takes_a_url_from_the_environment_and_hides_its_password() -> None:
    url = f"postgresql://sink:{PG_PASSWORD}@db.internal:5432/callbacks?sslmode=require"
    settings = SinkSettings.from_sources({}, {**SECRET_ENV, "THINGSPACE_SINK_DB": url})
    assert settings.database == url
    assert settings.database_label == "postgresql://sink:***@db.internal:5432/callbacks?sslmode=require"
    assert PG_PASSWORD not in repr(settings)
    file_settings = SinkSettings.from_sources({"db_path": "cb.db"}, SECRET_ENV)
    assert file_settings.database == Path("cb.db")
    with pytest.raises(ValueError, match="THINGSPACE_SINK_DB_TIMEOUT"):
        SinkSettings.from_sources({"db_timeout": "soon"}, SECRET_ENV)


def test_store_repr_masks_the_password(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database()
    store = open_store(url)
    assert repr(store) == f"PostgresStore({mask_password(url)!r})"
    assert PG_PASSWORD not in repr(store)
    store.close()


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://u:p%40ss@h:5432/db", "postgresql://u:***@h:5432/db"),
        (
            "postgres://u@h/db?password=secret&sslmode=require",
            "postgres://u@h/db?password=***&sslmode=require",
        ),
        ("postgresql:///db?host=/run/postgresql", "postgresql:///db?host=/run/postgresql"),
        ("postgresql://u:a:b@h1:5432,h2:5432/db", "postgresql://u:***@h1:5432,h2:5432/db"),
    ],
)
def test_mask_password(url: str, masked: str) -> None:
    assert mask_password(url) == masked
