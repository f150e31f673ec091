"""The built wheel carries deploy/clickhouse as ``streams.migrations`` and migrates chDB when installed."""

from __future__ import annotations

import site
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SQL = sorted(path.name for path in (REPO / "deploy" / "clickhouse").glob("*.sql"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(REPO), "-w", str(out)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("callstream-*.whl")
    return built


def test_wheel_contains_every_migration(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert SQL
    assert {f"streams/migrations/{name}" for name in SQL} <= names
    assert not any(name.startswith("deploy/") for name in names)


def test_installed_wheel_migrates_chdb(wheel: Path, tmp_path: Path):
    """Outside the repository, in a fresh venv that sees this environment's packages but not the tree."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # A plain path entry: the project's own editable-install hook (a .pth in there) does not run.
    Path(purelib, "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=120)
    script = textwrap.dedent(
        f"""
        import streams
        from streams.clickhouse import DDL_DIR, connect, migrate
        assert streams.__file__.startswith({purelib!r}), streams.__file__
        assert DDL_DIR.parent.parent == __import__("pathlib").Path({purelib!r}), DDL_DIR
        print(",".join(migrate(connect("chdb://{tmp_path / "db"}"))))
        """
    )
    result = subprocess.run(
        [python, "-c", script], cwd=tmp_path, check=True, capture_output=True, text=True, timeout=300
    )
    assert result.stdout.strip().split(",") == SQL
