"""The lock files cover pyproject.toml: a dependency added there without regenerating them
would be missing from every install (README's, CI's, the container's)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+ \\$", re.MULTILINE)


def _locked(name: str) -> set[str]:
    text = (ROOT / name).read_text("utf-8")
    assert "--hash=sha256:" in text  # hash-checked installs
    return {canonicalize_name(found) for found in PINNED.findall(text)}


def _wanted(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    wanted = {Requirement(line) for line in lines}
    return {
        canonicalize_name(r.name)
        for r in wanted
        if r.name != "chatcrm" and (r.marker is None or r.marker.evaluate())
    }


def test_requirements_txt_holds_the_program_and_redis() -> None:
    missing = _wanted("redis") - _locked("requirements.txt")
    assert not missing, f"regenerate requirements.txt (command in its header): {missing}"


def test_requirements_dev_txt_holds_everything() -> None:
    missing = _wanted("redis", "dev", "ocr") - _locked("requirements-dev.txt")
    assert not missing, f"regenerate requirements-dev.txt (command in its header): {missing}"
