"""Search across the plan (core.search): real plan files, the province scenario with every kind of
table filled, the index kept current by every write path, and what each unit may see."""
from __future__ import annotations

import hashlib
import sqlite3

import pytest

from cycle_scenario import province_copy
from search_scenario import enrich
from renstra_desktop.core import search
from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.schema import TABLES
from renstra_desktop.core.search import SearchIndex, fts_query, plain_text, search_plan
from renstra_desktop.core.search_sources import BY_TABLE, NOT_INDEXED, SKIPPED_FIELDS, SOURCES
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store


@pytest.fixture
def province(tmp_path, tmp_path_factory):
    return province_copy(tmp_path, tmp_path_factory)


def _found(result, table=None, column=None, unit=None) -> list:
    return [h for h in result.hits if (table is None or h.table == table) and (column is None or h.column == column)
            and (unit is None or h.unit_code == unit)]


def _marked(hit) -> list[str]:
    return [hit.text[a:b] for a, b in hit.spans]


# one query per indexed table and column kind, against the Kanwil's file after both UPT packages
EVERY_KIND = [
    ("Lombok Barat", "unit", "name", "LPS-LOBAR"),
    ("Majapahit", "unit", "address", "KANWIL"),
    ("Lombok", "unit", "island", "LPS-LOBAR"),
    ("Pengendalian Mutu Penyelenggaraan", "indicator", "name", None),
    ("reformasi birokrasi", "objective", "name", None),
    ("Notulen evaluasi", "realisation", "evidence", "LPS-LOBAR"),
    ("Gangguan keamanan", "risk", "risk", "LPS-LOBAR"),
    ("Keterbatasan CCTV", "risk", "cause", "LPS-LOBAR"),
    ("apel pagi", "risk", "current_control", "LPS-LOBAR"),
    ("Patroli", "risk", "treatments", "BPS-MATARAM"),
    ("Nihil gangguan", "risk", "success_indicators", "LPS-LOBAR"),
    ("Kepala Bidang Pelayanan", "risk", "responsible", "KANWIL"),
    ("Renovasi ruang kerja", "roadmap_item", "text", "KANWIL"),
    ("Ditjenpas", "funding", "executing_unit", "KANWIL"),
    ("pembinaan kemandirian", "unit_indicator", "name", "LPS-LOBAR"),
    ("Sistem Database Pemasyarakatan", "indicator_manual", "data_source", "KANWIL"),
    ("Kasi Binadik", "indicator_manual", "responsible", "BPS-MATARAM"),
    ("Kepala LPS-LOBAR", "performance_agreement", "first_name", "LPS-LOBAR"),
    ("19661018", "performance_agreement", "second_nip", "BPS-MATARAM"),
    ("Sosialisasi", "action_plan", "activities_tw1", "LPS-LOBAR"),
    ("Kasubag TU", "action_plan", "responsible", "BPS-MATARAM"),
    ("Dukungan Manajemen", "pk_budget", "program", "KANWIL"),
    ("asesmen tertunda", "measurement_note", "explanation", "LPS-LOBAR"),
    ("asesor terbatas", "measurement_note", "obstacles", "BPS-MATARAM"),
    ("notulen-tw2", "evidence_file", "file_name", "LPS-LOBAR"),
    ("Puji syukur", "report_narrative", "content", "LPS-LOBAR"),
    ("sesuai rencana", "report_narrative", "content", "BPS-MATARAM"),
    ("Patroli terjadwal", "risk_action", "action", "LPS-LOBAR"),
    ("Buku patroli", "risk_action", "output", "BPS-MATARAM"),
    ("Sesuai jadwal", "risk_action_status", "note", "LPS-LOBAR"),
    ("Turun setelah patroli", "risk_quarter", "note", "BPS-MATARAM"),
    ("Perkelahian antar penghuni", "risk_event", "description", "LPS-LOBAR"),
    ("pemeriksaan", "risk_event", "response", "BPS-MATARAM"),
]


