"""Fixtures shared by the test modules: the real data, a sample index, and a real server on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SAMPLE_CORPUS, SHARED_DATA, IndexLocations, run_indexer, serving

from search import analysis


@pytest.fixture(autouse=True)
def cold_analysis_caches() -> None:
    """Every test starts with no cached words or stems, as a fresh process does: what a test finds in the
    caches, it computed or loaded itself, whatever ran before it."""
    analysis.clear_caches()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real data beside the clone; tests that need it skip, saying why, when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA}: these tests need ../shared/data beside the clone")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the project's own sample corpus, built by the real indexer."""
    index_dir = tmp_path_factory.mktemp("sample") / "index"
    done = run_indexer("build", "--index", str(index_dir), str(SAMPLE_CORPUS))
    assert done.returncode == 0, done.stderr
    return index_dir


@pytest.fixture
def live_server(sample_index: Path) -> Iterator[str]:
    """The real web server over the sample index; yields its base URL."""
    with serving(sample_index) as url:
        yield url


@pytest.fixture(scope="session")
def index_locations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexLocations]:
    locations = IndexLocations(tmp_path_factory)
    yield locations
    locations.remove_all()
