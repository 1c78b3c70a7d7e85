"""The environment the project installs: one distribution per module name, and clean imports."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import packages_distributions


def test_exactly_one_distribution_provides_whoosh_and_one_sastrawi() -> None:
    providers = packages_distributions()
    assert sorted(providers["whoosh"]) == ["whoosh3"]
    assert sorted(providers["Sastrawi"]) == ["PySastrawi"]


def test_the_libraries_import_without_any_warning() -> None:
    modules = "whoosh.index, whoosh.qparser, whoosh.highlight, whoosh.multiproc, Sastrawi, search.query, web"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", f"import {modules}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
