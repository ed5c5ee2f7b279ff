"""The import contract in pyproject.toml holds, and it would catch a reversed import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed (pip install -e .[dev])"
)


def lint_layers(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports --contract layers` on the packager package found in `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--contract", "layers", "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The package and its pyproject.toml, copied where a test may break them."""
    shutil.copytree(
        ROOT / "packager", tmp_path / "packager", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layer_contract_holds(copy: Path) -> None:
    done = lint_layers(copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KEPT" in done.stdout


def test_a_leaf_importing_the_cli_breaks_the_contract(copy: Path) -> None:
    errors = copy / "packager" / "errors.py"
    errors.write_text(errors.read_text() + "\nfrom packager import cli  # reversed on purpose\n")
    done = lint_layers(copy)
    assert done.returncode == 1
    assert "BROKEN" in done.stdout
    assert "packager.errors -> packager.cli" in done.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(copy: Path) -> None:
    config = copy / "packager" / "config.py"
    config.write_text(config.read_text() + "\nimport packager.build  # reversed on purpose\n")
    done = lint_layers(copy)
    assert done.returncode == 1
    assert "packager.config -> packager.build" in done.stdout
