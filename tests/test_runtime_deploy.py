"""The executor in a real deployment: store errors are sopflow errors, SOP revisions while
cases run, migrations."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sopfactory import new_sop
from test_runtime import MONDAY, loop_procedure

from sopflow import END, Procedure
from sopflow.runtime import (
    EventKind,
    ExecutionError,
    Executor,
    FakeClock,
    InstanceStatus,
    MemoryStore,
    RevisionError,
    SQLiteStore,
    StoreBusyError,
    StoreError,
    UnknownStepError,
    fingerprint,
    monitor,
    open_store,
)
from sopflow.runtime.sqlite_store import APPLICATION_ID

# ---------------------------------------------------------------- store errors


def test_a_locked_database_is_store_busy_and_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with SQLiteStore(path, timeout=0.1) as store:
        ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
        ex.start("a")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            with pytest.raises(StoreBusyError, match=r"locked.*retry.*timeout=") as caught:
                ex.complete("a", "ajukan", by="P")
            assert isinstance(caught.value, StoreError)
            with pytest.raises(StoreBusyError):
                ex.start("b")
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert ex.get("a").version == 1  # nothing was written
        ex.complete("a", "ajukan", by="P")  # and the store works again


@pytest.mark.parametrize(("column", "value"), [
    ("active", "not json"),
    ("active", '[["ajukan", "one", "2025-04-14T08:00:00", false]]'),
    ("visits", '{"ajukan": "x"}'),
    ("metadata", "[1, 2]"),
    ("created_at", "yesterday"),
    ("status", "sleeping"),
    ("version", "'abc'"),
])
def test_a_damaged_row_names_its_instance_and_the_others_still_list(
    tmp_path: Path, column: str, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "damaged.db"
    with SQLiteStore(path) as store:
        ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
        for iid in ("a", "b", "c"):
            ex.start(iid)
    conn = sqlite3.connect(path)
    literal = value if value.startswith("'") else "?"
    params = () if value.startswith("'") else (value,)
    conn.execute(f"UPDATE instances SET {column} = {literal} WHERE id = 'b'", params)
    conn.commit()
    conn.close()
    with SQLiteStore(path) as store:
        ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
        with pytest.raises(StoreError, match=r"instance 'b'.*damaged"):
            ex.get("b")
        with caplog.at_level(logging.WARNING, logger="sopflow.runtime"):
            assert [i.id for i in ex.instances()] == ["a", "c"]
            assert [w.instance_id for w in ex.worklist()] == ["a", "c"]
            assert {e.instance_id for e in ex.events()} >= {"a", "c"}
        assert "'b'" in caplog.text
        ex.complete("a", "ajukan", by="P")
        assert len(monitor(ex).instances) == 2


def test_a_damaged_event_names_instance_and_event(tmp_path: Path) -> None:
    path = tmp_path / "event.db"
    with SQLiteStore(path) as store:
        ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
        ex.start("a")
        ex.start("b")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE events SET actors = '{' WHERE instance_id = 'a' AND seq = 1")
    conn.commit()
    conn.close()
    with SQLiteStore(path) as store:
        ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
        with pytest.raises(StoreError, match=r"instance 'a'.*event #1.*damaged"):
            ex.history("a")
        assert len(ex.history("b")) == 2
        assert [e.instance_id for e in ex.events()] == ["a", "b", "b"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_database_that_is_not_a_sopflow_store_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.execute("INSERT INTO users VALUES ('ani')")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(StoreError, match=r"not a sopflow store.*users.*left unchanged"):
        SQLiteStore(path)
    assert _digest(path) == before
    assert not Path(str(path) + "-wal").exists()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    # another program's application_id, even without tables
    marked = tmp_path / "marked.db"
    conn = sqlite3.connect(marked)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    with pytest.raises(StoreError, match="application_id 1234"):
        SQLiteStore(marked)
    text = tmp_path / "notes.db"
    text.write_text("just text, not a database at all " * 100)
    with pytest.raises(StoreError, match=r"notes\.db"):
        SQLiteStore(text)
    assert text.read_text().startswith("just text")


def test_a_new_store_is_marked_and_another_version_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        SQLiteStore(path)


_V1 = """
CREATE TABLE sopflow_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE instances (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
 procedure TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,
 event_count INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
 end_node TEXT, metadata TEXT NOT NULL, active TEXT NOT NULL, visits TEXT NOT NULL);
