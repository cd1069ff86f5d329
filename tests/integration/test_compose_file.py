"""docker-compose.yml is accepted by docker-compose and wires the product's processes.

There is no Docker daemon on the build machines (DESIGN.md, "Compose"): Debian's
docker-compose 1.29 validates the file (`scripts/ensure-compose` installs it), and the
processes themselves are exercised by the tests that run the same commands.
"""

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.settings import Settings, SettingsError

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
REQUIRED_SETTINGS = ("PARTNERSHIP_DB_PASSWORD", "PARTNERSHIP_SECRET_KEY")
# Run once by hand, never by `up`: each must sit in a profile.
ONE_SHOT_SERVICES = ("rebuild", "backup", "restore", "load-example")

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


def compose_config(
    docker_compose: str, environment: dict[str, str], env_file: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` with the settings of env_file alone: a developer's own .env
    beside the file is never read."""
    return subprocess.run(
        [docker_compose, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", *options],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=environment,
    )


@pytest.fixture(scope="module")
def resolved(docker_compose: str, compose_environment: dict[str, str]) -> dict[str, Any]:
    """The file as docker-compose resolves it with .env.example's settings (anchors merged,
    variables substituted)."""
    result = compose_config(docker_compose, compose_environment, ENV_EXAMPLE)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = yaml.safe_load(result.stdout)
    return loaded


def env_example() -> dict[str, str]:
    settings = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip()
    return settings


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_docker_compose_accepts_the_file_with_the_example_settings(
    docker_compose: str, compose_environment: dict[str, str]
) -> None:
    result = compose_config(docker_compose, compose_environment, ENV_EXAMPLE, "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", REQUIRED_SETTINGS)
def test_docker_compose_refuses_the_file_without_a_required_secret(
    docker_compose: str, compose_environment: dict[str, str], tmp_path: Path, missing: str
) -> None:
    """No default password or key: without one of them, nothing starts."""
    settings = env_example()
    del settings[missing]
    env_file = tmp_path / "settings.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in settings.items()))
    result = compose_config(docker_compose, compose_environment, env_file, "-q")
    assert result.returncode != 0
    assert f"Set {missing} in .env" in result.stderr
    emptied = tmp_path / "emptied.env"
    emptied.write_text(env_file.read_text() + f"{missing}=\n")
    assert compose_config(docker_compose, compose_environment, emptied, "-q").returncode != 0


def test_env_example_documents_every_setting_and_holds_no_usable_secret() -> None:
    # `$${...}` is left for the container's shell, not read from .env.
    compose_text = COMPOSE_FILE.read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", compose_text))
    settings = env_example()
    assert used <= settings.keys(), used - settings.keys()
    # Too short to sign sessions with: a copied example cannot run in production.
    with pytest.raises(SettingsError, match="secret key"):
        Settings.from_env({"PARTNERSHIP_SECRET_KEY": settings["PARTNERSHIP_SECRET_KEY"]})
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored


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


def test_every_image_is_pinned_to_a_release(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        if "build" in service:
            continue  # the product's own image, built here from the pinned base below
        tag = service["image"].partition(":")[2]
        assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?", tag), (name, service["image"])
    assert resolved["services"]["postgres"]["image"].startswith("postgres:15.")
    base = re.search(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(encoding="utf-8"), re.M)
    assert base is not None
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", base.group(1)), base.group(1)


def test_api_health_check_asks_whether_it_is_ready(resolved: dict[str, Any]) -> None:
    check = resolved["services"]["api"]["healthcheck"]["test"]
    # The slim image has Python and no curl.
    assert check[:2] == ["CMD", "python"], check
    assert "http://127.0.0.1:8000/health/ready" in " ".join(check)


@pytest.mark.parametrize("role", ["projector", "scheduler"])
def test_processes_without_http_are_checked_by_the_health_command(
    resolved: dict[str, Any], role: str
) -> None:
    check = resolved["services"][role]["healthcheck"]["test"]
    assert check == ["CMD", "partnership", "health", "--role", role]


def test_one_shot_tools_stay_out_of_up(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    for name in ONE_SHOT_SERVICES:
        assert services[name].get("profiles"), name
        assert services[name]["restart"] == "no", name
    for name in ("postgres", *APP_COMMANDS, "mailcatcher"):
        assert not services[name].get("profiles"), name
    assert _command(services["rebuild"]) == ["partnership", "rebuild"]
    for name in ("backup", "restore"):
        assert services[name]["entrypoint"] == [f"/opt/partnership/scripts/{name}"]
        url = services[name]["environment"]["PARTNERSHIP_DATABASE_URL"]
        assert url == services["api"]["environment"]["PARTNERSHIP_DATABASE_URL"]
