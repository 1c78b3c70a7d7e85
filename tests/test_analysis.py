"""The Indonesian analyser: tokenising, stop words, Sastrawi stemming, exact forms next to stems, and how it
behaves inside a real Whoosh index on disk (ranking, phrases, highlighting, pickling, spelling)."""

from __future__ import annotations

import csv
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, SHARED_DATA
from whoosh import index
from whoosh.fields import ID, Schema
from whoosh.highlight import WholeFragmenter
from whoosh.qparser import QueryParser

from search import analysis
from search.analysis import (
    StopWord,
    analyse_word,
    index_terms,
    indonesian_analyzer,
    load_stem_cache,
    save_stem_cache,
    stem,
    stopwords,
    text_field,
)
from search.indexing import build_index
from search.reader import open_current
from search.store import STEM_CACHE

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "analysis"
STEMMER_PAIRS = SHARED_DATA / "stemmer" / "sastrawi_test_pairs.tsv"


def tokens(text: str, **options) -> list[tuple[str, int, str]]:
    """(term, position, the characters of the text it came from), as the index sees them."""
    analyzer = indonesian_analyzer()
    options = {"positions": True, "chars": True, "mode": "index", **options}
    return [(t.text, t.pos, text[t.startchar : t.endchar]) for t in analyzer(text, **options)]


# --- Tokenising -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "terms"),
    [
        ("anak-anak", ["anak | anak-anak"]),
        ("kerja-kerja", ["kerja | kerja-kerja"]),
        ("berbalas-balasan", ["balas | berbalas-balasan"]),
        # Sastrawi leaves this exact reduplication alone; its half is stemmed instead
        ("sabu-sabu", ["sabu | sabu-sabu"]),
    ],
)
def test_reduplication_is_one_term(word, terms):
    assert index_terms(word) == terms


def test_leftover_hyphen_compound_is_split_into_its_words():
    assert stem("kedutaan-semua") == "kedutaan-semua"  # what Sastrawi gives back
    assert tokens("kedutaan-semua kantor", removestops=False) == [
        ("duta", 0, "kedutaan"),
        ("kedutaan", 0, "kedutaan"),
        ("kedutaan-semua", 0, "kedutaan"),
        ("semua", 0, "semua"),  # a stop word, shown only because removestops=False
        ("kantor", 1, "kantor"),
    ]
    assert index_terms("covid-19 melonjak") == ["covid | covid-19", "19", "lonjak | melonjak"]


def test_numbers_dates_and_abbreviations_are_kept():
    assert index_terms("Pada 2019, KPK, DPR dan DKI menerima Rp10.000 dan 2,5 ton") == [
        "2019",
        "kpk",
        "dpr",
        "dki",
        "terima | menerima",
        "rp10.000",
        "2,5",
        "ton",
    ]
    assert index_terms("Selasa (9/4/2019)") == index_terms("selasa 09/04/2019") == ["selasa", "9/4/2019"]
    assert index_terms("A.M. Fatwa") == index_terms("A.M Fatwa") == ["am", "fatwa"]


def test_apostrophes_and_curly_quotes():
    assert index_terms("Jum'at") == index_terms("Jum’at") == index_terms("Jumat") == ["jumat"]
    assert index_terms("“Bekasi” ‘banjir’") == ["bekas | bekasi", "banjir"]


def test_unicode_is_normalised():
    assert index_terms("ＫＰＫ") == ["kpk"]  # full-width letters (NFKC)
    assert index_terms("Ja\u200bkarta") == ["jakarta"]  # zero-width space inside a word
    assert index_terms("Nestlé") == index_terms("Nestle") == ["nestle"]
    assert index_terms("Kecamatan\xa0Tanjungpinang") == ["camat | kecamatan", "tanjungpinang"]


def test_mojibake_of_the_click_id_bodies_is_repaired_with_offsets_intact():
    text = "Kecamatan¬† Tanjungpinang,‚ÄúBekasi‚Äù Jum‚Äôat Nestl√©"
    assert tokens(text) == [
        ("camat", 0, "Kecamatan"),
        ("kecamatan", 0, "Kecamatan"),
        ("tanjungpinang", 1, "Tanjungpinang"),
        ("bekas", 2, "Bekasi"),
        ("bekasi", 2, "Bekasi"),
        ("jumat", 3, "Jum‚Äôat"),
        ("nestle", 4, "Nestl√©"),
    ]


def test_character_offsets_point_into_the_original_text():
    text = "Warga Bekasi—yang  terdampak—menangis, kata Susi (10/9/2019)."
    assert [(position, source) for _, position, source in tokens(text)] == [
        (0, "Warga"),
        (1, "Bekasi"),
        (1, "Bekasi"),
        (2, "terdampak"),
        (2, "terdampak"),
        (3, "menangis"),
        (3, "menangis"),
        (4, "Susi"),  # "kata" is a stop word
        (4, "Susi"),
        (5, "10/9/2019"),
    ]