CREATE INDEX instances_by_procedure ON instances (procedure, status);
CREATE TABLE events (instance_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
 timestamp TEXT NOT NULL, version INTEGER NOT NULL, step_id TEXT, activity TEXT,
 actors TEXT NOT NULL, person TEXT, visit INTEGER, answer TEXT, note TEXT NOT NULL,
 inputs_present TEXT, output TEXT, PRIMARY KEY (instance_id, seq));
INSERT INTO sopflow_meta VALUES ('schema_version', '1');
INSERT INTO instances (id, procedure, version, status, event_count, created_at, updated_at,
 end_node, metadata, active, visits) VALUES ('old', 'SOP Permohonan', 1, 'running', 2,
 '2025-04-14T08:00:00', '2025-04-14T08:00:00', NULL, '{}',
 '[["hapus", 1, "2025-04-14T08:00:00", false]]', '{"hapus": 1}');
INSERT INTO events VALUES ('old', 0, 'instance_started', '2025-04-14T08:00:00', 1, NULL, NULL,
 '[]', NULL, NULL, NULL, '', NULL, NULL);
INSERT INTO events VALUES ('old', 1, 'step_activated', '2025-04-14T08:00:00', 1, 'hapus',
 'Langkah lama', '["Pemohon"]', NULL, 1, NULL, '', NULL, NULL);
