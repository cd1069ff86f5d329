"""Production mode refuses to start open: without a secret key of its own, or with no one who
could sign in."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main

pytestmark = pytest.mark.store_agnostic

KEY = "a-production-secret-key-of-forty-characters"


def serve(tmp_path: Path, **env: str) -> tuple[int, str]:
    environment = {
        "PARTNERSHIP_DATA_DIR": str(tmp_path / "var"),
        "PARTNERSHIP_MODE": "production",
        **env,
    }
    result = CliRunner().invoke(main, ["serve", "--port", "1"], env=environment)
    return result.exit_code, result.output


def test_production_without_a_secret_key_does_not_start(tmp_path: Path) -> None:
    code, output = serve(tmp_path, PARTNERSHIP_SECRET_KEY="")
    assert code == 1
    assert "PARTNERSHIP_SECRET_KEY" in output
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_with_a_short_secret_key_does_not_start(tmp_path: Path) -> None:
    code, output = serve(tmp_path, PARTNERSHIP_SECRET_KEY="changeme")
    assert code == 2  # a malformed setting
    assert "at least" in output or "32" in output


def test_production_with_no_people_does_not_start(tmp_path: Path) -> None:
    code, output = serve(tmp_path, PARTNERSHIP_SECRET_KEY=KEY)
    assert code == 1
    assert "no people are registered" in output
    assert "partnership people add" in output
