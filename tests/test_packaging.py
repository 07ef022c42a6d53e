"""The top-level assets/ folder is served from a checkout and from an installed wheel.

The wheel is built by pip from a copy of the sources (so the work tree gets no build/ folder),
unpacked as pip lays a pure-Python wheel out in site-packages, and a fresh interpreter that
imports perfdash from there asks its own app for /assets/perfdash.css.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from perfdash import assets_folder, create_app
from perfdash.config import Settings

ROOT = Path(__file__).resolve().parents[1]

SERVE = """
import sys
import perfdash
from perfdash.config import Settings

app = perfdash.create_app(Settings(database_url=sys.argv[1]))
response = app.server.test_client().get("/assets/perfdash.css")
print(perfdash.assets_folder(), response.status_code, len(response.data))
"""


def test_a_checkout_serves_the_top_level_assets(sqlite_url):
    assert assets_folder() == ROOT / "assets"
    app = create_app(Settings(database_url=sqlite_url))
    response = app.server.test_client().get("/assets/perfdash.css")
    assert response.status_code == 200
    assert response.data == (ROOT / "assets" / "perfdash.css").read_bytes()


@pytest.mark.slow
def test_an_installed_wheel_serves_the_same_assets(tmp_path, sqlite_url):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("perfdash", "assets"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        check=True,
    )
    (wheel,) = wheels.glob("perfdash-*.whl")
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    assert (site / "perfdash" / "assets" / "perfdash.css").is_file()

    served = subprocess.run(
        [sys.executable, "-c", SERVE, sqlite_url],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    folder, status, size = served.stdout.split()
    assert Path(folder) == site / "perfdash" / "assets"
    assert status == "200"
    assert int(size) == (ROOT / "assets" / "perfdash.css").stat().st_size