"""


def test_a_version_1_store_is_upgraded_and_its_unpinned_instances_are_handled(
    tmp_path: Path,
) -> None:
    """An instance from before revisions waits at a step the SOP no longer has: a clear
    RevisionError (never KeyError), the worklist still lists the others, cancel and migrate
    work."""
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.executescript(_V1)
    conn.close()
    with SQLiteStore(path) as store:
        ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
        ex.start("new")
        old = ex.get("old")
        assert old.revision is None
        assert [w.instance_id for w in ex.worklist()] == ["new"]
        with pytest.raises(RevisionError, match=r"'old'.*'hapus'.*migrate"):
            ex.work_items("old")
        with pytest.raises(RevisionError):
            ex.complete("old", "hapus", by="P")
        assert ex.check_overdue(at=MONDAY.replace(day=30)) != []
        dry = ex.migrate(["old"])
        assert dry.refused and "'hapus'" in (dry.refused[0].problem or "")
        report = ex.migrate(["old"], steps={"hapus": "periksa"})
        assert report.migrations[0].applied
        assert ex.get("old").revision == ex.revision
        assert ex.work_items("old")[0].step_id == "periksa"
        ex.answer("old", "periksa", "Ditolak", by="P")
        assert ex.get("old").status is InstanceStatus.COMPLETED
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


# ---------------------------------------------------------------- revisions


def revised_procedure(name: str = "SOP Permohonan") -> Procedure:
    """Revision 2: 'periksa' renamed 'verifikasi' (Waktu 30 -> 10 menit), 'arsip' removed."""
    sop = new_sop(name)
    pemohon = sop.actor("Pemohon")
    petugas = sop.actor("Petugas")
    kepala = sop.actor("Kepala")
    sop.step("Mengajukan permohonan", by=pemohon, id="ajukan", inputs=["Formulir", "KTP"],
             time="5 menit", output="Permohonan")
    sop.decision("Apakah berkas lengkap?", by=petugas, id="verifikasi",
                 exits={"Lengkap": "proses", "Kurang": "ajukan", "Ditolak": END},
                 inputs=["Permohonan"], time="10 menit", output="Hasil pemeriksaan")
    sop.step("Memproses permohonan", by=[petugas, kepala], id="proses", inputs=["Permohonan"],
             time="1 hari kerja", output="Surat", then=END)
    return sop.compile(strict=False)


def test_the_fingerprint_follows_the_content() -> None:
    assert fingerprint(loop_procedure()) == fingerprint(loop_procedure())
    assert fingerprint(loop_procedure()) != fingerprint(revised_procedure())
    assert len(fingerprint(loop_procedure())) == 64


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_old_instances_run_on_their_own_revision(tmp_path: Path, kind: str) -> None:
    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "r.db")
    clock = FakeClock(MONDAY)
    old_ex = Executor(loop_procedure(), store=store, clock=clock)
    old_ex.start("a")
    clock.advance(minutes=10)
    old_ex.complete("a", "ajukan", by="P")  # 10 min against "15 menit": on time
    old_ex.start("b")
    del old_ex
    # a later process knows only the revised SOP file
    if kind == "sqlite":
        store.close()
        store = SQLiteStore(tmp_path / "r.db")
    ex = Executor(revised_procedure(), store=store, clock=clock)
    assert {i.id for i in ex.instances()} == {"a", "b"}
    items = {w.instance_id: w for w in ex.worklist()}
    assert items["a"].step_id == "periksa" and items["a"].answers == ("Lengkap", "Kurang",
                                                                      "Ditolak")
    assert ex.check_overdue() == []
    clock.advance(minutes=20)
    ex.answer("a", "periksa", "Lengkap", by="P")  # the old step id, on the old revision
    clock.advance(minutes=5)
    ex.complete("a", "proses", by="P")
    ex.answer("a", "ulang", "Tidak", by="P")
    ex.complete("a", "arsip", by="P")  # a step only the old revision has
    assert ex.get("a").status is InstanceStatus.COMPLETED
    assert ex.get("a").revision == fingerprint(loop_procedure())
    with pytest.raises(UnknownStepError):
        ex.complete("b", "verifikasi", by="P")
    ex.start("c")  # new instances start on the new revision
    assert ex.get("c").revision == ex.revision
    clock.advance(minutes=10)
    ex.complete("c", "ajukan", by="P")  # 10 min against the new "5 menit": late
    report = monitor(ex)
    timings = {(t.instance_id, t.step_id): t for r in report.instances for t in r.timings}
    assert timings["a", "ajukan"].late is False  # judged by its own revision's Waktu
    assert timings["a", "ajukan"].waktu == "15 menit"
    assert timings["a", "periksa"].late is False  # 20 min against 30 menit
    assert timings["c", "ajukan"].late is True
    assert ex.standard("ajukan", revision=ex.get("a").revision).waktu == "15 menit"
    store.close()


def test_a_renamed_sop_keeps_its_instances_with_former_names() -> None:
    store = MemoryStore()
    Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY)).start("a")
    renamed = revised_procedure("SOP Permohonan Layanan")
    assert Executor(renamed, store=store).instances() == []
    ex = Executor(renamed, store=store, clock=FakeClock(MONDAY),
                  former_names=["SOP Permohonan"])
    assert [i.id for i in ex.instances()] == ["a"]
    ex.complete("a", "ajukan", by="P")
    report = ex.migrate(steps={"periksa": "verifikasi"})
    assert [m.applied for m in report.migrations] == [True]
    assert ex.get("a").procedure == "SOP Permohonan Layanan"


def test_migration_dry_run_then_apply() -> None:
    store = MemoryStore()
    clock = FakeClock(MONDAY)
    old = Executor(loop_procedure(), store=store, clock=clock)
    for iid in ("a", "b", "done"):
        old.start(iid)
    old.complete("a", "ajukan", by="P")
    old.cancel("done")
    ex = Executor(revised_procedure(), store=store, clock=clock)
    before = {i.id: (i, ex.history(i.id)) for i in ex.instances()}
    dry = ex.migrate(dry_run=True)
    assert [m.instance_id for m in dry.migrations] == ["a", "b"]  # finished ones stay
    assert dry.refused[0].instance_id == "a" and "'periksa'" in (dry.refused[0].problem or "")
    assert dry.migrations[1].moves == (("ajukan", "ajukan"),) and not dry.migrations[1].applied
    assert {i.id: (i, ex.history(i.id)) for i in ex.instances()} == before  # nothing written
    assert "would migrate" in dry.text()
    with pytest.raises(UnknownStepError):
        ex.migrate(steps={"periksa": "nowhere"})
    clock.advance(minutes=3)
    report = ex.migrate(steps={"periksa": "verifikasi"}, by="Admin")
    assert [m.applied for m in report.migrations] == [True, True]
    a = ex.get("a")
    assert a.revision == ex.revision and a.active_step_ids == ("verifikasi",)
    assert a.active[0].activated_at == MONDAY  # the Mutu Baku clock did not restart
    assert dict(a.visits) == {"ajukan": 1, "verifikasi": 1}
    last = ex.history("a")[-1]
    assert last.kind is EventKind.INSTANCE_MIGRATED and last.person == "Admin"
    assert "periksa -> verifikasi" in last.note
    clock.advance(minutes=20)
    ex.answer("a", "verifikasi", "Lengkap", by="P")
    timing = monitor(ex).instance("a").timings[-1]
    assert (timing.step_id, timing.waktu, timing.late) == ("verifikasi", "10 menit", True)
    assert ex.migrate().migrations == ()  # nothing left on another revision


def test_a_revision_missing_from_the_store_is_a_revision_error() -> None:
    store = MemoryStore()
    Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY)).start("a")
    store._definitions.clear()  # another program lost the stored revision
    ex = Executor(revised_procedure(), store=store, clock=FakeClock(MONDAY))
    with pytest.raises(RevisionError, match=r"'a'.*not in the store"):
        ex.work_items("a")
    assert ex.worklist() == []
    ex.cancel("a")
    assert ex.get("a").status is InstanceStatus.CANCELLED


def test_no_raw_key_error_from_a_renamed_step_anywhere() -> None:
    store = MemoryStore()
    Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY)).start("a")
    ex = Executor(revised_procedure(), store=store, clock=FakeClock(MONDAY))
    calls = [
        lambda: ex.worklist(), lambda: ex.check_overdue(), lambda: monitor(ex),
        lambda: ex.work_items("a"), lambda: ex.complete("a", "ajukan", by="P"),
        lambda: ex.cancel("a"),
    ]
    for call in calls:
        try:
            call()
        except KeyError as error:  # UnknownInstanceError is the only KeyError allowed
            pytest.fail(f"raw KeyError: {error!r}")
        except ExecutionError:
            pass


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_one_executor_shared_by_threads_loses_nothing(tmp_path: Path, kind: str) -> None:
    """8 threads complete steps of the same instances at once: every acknowledged transition
    is in the store, event numbers are unique, conflicts are reported, never swallowed."""
    from sopflow.runtime import ConcurrentModificationError, StepNotActiveError

    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "threads.db")
    ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
    ids = [f"t{k}" for k in range(4)]
    for iid in ids:
        ex.start(iid)
    acknowledged: dict[str, int] = dict.fromkeys(ids, 0)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        for k in range(60):
            iid = ids[(n + k) % len(ids)]
            try:
                instance = ex.get(iid)
                step = instance.active[0].step_id
                ex.complete(iid, step, by="P", answer={"periksa": "Kurang"}.get(step))
            except (ConcurrentModificationError, StepNotActiveError):
                continue
            except BaseException as error:
                errors.append(error)
                return
            with lock:
                acknowledged[iid] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for iid in ids:
        instance = ex.get(iid)
        history = ex.history(iid)
        assert instance.version == 1 + acknowledged[iid]
        assert [e.seq for e in history] == list(range(len(history)))
        assert len(history) == instance.event_count
    assert sum(acknowledged.values()) > 0
    store.close()


# ---------------------------------------------------------------- open_store, PostgreSQL


def test_open_store_reads_urls(tmp_path: Path) -> None:
    assert isinstance(open_store("memory:"), MemoryStore)
    store = open_store(f"sqlite:///{tmp_path / 'u.db'}?synchronous=normal&timeout=2")
    assert isinstance(store, SQLiteStore) and store.timeout == 2.0
    store.close()
    for bad, message in [("mysql://x", "not a store URL"), ("sqlite://x.db", "sqlite:///"),
                         (f"sqlite:///{tmp_path / 'v.db'}?fast=1", "unknown option 'fast'"),
                         (f"sqlite:///{tmp_path / 'v.db'}?timeout=soon", "not a float")]:
        with pytest.raises(ValueError, match=message):
            open_store(bad)


def test_postgres_refuses_a_foreign_schema_and_reports_locks_and_damage() -> None:
    import psycopg
    from pgstore import scratch_url
    from services import postgres_url

    with scratch_url() as url:
        schema = url.rpartition("schema=")[2]
        with psycopg.connect(postgres_url(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
            conn.execute(f'CREATE TABLE "{schema}".users (name text)')
        with pytest.raises(StoreError, match=r"not a sopflow store.*users.*left unchanged"):
            open_store(url)
    with scratch_url() as url:
        store = open_store(url + "&timeout=0.2")
        ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
        ex.start("a")
        ex.start("b")
        schema = url.rpartition("schema=")[2]
        with psycopg.connect(postgres_url()) as other:
            other.execute(f'SELECT * FROM "{schema}".instances WHERE id = %s FOR UPDATE', ("a",))
            with pytest.raises(StoreBusyError, match="locked"):
                ex.complete("a", "ajukan", by="P")
            ex.complete("b", "ajukan", by="P")  # another instance's row is free
            assert [w.instance_id for w in ex.worklist()] == ["a", "b"]  # reads never wait
        assert ex.get("a").version == 1
        with psycopg.connect(postgres_url(), autocommit=True) as other:
            other.execute(f"UPDATE \"{schema}\".instances SET visits = '[' WHERE id = 'b'")
        with pytest.raises(StoreError, match=r"instance 'b'.*damaged"):
            ex.get("b")
        assert [i.id for i in ex.instances()] == ["a"]
        store.close()


# ---------------------------------------------------------------- streaming reads


def test_streamed_monitoring_equals_the_per_instance_reports(tmp_path: Path) -> None:
    """monitor() reads the instances and the event log once each; the result must be what
    reading each instance's history gives, and events() must stream lazily."""
    store = SQLiteStore(tmp_path / "m.db")
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), store=store, clock=clock)
    for n in range(30):
        ex.start(f"i{n}")
        for k in range(n % 7):
            (item,) = ex.work_items(f"i{n}")
            clock.advance(minutes=9 * (n % 5) + k)
            ex.complete(f"i{n}", item.step_id, by="P",
                        answer=item.answers[(n + k) % len(item.answers)] if item.answers else None)
            if ex.get(f"i{n}").finished:
                break
    streamed = monitor(ex)
    one_by_one = monitor(ex, instance_ids=[i.id for i in ex.instances()])
    assert streamed.instances == one_by_one.instances
    assert streamed.steps == one_by_one.steps
    events = ex.events()
    assert not isinstance(events, list | tuple)
    first = next(iter(events))
    assert (first.instance_id, first.seq) == ("i0", 0)
    assert len(list(ex.events())) == sum(i.event_count for i in ex.instances())
    store.close()