@pytest.fixture
def kanwil_index(province):
    enrich(province)
    index = SearchIndex.open(province["kanwil"])
    yield index
    index.close()


@pytest.mark.parametrize("query,table,column,unit", EVERY_KIND, ids=[f"{t}.{c}" for _, t, c, _ in EVERY_KIND])
def test_every_kind_of_text_is_found_where_it_is(kanwil_index, query, table, column, unit):
    hits = _found(kanwil_index.search(query), table, column, unit)
    assert hits, [(h.table, h.column, h.unit_code, h.text) for h in kanwil_index.search(query).hits]
    hit = hits[0]
    assert query.split()[0].lower()[:4] in " ".join(_marked(hit)).lower(), (hit.spans, hit.text)
    assert hit.column_label == TABLES[table].field_map[column].label
    assert hit.place["tab"] == BY_TABLE[table].tab and hit.place["column"] == column


def test_every_indexed_table_is_covered_by_the_test_above():
    assert {t for _, t, _, _ in EVERY_KIND} == {s.table for s in SOURCES}


def test_every_text_field_is_indexed_or_excluded_for_a_stated_reason():
    """A text column added to the schema later is searched, or said here why not."""
    indexed = {(s.table, c) for s in SOURCES for c in s.columns}
    left = sorted((t, f.name) for t, spec in TABLES.items() if t not in NOT_INDEXED for f in spec.fields
                  if f.kind in ("text", "list") and (t, f.name) not in indexed and f.name not in SKIPPED_FIELDS)
    assert left == []
    assert all((t, c) in {(t, f.name) for t, s in TABLES.items() for f in s.fields} for t, c in indexed)


def test_case_accents_and_word_starts_are_ignored_or_matched(kanwil_path):
    with Store.open(kanwil_path) as store:
        svc = PlanService(store, "penguji")
        svc.insert("risk", {"unit_code": "KANWIL", "program_code": "PPH", "area": "Pelayanan", "seq": 99,
                            "risk": "Antrean layanan kunjungan di SUMBAWÁ terlalu panjang", "treatments": [],
                            "success_indicators": []})
        index = SearchIndex.open(store.path)
        try:
            for query in ("sumbawa", "Sumbawá", "SUMBA", "kunjung layan", "antrean"):
                hits = _found(index.search(query), "risk", "risk")
                assert len(hits) == 1, query
            hit = _found(index.search("sumbawa"), "risk")[0]
            assert _marked(hit) == ["SUMBAWÁ"]
            assert _found(index.search("bawa"), "risk") == []       # the start of a word, not its middle
        finally:
            index.close()


def test_codes_and_numbers_are_found(kanwil_path):
    with Store.open(kanwil_path) as store:
        for query, table, marked in (("17.1", "indicator", "17.1"), ("IKK 19.2", "indicator", "IKK|19.2"),
                                     ("LPS-LOBAR", "unit", "LPS-LOBAR"), ("lps-lob", "unit", "LPS-LOBAR"),
                                     ("44", "unit", "44")):
            hits = _found(search_plan(store, query), table)
            assert hits and _marked(hits[0]) == marked.split("|"), (query, [(h.table, h.text) for h in hits])
        assert [h.row_label for h in _found(search_plan(store, "17.1"), "indicator")] == ["IKK 17.1"]


def test_tombstoned_rows_are_not_found_and_come_back_when_restored(kanwil_path):
    with Store.open(kanwil_path) as store:
        svc = PlanService(store, "penguji")
        index = SearchIndex.open(store.path)
        try:
            [hit] = _found(index.search("Renovasi ruang kerja divisi"), "roadmap_item")
            svc.delete("roadmap_item", hit.row_id)
            assert _found(index.search("Renovasi ruang kerja divisi"), "roadmap_item") == []
            fresh = SearchIndex.open(store.path)           # a new index never sees the tombstone either
            assert _found(fresh.search("Renovasi ruang kerja divisi"), "roadmap_item") == []
            fresh.close()
            svc.restore("roadmap_item", hit.row_id)
            assert [h.row_id for h in _found(index.search("Renovasi ruang kerja divisi"))] == [hit.row_id]
        finally:
            index.close()