# --- Stop words ------------------------------------------------------------------------------------------


def test_stop_word_file_keeps_function_words_only():
    words = stopwords()
    assert {"yang", "dan", "di", "ke", "dari", "itu", "ini", "adalah", "tidak", "sudah"} <= words
    content_words = {"kerja", "sama", "besar", "baru", "bulan", "hari", "orang", "masalah", "akhir", "awal"}
    assert not content_words & words
    assert "tempat" not in words
    lines = analysis.STOPWORDS_PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    listed = [line for line in lines if line and not line.startswith("#")]
    assert len(listed) == len(set(listed)) == len(words)
    assert all(word == word.strip().lower() for word in listed)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("kerja sama", ["kerja", "sama"]),
        ("orang tua", ["orang", "tua"]),
        ("hari besar", ["hari", "besar"]),
        ("akhir bulan", ["akhir", "bulan"]),
        ("yang dan di tempat", ["tempat"]),
    ],
)
def test_content_words_are_indexed_and_function_words_dropped(text, terms):
    assert index_terms(text) == terms


# --- Stemming --------------------------------------------------------------------------------------------


def test_sastrawi_reference_pairs_pass_through_the_stemming_path():
    if not STEMMER_PAIRS.exists():
        pytest.skip(f"Sastrawi test pairs not found at {STEMMER_PAIRS}")
    with STEMMER_PAIRS.open(encoding="utf-8") as handle:
        pairs = [
            row for row in csv.DictReader(handle, delimiter="\t") if row["suite"] == "integration_fulldict"
        ]
    assert pairs
    failures = []
    for row in pairs:
        terms = analyse_word(row["word"])
        primary = (
            stem(str(terms))
            if isinstance(terms, StopWord)
            else terms[0]
            if isinstance(terms, tuple)
            else terms
        )
        if primary != row["stem"]:
            failures.append((row["word"], row["stem"], primary))
    # 35 of 35 on PySastrawi 1.2.1: the analyser adds no stem corrections of its own
    assert failures == []


def test_inflections_share_one_stem():
    for word in ("pembakaran", "kebakaran", "dibakar", "membakar", "terbakar"):
        assert index_terms(word)[0].split(" | ")[0] == "bakar"


def test_each_distinct_word_is_stemmed_once(monkeypatch):
    calls = []
    real = analysis._sastrawi().stem_word
    monkeypatch.setattr(analysis._sastrawi(), "stem_word", lambda word: calls.append(word) or real(word))
    index_terms("Kebakaran kebakaran KEBAKARAN hutan, kebakaran lagi")
    assert sorted(calls) == ["hutan", "kebakaran"]


def test_stem_cache_is_bounded():
    cache = analysis.BoundedCache(maxsize=8)
    for n in range(20):
        cache.put(f"w{n}", "x")
    assert len(cache) <= 8
    assert "w19" in cache and "w0" not in cache


def test_stem_cache_survives_a_round_trip_through_a_file(tmp_path):
    index_terms("pembangunan jembatan")
    saved = save_stem_cache(tmp_path / "stems.json")
    assert saved == 2
    analysis.clear_caches()
    assert load_stem_cache(tmp_path / "stems.json") == 2
    assert analysis.cached_stems() == {"pembangunan": "bangun", "jembatan": "jembatan"}


def test_a_stale_or_broken_stem_cache_loads_nothing(tmp_path):
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({"tag": "analyzer 0, PySastrawi 0", "stems": {"bekasi": "wrong"}}))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"tag": analysis.stem_cache_tag(), "stems": ["bekasi", "wrong"]}))
    assert load_stem_cache(stale) == 0
    assert load_stem_cache(broken) == 0
    assert load_stem_cache(odd) == 0
    assert load_stem_cache(tmp_path / "missing.json") == 0
    assert stem("bekasi") == "bekas"


def test_stems_from_the_index_writer_processes_equal_stems_computed_alone(tmp_path):
    corpus = REPO / "tests" / "fixtures" / "indexing" / "articles.jsonl"
    build_index(tmp_path / "ix", [corpus])  # stems computed in the writer's worker processes, then gathered
    analysis.clear_caches()
    assert load_stem_cache(tmp_path / "ix" / STEM_CACHE) > 50
    from_the_build = analysis.cached_stems()
    analysis.clear_caches()
    with open_current(tmp_path / "ix").searcher() as searcher:
        for stored in searcher.all_stored_fields():
            index_terms(f"{stored['title']}\n{stored['body']}")
    assert from_the_build == analysis.cached_stems()


# --- A real index on disk ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_index(tmp_path_factory) -> index.Index:
    folder = tmp_path_factory.mktemp("analysis-index")
    schema = Schema(id=ID(stored=True, unique=True), title=text_field(field_boost=2.0), body=text_field())
    ix = index.create_in(folder, schema)
    with ix.writer() as writer:
        for article in json.loads((FIXTURES / "articles.json").read_text(encoding="utf-8")):
            writer.add_document(**article)
    return ix


