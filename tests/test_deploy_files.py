"""The files a PaaS reads: the pinned lock in sync with pyproject, .python-version, the
Procfile's commands, app.json (Heroku), render.yaml (Render) and the Dockerfile."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from perfdash.cli import main

ROOT = Path(__file__).resolve().parents[1]
COMPILE = "pip-compile --no-emit-find-links --no-emit-index-url --no-emit-trusted-host --output-file=requirements.txt --strip-extras pyproject.toml"


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins() -> tuple[dict[str, str], set[str]]:
    """requirements.txt as name -> version, and the names pip-compile says come from us."""
    pinned: dict[str, str] = {}
    direct: set[str] = set()
    current = None
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#") and current is None:
            continue
        if not line.startswith((" ", "#")):
            requirement = Requirement(line.strip())
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"not pinned: {line}"
            current = canonicalize_name(requirement.name)
            pinned[current] = spec.version
        elif "perfdash (pyproject.toml)" in line:
            direct.add(current)
    return pinned, direct


def test_the_lock_is_generated_by_the_documented_command():
    header = (ROOT / "requirements.txt").read_text()
    assert COMPILE in header
    deployment = (ROOT / "docs" / "deployment.md").read_text()
    assert COMPILE in " ".join(deployment.split())


def test_the_lock_pins_every_dependency_of_pyproject_within_its_range():
    pinned, direct = pins()
    wanted = {
        canonicalize_name(Requirement(r).name): Requirement(r) for r in project()["dependencies"]
    }
    assert direct == set(wanted), "requirements.txt is out of date: run the command in its header"
    for name, requirement in wanted.items():
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{name}=={pinned[name]} is outside pyproject's {requirement.specifier}"
        )
    # the extras' packages are pinned too (celery[redis], Flask-Limiter[redis])
    assert {"redis", "kombu", "limits"} <= set(pinned)


def test_python_version_matches_requires_python_and_the_dockerfile():
    version = (ROOT / ".python-version").read_text().strip()
    assert re.fullmatch(r"3\.\d+", version)
    assert SpecifierSet(project()["requires-python"]).contains(version + ".0")
    assert f"FROM python:{version}-slim" in (ROOT / "Dockerfile").read_text()


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_the_procfile_runs_web_worker_and_release_with_commands_that_exist():
    processes = procfile()
    assert set(processes) == {"web", "worker", "release"}
    assert processes["web"].startswith("gunicorn app:server ") and "$PORT" in processes["web"]
    assert processes["worker"] == "python -m perfdash worker --beat"
    assert processes["release"] == "python -m perfdash db upgrade"
    for command in (processes["worker"], processes["release"]):
        args = command.split()[3:]
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0, result.output


def test_app_json_has_postgres_redis_a_generated_key_and_both_processes():
    manifest = json.loads((ROOT / "app.json").read_text())
    plans = [addon["plan"].split(":")[0] for addon in manifest["addons"]]
    assert plans == ["heroku-postgresql", "heroku-redis"]
    assert manifest["env"]["PERFDASH_SECRET_KEY"]["generator"] == "secret"
    assert set(manifest["formation"]) == {"web", "worker"}
    assert set(manifest["formation"]) <= set(procfile())


def test_render_yaml_has_the_web_with_health_check_and_pre_deploy_the_worker_and_stores():
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    services = {s["name"]: s for s in blueprint["services"]}
    web, worker = services["perfdash"], services["perfdash-worker"]
    assert web["type"] == "web" and web["healthCheckPath"] == "/healthz"
    assert web["preDeployCommand"] == procfile()["release"]
    assert web["startCommand"] == procfile()["web"]
    assert worker["type"] == "worker" and worker["startCommand"] == procfile()["worker"]
    assert services["perfdash-redis"]["type"] == "keyvalue"
    assert [db["name"] for db in blueprint["databases"]] == ["perfdash-db"]
    for service in (web, worker):
        env = {e["key"]: e for e in service["envVars"]}
        assert env["DATABASE_URL"]["fromDatabase"]["name"] == "perfdash-db"
        assert env["REDIS_URL"]["fromService"]["name"] == "perfdash-redis"
    assert {e["key"]: e for e in web["envVars"]}["PERFDASH_SECRET_KEY"]["generateValue"] is True


def test_the_dockerfile_installs_the_lock_and_stays_small():
    text = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in text
    assert len([line for line in text.splitlines() if line and not line.startswith("#")]) <= 12