def test_the_index_follows_edits_merges_and_rows_written_without_audit(province):
    """Every write path, from other connections than the index's own: the service, a merge in
    another process's connection, an insert made outside the application."""
    index = SearchIndex.open(province["kanwil"])
    try:
        assert index.refresh() == 0                       # nothing committed since the build
        with Store.open(province["kanwil"]) as store:
            svc = PlanService(store, "kanwil-staf")
            [row] = _found(index.search("Renovasi ruang kerja divisi"), "roadmap_item")
            svc.update("roadmap_item", row.row_id, {"text": "Rehabilitasi aula serbaguna"})
        assert _found(index.search("Renovasi ruang kerja divisi"), "roadmap_item") == []
        assert [h.row_id for h in _found(index.search("aula serbaguna"))] == [row.row_id]

        lobar = Store.open(province["LPS-LOBAR"])
        PlanService(lobar, "admin-lobar").insert("roadmap_item", {
            "unit_code": "LPS-LOBAR", "aspect": "Sarana dan Prasarana", "year": 2027, "seq": 9,
            "text": "Pembangunan menara pengawas timur", "status": "rencana"})
        package = export_package(lobar, province["folder"] / "lobar-3.rpkg").path
        lobar.close()
        assert index.search("menara pengawas").hits == ()
        with Store.open(province["kanwil"]) as store:
            assert merge_packages(store, [package], actor="kanwil-staf", trust_new_keys=True).ok
        assert [h.unit_code for h in index.search("menara pengawas").hits] == ["LPS-LOBAR"]

        conn = sqlite3.connect(province["kanwil"])       # outside the application: no audit entry
        conn.row_factory = sqlite3.Row
        template = dict(conn.execute("SELECT * FROM roadmap_item LIMIT 1").fetchone())
        template.update(id="manual-row", text="Taman baca warga binaan", seq=77)
        conn.execute(f"INSERT INTO roadmap_item ({', '.join(template)}) VALUES ({', '.join('?' * len(template))})",
                     tuple(template.values()))
        conn.commit()
        conn.close()
        assert [h.row_id for h in index.search("taman baca").hits] == ["manual-row"]
    finally:
        index.close()


def test_other_units_rows_are_found_only_where_that_unit_is_shown(kanwil_index, province):
    everywhere = kanwil_index.search("Gangguan keamanan blok hunian")
    assert {h.unit_code for h in _found(everywhere, "risk")} == {"LPS-LOBAR", "BPS-MATARAM"}
    # the Kanwil's window with one unit selected (Hanya satker terpilih)
    only = kanwil_index.search("Gangguan keamanan blok hunian", units={"LPS-LOBAR"})
    assert {h.unit_code for h in only.hits} == {"LPS-LOBAR"}
    # reference rows belong to every unit's view
    assert _found(kanwil_index.search("17.1", units={"LPS-LOBAR"}), "indicator")
    # the Siklus Kinerja pages show the installation's own unit only: a UPT's notes are not listed
    # in the Kanwil's window, but the command line finds them
    assert kanwil_index.search("asesmen tertunda", cycle_unit="KANWIL").hits == ()
    assert {h.unit_code for h in kanwil_index.search("asesmen tertunda").hits} == {"LPS-LOBAR", "BPS-MATARAM"}
    # the risk monitoring of a UPT is shown on its risk in the Risiko tab, which shows every unit
    assert kanwil_index.search("Perkelahian", cycle_unit="KANWIL").hits

    # a UPT's file holds the Kanwil's rows from the Kanwil package; its window shows its own unit
    with _index(province["LPS-LOBAR"]) as upt:
        kanwil_rows = _found(upt.search("Penilaian risiko dan kebutuhan"), "risk")
        assert {h.unit_code for h in kanwil_rows} == {"KANWIL"}           # in the file (command line)
        assert upt.search("Penilaian risiko dan kebutuhan", units={"LPS-LOBAR"}, cycle_unit="LPS-LOBAR").hits == ()
        own = upt.search("asesmen tertunda", units={"LPS-LOBAR"}, cycle_unit="LPS-LOBAR")
        assert [h.table for h in own.hits] == ["measurement_note"]