def search_ids(ix: index.Index, query: str, field: str = "body") -> list[str]:
    with ix.searcher() as searcher:
        parsed = QueryParser(field, ix.schema).parse(query)
        return [hit["id"] for hit in searcher.search(parsed, limit=None)]


@pytest.mark.parametrize(
    ("query", "named", "root_only"),
    [
        ("bekasi", "bekasi", "bekas"),
        ("bali", "bali", "bal"),
        ("susi", "susi", "sus"),
        ("perbankan", "perbankan", "perban"),
        ("berikan", "berikan", "ikan"),
        ("penyelidikan", "penyelidikan", "lidi"),
        ("menangis", "menangis", "menang"),
        # never named in search/analysis.py: Sastrawi stems Maluku to malu and Pemalang to malang
        ("maluku", "maluku", "malu"),
        ("pemalang", "pemalang", "malang"),
    ],
)
def test_damaged_word_ranks_its_own_articles_first(fixture_index, query, named, root_only):
    assert stem(query) != query  # Sastrawi does damage it
    found = search_ids(fixture_index, query)
    assert found[0] == named
    if root_only in found:
        assert found.index(named) < found.index(root_only)
    assert search_ids(fixture_index, query.capitalize()) == found


def test_root_word_query_still_finds_its_articles(fixture_index):
    assert search_ids(fixture_index, "bekas")[0] == "bekas"
    assert search_ids(fixture_index, "ikan")[0] == "ikan"


@pytest.mark.parametrize("query", ["pembakaran", "kebakaran", "dibakar", "membakar"])
def test_every_inflection_finds_every_form(fixture_index, query):
    assert set(search_ids(fixture_index, query)) == {"kebakaran", "pembakaran", "hutan-dulu"}


def test_phrase_matches_in_order_only(fixture_index):
    assert set(search_ids(fixture_index, '"kebakaran hutan"')) == {"kebakaran", "pembakaran"}
    assert search_ids(fixture_index, '"hutan kebakaran"') == []
    assert search_ids(fixture_index, '"hutan adat yang dulu"') == ["hutan-dulu"]  # "yang" is a stop word


def test_content_words_from_the_old_stop_list_are_searchable(fixture_index):
    assert search_ids(fixture_index, '"kerja sama"') == ["kerjasama"]
    assert search_ids(fixture_index, "orang tua") == ["kerjasama"]


def test_highlighting_marks_every_inflection(fixture_index):
    with fixture_index.searcher() as searcher:
        query = QueryParser("body", fixture_index.schema).parse("kebakaran")
        results = searcher.search(query)
        results.fragmenter = WholeFragmenter()
        marked = {hit["id"]: hit.highlights("body") for hit in results}
    assert 'class="match term0">Kebakaran</b> hutan' in marked["kebakaran"]
    assert ">dibakar</b>" in marked["kebakaran"]
    assert ">membakar</b>" in marked["pembakaran"] and ">Pembakaran</b>" in marked["pembakaran"]


def test_spelling_suggestions_come_from_real_words(fixture_index):
    with fixture_index.searcher() as searcher:
        corrector = searcher.reader().corrector("body")
        assert "penyelidikan" in corrector.suggest("penyelidikn", limit=3)
        assert "perbankan" in corrector.suggest("perbankkan", limit=3)


def test_table_of_contents_stays_small(fixture_index):
    tocs = list(Path(fixture_index.storage.folder).glob("*.toc"))
    assert tocs and all(toc.stat().st_size < 100_000 for toc in tocs)


def test_the_field_pickles_without_the_stemmer_and_analyses_the_same():
    field = text_field()
    data = pickle.dumps(field)
    assert len(data) < 5_000
    assert b"ArrayDictionary" not in data
    restored = pickle.loads(data)
    text = "Kebakaran hutan di Bekasi"
    assert list(restored.process_text(text, mode="query")) == list(field.process_text(text, mode="query"))
    assert restored.multitoken_query == "or"


def test_another_program_opens_and_searches_the_index(fixture_index):
    script = (
        "import sys; from whoosh import index; from whoosh.qparser import QueryParser\n"
        "ix = index.open_dir(sys.argv[1])\n"
        "with ix.searcher() as s:\n"
        "    print(s.search(QueryParser('body', ix.schema).parse('bekasi'))[0]['id'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, fixture_index.storage.folder],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "bekasi"


def test_query_words_get_exact_forms_and_phrases_do_not(fixture_index):
    field = fixture_index.schema["body"]
    assert list(field.process_text("Bekasi", mode="query")) == ["bekas", "bekasi"]
    assert [t.text for t in field.tokenize("kebakaran Bekasi", mode="query")] == ["bakar", "bekas"]


def test_analyze_command_prints_the_terms():
    done = subprocess.run(
        [sys.executable, "indexer.py", "analyze", "Kebakaran di Bekasi"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == ["bakar | kebakaran", "bekas | bekasi"]
