"""Building, updating and reading the index: real Whoosh indexes on disk, real `indexer.py` subprocesses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import (
    ARTICLES,
    CORRUPT,
    REPO,
    UPDATE,
    child_pids,
    run_indexer,
    wait_until_no_process_mentions,
    write_synthetic_corpus,
)
from whoosh.index import open_dir
from whoosh.query import Term

from search import analysis
from search.indexing import build_index, update_index
from search.reader import index_stats, open_current
from search.store import (
    BUILD_INFO,
    STEM_CACHE,
    IndexBusyError,
    IndexMissingError,
    IndexVersionError,
    current_generation,
    generation_dir,
    writer_lock,
)


def stored(index_dir: Path, **term: str) -> list[dict]:
    """The stored fields of the documents matching one exact term, e.g. stored(d, url_key="...")."""
    ((field, value),) = term.items()
    with open_current(index_dir).searcher() as searcher:
        return [hit.fields() for hit in searcher.search(Term(field, value), limit=None)]


def titles(index_dir: Path) -> set[str]:
    with open_current(index_dir).searcher() as searcher:
        return {fields["title"] for fields in searcher.all_stored_fields()}


# --- what a build and an update put in the index


def test_build_indexes_each_article_once_with_date_facets(tmp_path: Path) -> None:
    report = build_index(tmp_path / "ix", [ARTICLES])

    assert (report.kind, report.indexed, report.replaced) == ("build", 5, 0)
    assert report.skipped == {"duplicate in this run": 1}  # http://www.… spelling of the first article's URL
    flood = stored(tmp_path / "ix", url_key="kabar.example/2019/09/10/banjir-bekasi")
    assert len(flood) == 1
    assert flood[0]["title"] == "Banjir Merendam Ratusan Rumah di Bekasi"  # the first one seen wins
    assert (flood[0]["year"], flood[0]["month"], flood[0]["day"]) == ("2019", "2019-09", "2019-09-10")
    assert flood[0]["published_iso"] == "2019-09-10T21:48:00+07:00"
    assert (flood[0]["source"], flood[0]["category"]) == ("Kabar Nusantara", "daerah")  # the facet key
    undated = stored(tmp_path / "ix", day="none")
    assert [(a["title"], a["year"], a["month"]) for a in undated] == [
        ("Festival Budaya Digelar di Alun-Alun", "none", "none")
    ]
    assert "published_iso" not in undated[0]


def test_a_build_smaller_than_one_batch_per_worker_leaves_no_empty_segment(tmp_path: Path) -> None:
    """Two writer processes, one batch of work: the idle worker's empty segment must not reach the index,
    where Whoosh's column readers (facets) fail on it."""
    build_index(tmp_path / "ix", [ARTICLES])
    index = open_current(tmp_path / "ix")
    assert [segment.doc_count_all() for segment in index._segments()] == [5]
    with index.reader() as reader:
        column = reader.column_reader("day")
        assert sorted(column[docnum] for docnum in range(reader.doc_count_all()))[0] == "2019-09-10"


def test_update_replaces_seen_articles_adds_new_ones_and_leaves_the_old_generation_alone(
    tmp_path: Path,
) -> None:
    index_dir = tmp_path / "ix"
    build_index(index_dir, [ARTICLES])
    before = current_generation(index_dir)

    report = update_index(index_dir, [UPDATE])

    assert (report.kind, report.indexed, report.replaced) == ("update", 2, 1)
    assert report.skipped == {"duplicate in this run": 1}
    assert report.generation == current_generation(index_dir) != before
    assert "Harga Cabai Rawit Turun Setelah Operasi Pasar" in titles(index_dir)
    assert "Harga Cabai Rawit Naik Dua Kali Lipat" not in titles(index_dir)
    assert len(titles(index_dir)) == 6
    # The update wrote into hard-linked copies; a reader still on the previous generation sees it unchanged.
    with open_dir(str(generation_dir(index_dir, before))).searcher() as old:
        assert old.doc_count() == 5
        assert "Harga Cabai Rawit Naik Dua Kali Lipat" in {f["title"] for f in old.all_stored_fields()}