class _index:
    def __init__(self, path):
        self.index = SearchIndex.open(path)

    def __enter__(self):
        return self.index

    def __exit__(self, *exc):
        self.index.close()


@pytest.mark.parametrize("query", ['AND', 'a OR b', 'NEAR(a b)', '"', '""', 'text:risiko', '^pel', '*',
                                   'pel*', '(x', "risiko -", "' OR 1=1 --", "“kutip”"])
def test_nothing_typed_is_query_syntax(kanwil_path, query):
    with Store.open(kanwil_path) as store:
        try:
            result = search_plan(store, query)
        except ValidationError as exc:
            assert "kosong" in exc.message
        else:
            assert isinstance(result.hits, tuple)


def test_empty_or_overlong_queries_are_refused_in_indonesian():
    for query in ("", "   ", "-- ..", "•"):
        with pytest.raises(ValidationError, match="Kata yang dicari kosong"):
            fts_query(query)
    with pytest.raises(ValidationError, match="terlalu panjang"):
        fts_query("a" * 501)
    assert fts_query('pelatihan "pengawasan melekat" 17.1') == '"pelatihan"* "pengawasan melekat"* "17.1"*'


def test_a_text_holding_the_highlight_characters_is_shown_right(kanwil_path):
    with Store.open(kanwil_path) as store:
        svc = PlanService(store, "penguji")
        svc.insert("roadmap_item", {"unit_code": "KANWIL", "aspect": "SDM", "year": 2026, "seq": 9,
                                    "text": "Kursus \ue000bahasa\ue001 isyarat untuk petugas", "status": "rencana"})
        hit = _found(search_plan(store, "isyarat"), "roadmap_item")[0]
        assert hit.text == "Kursus bahasa isyarat untuk petugas" and _marked(hit) == ["isyarat"]


def test_a_damaged_list_is_searched_as_it_is(kanwil_path):
    conn = sqlite3.connect(kanwil_path)
    conn.execute("UPDATE risk SET treatments = '[\"Pelatihan petugas\", oops' WHERE rowid = 1")
    conn.execute("UPDATE risk SET success_indicators = '{\"a\": \"Nihil pelarian\"}' WHERE rowid = 2")
    conn.commit()
    conn.close()
    with Store.open(kanwil_path, readonly=True) as store:
        assert _found(search_plan(store, "oops"), "risk", "treatments")
        assert _found(search_plan(store, "pelarian"), "risk", "success_indicators")


def test_limit_says_there_is_more_and_hits_follow_the_window_order(kanwil_path):
    with Store.open(kanwil_path, readonly=True) as store:
        few = search_plan(store, "pe", limit=3)
        assert len(few.hits) == 3 and few.more
        every = search_plan(store, "pe", limit=5000)
        assert not every.more and len(every.hits) > 100
        tabs = [h.tab for h in every.hits]
        order = ["satker", "indikator", "risiko", "roadmap", "pendanaan", "siklus"]
        assert tabs == sorted(tabs, key=order.index)
        risks = [h for h in every.hits if h.table == "risk" and h.column == "risk"]
        assert [int(h.row_label.split()[2]) for h in risks if "Pelayanan" in h.row_label] == sorted(
            int(h.row_label.split()[2]) for h in risks if "Pelayanan" in h.row_label)


def test_funding_years_of_one_line_are_one_hit(kanwil_path):
    with Store.open(kanwil_path, readonly=True) as store:
        hits = _found(search_plan(store, "Ditjenpas"), "funding")
        lines = [(h.unit_code, h.place["line_code"]) for h in hits]
        assert len(lines) == len(set(lines)) and hits


