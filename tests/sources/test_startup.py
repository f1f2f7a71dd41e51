"""The lean start of a reading process (sources/startup.py): no pandas, no transparent huge pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def test_pyarrow_converts_without_importing_pandas_and_with_it_once_imported():
    lines = _run(
        "import sys\n"
        "from ivp_pipeline.sources.startup import lean_start\n"
        "lean_start()\n"
        "import numpy as np, pyarrow as pa\n"
        "print(pa.array(np.arange(3)).to_pylist(), 'pandas' in sys.modules)\n"
        "import pandas as pd\n"
        "s = pd.Series(pd.Categorical(['b', 'a', 'b']))\n"
        "print(pa.array(s).type.index_type, pa.array(s).to_pylist())\n"
        "print(pa.table(pd.DataFrame({'x': s})).column('x').type.value_type)\n"
    )
    assert lines == ["[0, 1, 2] False", "int8 ['b', 'a', 'b']", "large_string"]


def test_pandas_imported_first_is_left_alone():
    lines = _run(
        "import pandas as pd, sys\n"
        "from ivp_pipeline.sources.startup import without_pandas\n"
        "without_pandas()\n"
        "import pyarrow as pa\n"
        "print(type(sys.meta_path[0]).__name__ != '_LookAgain', pa.array(pd.Series([1, 2])).to_pylist())\n"
    )
    assert lines == ["True [1, 2]"]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux only")
def test_transparent_huge_pages_are_off_for_the_process():
    lines = _run(
        "from ivp_pipeline.sources.startup import lean_start\n"
        "def thp():\n"
        "    status = open('/proc/self/status').read()\n"
        "    return status.split('THP_enabled:')[1].split()[0] if 'THP_enabled:' in status else '?'\n"
        "before = thp()\n"
        "lean_start()\n"
        "print(before, thp())\n"
    )
    before, after = lines[0].split()
    if before == "?":
        pytest.skip("this kernel does not report THP_enabled")
    assert after == "0"


def test_digest_hashes_and_counts_the_lines_of_a_large_file_in_one_read(tmp_path, monkeypatch):
    import hashlib

    from ivp_pipeline.problems import IvpError
    from ivp_pipeline.sources import Source, detect, digest, textio

    path = tmp_path / "big.csv"
    data = b"ID;Perioden\n" + b"".join(b"%d;2024MM01\n" % i for i in range(300_000))  # 4 MB blocks: two
    path.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    assert digest(path) == (sha, None)  # far below the limit: not counted
    monkeypatch.setattr(textio, "MAX_TEXT_ROWS", 1000)
    assert digest(path) == (sha, 300_001)
    with pytest.raises(IvpError) as exc:
        detect(Source(path, "big.csv", sha, lines=300_001))
    assert exc.value.problem.code == "too-large" and "1.000 regels" in exc.value.problem.message
    textio.check_row_limit(path, "big.csv", lines=999)  # a count made with the hash is not made again
