"""The read side stands alone: serving loads none of the extraction or writing stack."""

from __future__ import annotations

import subprocess
import sys

WRITE_SIDE = (
    "bs4",
    "lxml",
    "search.extract",
    "search.sources",
    "search.indexing",
    "search.duplicates",
    "datasketch",
    "whoosh.multiproc",
)


def test_serving_loads_no_write_side(tmp_path):
    code = (
        "import sys, web\n"
        f"web.create_app({{'INDEX': {str(tmp_path)!r}}})\n"
        f"print(sorted(m for m in sys.modules if m.startswith({WRITE_SIDE!r})))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