@pytest.mark.parametrize("waktu", ["9999 tahun", "999999999 hari", "99999999 hari kalender",
                                   "9999999999999 menit"])
def test_an_absurd_waktu_gives_no_due_time_instead_of_overflow(waktu: str) -> None:
    sop = new_sop("SOP Lama Sekali")
    actor = sop.actor("Petugas")
    sop.step("Menunggu", by=actor, id="s1", time=waktu, inputs=["Berkas"], output="Surat",
             then=END)
    ex = Executor(sop.compile(strict=False), clock=FakeClock(MONDAY))
    ex.start("i")
    assert ex.work_items("i")[0].due_at is None
    assert "limit of 100 years" in (ex.standard("s1").problem or "")
    assert ex.check_overdue() == []
    ex.complete("i", "s1", by="P")
    (timing,) = monitor(ex).instance("i").timings
    assert timing.late is None and "100 years" in (timing.problem or "")


def test_exports_are_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sopflow.runtime import events_to_csv

    ex = Executor(loop_procedure(), clock=FakeClock(MONDAY))
    ex.start("a")
    target = tmp_path / "log.csv"
    target.write_text("previous export\n")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        events_to_csv(ex.events(), target)
    with pytest.raises(OSError, match="No space"):
        monitor(ex).table().to_csv(target)
    assert target.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["log.csv"]  # no temporary left behind
    monkeypatch.undo()
    events_to_csv(ex.events(), target)
    assert target.read_text().startswith("case_id,")


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_fast_built_values_equal_attrs_built_ones(tmp_path: Path, kind: str) -> None:
    """The executor and the stores build events and instances on a fast path; each must hold
    exactly the declared fields and equal the same value built through attrs."""
    import attrs

    from sopflow.runtime import Event, Instance

    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "f.db")
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), store=store, clock=clock)
    ex.start("a")
    ex.complete("a", "ajukan", by="P", inputs_present=["KTP"], output="Permohonan")
    ex.answer("a", "periksa", "Ditolak", by="Q", note="catatan")
    values: list[Event | Instance] = [*ex.history("a"), ex.get("a")]
    for value in values:
        names = {f.name for f in attrs.fields(type(value))}
        if hasattr(value, "__dict__"):  # Instance: the dict holds exactly the fields
            assert set(vars(value)) == names
        else:  # Event is slotted: every slot is set
            assert all(hasattr(value, n) for n in names)
        rebuilt = type(value)(**{n: getattr(value, n) for n in names})
        assert rebuilt == value
        if isinstance(value, Event):
            assert hash(rebuilt) == hash(value)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            value.seq = 5  # type: ignore[misc, union-attr]
    store.close()