def test_searching_writes_nothing_to_the_plan(kanwil_path):
    before = hashlib.sha256(kanwil_path.read_bytes()).hexdigest()
    with Store.open(kanwil_path, readonly=True) as store:
        search_plan(store, "petugas")
    assert hashlib.sha256(kanwil_path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in kanwil_path.parent.iterdir()) == [kanwil_path.name]


def test_a_writer_is_not_blocked_by_an_open_index(kanwil_path):
    index = SearchIndex.open(kanwil_path)
    try:
        index.search("petugas")
        with Store.open(kanwil_path) as store:
            store.conn.execute("PRAGMA busy_timeout = 0")     # no waiting: a held read lock would fail here
            PlanService(store, "penguji").insert("roadmap_item", {
                "unit_code": "KANWIL", "aspect": "SDM", "year": 2026, "seq": 8, "text": "Bimtek arsip",
                "status": "rencana"})
        assert index.search("bimtek arsip").hits
    finally:
        index.close()


def test_snippet_cuts_long_texts_around_the_match():
    hit = search.Hit("report_narrative", "x", "content", "KANWIL", "Kantor Wilayah", "siklus", "Siklus Kinerja",
                     "LKjIP", "Isi", "a" * 300 + " target\ntercapai " + "b" * 300, ((301, 307), (308, 316)), {}, ())
    text, spans = hit.snippet(60)
    assert len(text) <= 62 and text.startswith("…") and text.endswith("…")
    assert [text[a:b] for a, b in spans] == ["target", "tercapai"] and " · " in text


def test_narrative_html_is_searched_as_its_words():
    assert plain_text("<p>Capaian <b>sesuai</b> rencana.</p><ul><li>IKK 17.1</li></ul>") == \
        "Capaian sesuai rencana.\nIKK 17.1"
    assert plain_text("") == "" and plain_text(None) == ""


def test_a_file_of_an_older_schema_is_searched_and_left_untouched(tmp_path, monkeypatch):
    """A read-only open does not write: a plan of schema 3 (before the yearly cycle) is searched
    through the in-memory migrated copy, and the file keeps its bytes and its schema."""
    import hashlib

    from old_schema import plan_at_version

    path = tmp_path / "skema3.renstra"
    plan_at_version(path, "KANWIL", 3, monkeypatch).close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with Store.open(path, readonly=True) as store:
        result = search_plan(store, "Mataram")
    assert result.hits and {h.table for h in result.hits} <= {"unit", "risk", "roadmap_item", "funding"}
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()


def test_a_busy_or_damaged_plan_is_one_indonesian_line(kanwil_path, tmp_path):
    index = SearchIndex.open(kanwil_path)
    try:
        index.conn.execute("PRAGMA busy_timeout = 50")
        writer = sqlite3.connect(kanwil_path, isolation_level=None)
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE meta SET value = value")
        with pytest.raises(search.FileBusy, match="sedang dipakai oleh"):
            index.search("petugas")
        writer.execute("ROLLBACK")
        writer.close()
        assert index.search("petugas").hits                   # the next search reads it again
    finally:
        index.close()
    damaged = tmp_path / "rusak.renstra"
    data = bytearray(kanwil_path.read_bytes())
    data[4096 * 3:4096 * 40] = b"\xff" * (4096 * 37)          # pages of the tables, not the header
    damaged.write_bytes(bytes(data))
    with pytest.raises(search.FileError, match="rusak"):
        SearchIndex.open(damaged)


def test_a_nul_character_does_not_cut_a_text(kanwil_path):
    conn = sqlite3.connect(kanwil_path)
    conn.execute("UPDATE roadmap_item SET text = ? WHERE rowid = 1", ("awal\x00tersembunyi sesudah nul",))
    conn.commit()
    conn.close()
    with Store.open(kanwil_path, readonly=True) as store:
        [hit] = _found(search_plan(store, "sesudah nul"), "roadmap_item")
    assert hit.text == "awal tersembunyi sesudah nul" and _marked(hit) == ["sesudah", "nul"]