def test_an_article_with_a_known_url_replaces_the_old_one_whatever_its_id(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(index_dir, [ARTICLES])
    recrawl = tmp_path / "recrawl.jsonl"
    record = {"id": "feed-7781", "url": "HTTPS://www.warta.example/olahraga/timnas-menang/#komentar"}
    record |= {"title": "Timnas Menang Tipis atas Malaysia (diperbarui)", "body": "Skor akhir 1-0."}
    recrawl.write_text(json.dumps(record) + "\n", encoding="utf-8")

    report = update_index(index_dir, [recrawl])

    assert (report.indexed, report.replaced) == (1, 1)
    assert len(titles(index_dir)) == 5
    assert [a["id"] for a in stored(index_dir, url_key="warta.example/olahraga/timnas-menang")] == [
        "feed-7781"
    ]


def test_update_replaces_articles_in_every_segment_of_a_parallel_build(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(index_dir, [write_synthetic_corpus(tmp_path / "first.jsonl", 600, seed=1)])
    assert len(open_current(index_dir)._segments()) == 2  # one per writer process
    second = write_synthetic_corpus(tmp_path / "second.jsonl", 600, seed=2)  # same URLs, new texts

    report = update_index(index_dir, [second])

    assert (report.indexed, report.replaced) == (600, 600)
    new_titles = {json.loads(line)["title"] for line in second.read_text(encoding="utf-8").splitlines()}
    assert titles(index_dir) == new_titles


def test_repeated_updates_do_not_pile_up_segments(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(index_dir, [ARTICLES])
    for _ in range(4):
        update_index(index_dir, [ARTICLES])
    ix = open_current(index_dir)
    assert ix.doc_count() == 5
    assert len(ix._segments()) <= 3


def test_stems_computed_by_the_writer_processes_are_kept_for_the_next_build(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(index_dir, [ARTICLES])  # the stemming happens in the writer's worker processes

    stems_gathered = analysis.cache_sizes()["stems"]
    assert stems_gathered > 50
    assert list(index_dir.glob("stem-cache*")) == [index_dir / STEM_CACHE]  # worker files merged, removed
    analysis.clear_caches()
    assert analysis.load_stem_cache(index_dir / STEM_CACHE) == stems_gathered


def test_update_without_an_index_builds_one(tmp_path: Path) -> None:
    report = update_index(tmp_path / "ix", [ARTICLES])
    assert (report.kind, report.indexed) == ("build", 5)
    assert open_current(tmp_path / "ix").doc_count() == 5


def test_stats_describe_the_current_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(index_dir, [ARTICLES])
    update_index(index_dir, [UPDATE])

    stats = index_stats(index_dir)

    assert stats["articles"] == 6
    assert stats["per_source"] == {"Kabar Nusantara": 3, "Warta Harian": 3}
    assert stats["without_date"] == 1
    assert (stats["first_published"], stats["last_published"]) == (  # as the API gives them
        "2019-09-10T21:48:00+07:00",
        "2020-01-15T10:30:00+07:00",
    )
    assert sum(stats["per_category"].values()) == 6
    assert "daerah" in stats["per_category"] and all(key == key.lower() for key in stats["per_category"])
    assert stats["size_bytes"] > 0
    assert stats["last_build"]["indexed"] == 5 and stats["last_build"]["seconds"] >= 0
    assert stats["last_update"]["replaced"] == 1
    assert stats["generation"] == current_generation(index_dir)


def test_a_build_that_finds_no_articles_leaves_the_previous_index_serving(tmp_path: Path) -> None:
    build_index(tmp_path / "ix", [ARTICLES])
    before = current_generation(tmp_path / "ix")
    done = run_indexer("build", "--index", str(tmp_path / "ix"), str(CORRUPT / "garbage.json"))
    assert done.returncode == 1
    assert "no articles found in the given paths (1 inputs skipped)" in done.stderr
    assert "left as it was" in done.stderr and "Traceback" not in done.stderr
    assert current_generation(tmp_path / "ix") == before
    assert index_stats(tmp_path / "ix")["articles"] == 5


@pytest.mark.parametrize("command", ["build", "update"])
def test_a_run_that_reads_nothing_fails_and_publishes_nothing(tmp_path: Path, command: str) -> None:
    build_index(tmp_path / "ix", [ARTICLES])
    before = current_generation(tmp_path / "ix")
    done = run_indexer(command, "--index", str(tmp_path / "ix"), str(CORRUPT / "garbage.json"))
    assert done.returncode == 1
    assert "no articles found in the given paths" in done.stderr and "left as it was" in done.stderr
    assert current_generation(tmp_path / "ix") == before
    assert index_stats(tmp_path / "ix")["last_update"] is None


# --- errors a user can act on


def test_opening_a_missing_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match=r"indexer\.py build --index"):
        open_current(tmp_path / "nothing")


def test_an_index_built_with_another_analyser_must_be_rebuilt(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(index_dir, [ARTICLES])
    info_path = generation_dir(index_dir, current_generation(index_dir)) / BUILD_INFO
    info = json.loads(info_path.read_text())
    info_path.write_text(json.dumps({**info, "analyzer_version": "an-older-one"}))

    with pytest.raises(
        IndexVersionError, match=r"analyser an-older-one.*rebuild it with `python indexer\.py build"
    ):
        open_current(index_dir)
    with pytest.raises(IndexVersionError):
        update_index(index_dir, [UPDATE])
    build_index(index_dir, [ARTICLES])
    assert open_current(index_dir).doc_count() == 5


def test_corrupt_inputs_are_skipped_and_reported_and_the_build_finishes(tmp_path: Path) -> None:
    done = run_indexer("build", "--index", str(tmp_path / "ix"), str(CORRUPT))

    assert done.returncode == 0, done.stderr
    assert "garbage.json" in done.stderr and "truncated.jsonl" in done.stderr
    assert "indexed 1 article (" in done.stdout and "skipped 2" in done.stdout
    assert titles(tmp_path / "ix") == {"Pelabuhan Baru Mulai Beroperasi"}


def test_skips_are_counted_by_kind_whatever_their_details(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    broken_lines = '{"title": "Tanpa akhir\n[1, 2\n'
    export.write_text(broken_lines + ARTICLES.read_text(encoding="utf-8"), encoding="utf-8")

    report = build_index(tmp_path / "ix", [export, CORRUPT])

    # Two invalid JSON lines with different messages, one truncated line, one binary file.
    assert report.skipped == {"bad json": 3, "binary data": 1, "duplicate in this run": 1}


# --- the command line


def test_build_update_and_stats_commands(tmp_path: Path) -> None:
    index_dir = str(tmp_path / "ix")
    built = run_indexer("build", "--index", index_dir, str(ARTICLES))
    updated = run_indexer("update", "--index", index_dir, str(UPDATE))
    stats = run_indexer("stats", "--index", index_dir)

    assert built.returncode == 0, built.stderr
    assert "build: indexed 5 articles (0 replaced), skipped 1 (duplicate in this run: 1)" in built.stdout
    assert updated.returncode == 0, updated.stderr
    assert "update: indexed 2 articles (1 replaced)" in updated.stdout
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["articles"] == 6


def test_an_index_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    done = run_indexer("build", "--index", str(tmp_path / "a-file" / "ix"), str(ARTICLES))
    assert done.returncode == 74  # EX_IOERR
    assert "could not write the index in" in done.stderr and "Traceback" not in done.stderr


def test_stats_without_an_index_is_a_clear_error(tmp_path: Path) -> None:
    done = run_indexer("stats", "--index", str(tmp_path / "none"))
    assert done.returncode == 1
    assert "no search index in" in done.stderr and "Traceback" not in done.stderr


# --- reliability


def test_a_second_writer_gets_a_clear_message_not_a_lock_trace(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    with writer_lock(index_dir, wait=0):  # this test process is the first writer
        done = run_indexer("build", "--index", str(index_dir), "--wait", "0.3", str(ARTICLES))
        with pytest.raises(IndexBusyError, match=f"pid {os.getpid()}"):
            build_index(index_dir, [ARTICLES], wait=0)

    assert done.returncode == 75
    assert f"another indexer (pid {os.getpid()}) is writing to {index_dir}" in done.stderr
    assert "Traceback" not in done.stderr and "LockError" not in done.stderr
    assert current_generation(index_dir) is None


def test_a_second_writer_waits_for_the_first_to_finish(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    lock = writer_lock(index_dir, wait=0)
    lock.__enter__()
    second = subprocess.Popen(
        [sys.executable, "indexer.py", "build", "--index", str(index_dir), "--wait", "60", str(ARTICLES)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    assert second.poll() is None  # still waiting
    lock.__exit__(None, None, None)
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert open_current(index_dir).doc_count() == 5


def test_a_build_killed_half_way_leaves_the_previous_index_searchable(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(index_dir, [ARTICLES])
    previous = current_generation(index_dir)
    big = write_synthetic_corpus(tmp_path / "big.jsonl", 4000)

    killed = subprocess.Popen(
        [sys.executable, "indexer.py", "build", "--index", str(index_dir), str(big)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while killed.poll() is None and not child_pids(killed.pid):  # until the writer has started its workers
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    assert killed.wait(timeout=30) == -signal.SIGKILL

    assert current_generation(index_dir) == previous
    assert open_current(index_dir).doc_count() == 5
    assert len(stored(index_dir, year="2019")) == 3
    assert wait_until_no_process_mentions(str(index_dir)) == []  # the writer's workers died with it
    # No stale lock, and the half-built folder is cleared.
    done = run_indexer("build", "--index", str(index_dir), "--wait", "10", str(ARTICLES))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (index_dir / "generations").iterdir()) == sorted(
        [previous, current_generation(index_dir)]
    )


def test_queries_keep_working_while_the_index_is_rebuilt(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    corpus = write_synthetic_corpus(tmp_path / "corpus.jsonl", 600)
    build_index(index_dir, [corpus])
    failures: list[BaseException] = []
    generations_seen: set[str] = set()
    stop = threading.Event()

    def search_in_a_loop() -> None:
        while not stop.is_set():
            try:
                ix = open_current(index_dir)
                with ix.searcher() as searcher:
                    assert len(searcher.search(Term("source", "Warta Harian"), limit=5)) > 0
                generations_seen.add(current_generation(index_dir))
            except BaseException as error:  # any failure at all is what this test looks for
                failures.append(error)

    reader = threading.Thread(target=search_in_a_loop)
    reader.start()
    try:
        for _ in range(3):
            done = run_indexer("build", "--index", str(index_dir), str(corpus))
            assert done.returncode == 0, done.stderr
    finally:
        stop.set()
        reader.join()

    assert failures == []
    assert len(generations_seen) >= 3


@pytest.mark.slow
def test_build_of_the_real_click_id_corpus(shared_data: Path, tmp_path: Path) -> None:
    corpus = shared_data / "click-id" / "corpus.jsonl"
    done = run_indexer("build", "--index", str(tmp_path / "ix"), str(corpus))
    assert done.returncode == 0, done.stderr

    stats = index_stats(tmp_path / "ix")
    assert stats["articles"] > 22_000
    assert stats["per_source"]["Kompas.com"] > 3_000
    assert stats["first_published"].startswith("2019")