def test_a_row_changed_behind_the_stores_back_is_read_again(tmp_path: Path) -> None:
    """The store keeps the row each transition wrote to skip decoding it on the next read;
    any change to the row (here without a new version) is seen all the same."""
    path = tmp_path / "kept.db"
    with SQLiteStore(path) as store:
        ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
        ex.start("a")
        ex.get("a")
        after = ex.complete("a", "ajukan", by="P")
        assert ex.get("a") is after  # the row just written, not decoded again
        conn = sqlite3.connect(path)
        conn.execute("UPDATE instances SET visits = '{\"ajukan\": 7}' WHERE id = 'a'")
        conn.commit()
        assert ex.get("a").visits == {"ajukan": 7}
        conn.execute("UPDATE instances SET visits = '[' WHERE id = 'a'")
        conn.commit()
        conn.close()
        with pytest.raises(StoreError, match=r"instance 'a'.*damaged"):
            ex.get("a")


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(st.tuples(st.text(max_size=6), st.integers(1, 10**9), st.datetimes(),
                                st.booleans()), max_size=3),
       visits=st.dictionaries(st.text(max_size=6), st.integers(0, 10**9), max_size=4))
def test_hand_written_json_of_active_steps_and_visits_is_json_dumps(
    steps: list[tuple[str, int, datetime, bool]], visits: dict[str, int]
) -> None:
    import json

    from sopflow.runtime._rows import _active_json, _visits_json
    from sopflow.runtime.state import ActiveStep

    active = tuple(ActiveStep(step_id=s, visit=v, activated_at=t, overdue_notified=n)
                   for s, v, t, n in steps)
    assert _active_json(active) == json.dumps([[s, v, t.isoformat(), n]
                                               for s, v, t, n in steps])
    assert _visits_json(visits) == json.dumps(visits)
