"""docker-compose.yml is accepted by docker-compose and wires the product's processes.

There is no Docker daemon on the build machines (DESIGN.md, "Compose"): Debian's
docker-compose 1.29 validates the file (`scripts/ensure-compose` installs it), and the
processes themselves are exercised by the tests that run the same commands.
"""

import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"

APP_COMMANDS = {
    "api": ["partnership", "serve"],
    "projector": ["partnership", "project"],
    "scheduler": ["partnership", "schedule"],
}


@pytest.fixture(scope="module")
def docker_compose() -> str:
    """The docker-compose executable; missing is a skip locally and a failure in CI."""
    executable = shutil.which("docker-compose")
    if executable is None:
        reason = "docker-compose is not installed (run scripts/ensure-compose as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return executable


@pytest.fixture(scope="module")
def compose_environment() -> dict[str, str]:
    """The caller's environment without overrides of the file's ${...} defaults."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PARTNERSHIP_", "COMPOSE_"))
    }


@pytest.fixture(scope="module")
def resolved(docker_compose: str, compose_environment: dict[str, str]) -> dict[str, Any]:
    """The file as docker-compose resolves it (anchors merged, variables substituted)."""
    result = subprocess.run(
        [docker_compose, "-f", str(COMPOSE_FILE), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=compose_environment,
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = yaml.safe_load(result.stdout)
    return loaded


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_docker_compose_accepts_the_file(
    docker_compose: str, compose_environment: dict[str, str]
) -> None:
    result = subprocess.run(
        [docker_compose, "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=compose_environment,
    )
    assert result.returncode == 0, result.stderr


def test_file_has_no_top_level_version() -> None:
    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert "version" not in raw


def test_services_run_the_product_commands(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    assert {"postgres", *APP_COMMANDS} <= services.keys()
    for name, command in APP_COMMANDS.items():
        assert _command(services[name]) == command, name
    if "load-example" in services:
        assert _command(services["load-example"]) == ["partnership", "load-example"]


def test_app_services_point_at_the_postgres_service(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    for name in APP_COMMANDS:
        environment = services[name]["environment"]
        url = environment["PARTNERSHIP_DATABASE_URL"]
        assert url.startswith("postgresql://"), (name, url)
        assert "@postgres:5432/" in url, (name, url)
        assert environment["PARTNERSHIP_HOST"] == "0.0.0.0", name
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_postgres_is_health_checked_and_keeps_its_data(resolved: dict[str, Any]) -> None:
    postgres = resolved["services"]["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume_names = {volume.split(":", 1)[0] for volume in postgres["volumes"]}
    assert volume_names & resolved["volumes"].keys()


def published(port: str | dict[str, Any]) -> tuple[str, int]:
    """(host address, container port) of a port in either of compose's two syntaxes.

    docker-compose 1.29 resolves a port bound to a host address to the short string
    form ("127.0.0.1:8000:8000") and others to the long mapping form.
    """
    if isinstance(port, dict):
        return str(port.get("host_ip", "0.0.0.0")), int(port["target"])
    parts = str(port).split(":")
    address = parts[0] if len(parts) == 3 else "0.0.0.0"
    return address, int(parts[-1].split("/")[0])


def test_api_publishes_port_8000_on_loopback_and_processes_come_back(
    resolved: dict[str, Any],
) -> None:
    services = resolved["services"]
    assert ("127.0.0.1", 8000) in [published(port) for port in services["api"]["ports"]]
    for name in APP_COMMANDS:
        assert services[name]["restart"] in {"always", "unless-stopped", "on-failure"}, name
