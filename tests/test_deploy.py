"""The container files: compose.yaml is valid Compose and wires the topology docs/deploy.md
describes; .env.example names only real settings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator

from bot.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]
# compose-spec/compose-spec schema/compose-spec.json, vendored: tests run without a network.
SCHEMA = Path(__file__).with_name("compose-spec.json")


def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_file_follows_the_compose_specification() -> None:
    validator = Draft7Validator(json.loads(SCHEMA.read_text("utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose())]
    assert errors == []


def test_the_schema_catches_a_mistake() -> None:
    broken = compose()
    broken["services"]["chatcrm-1"]["restart"] = ["always"]  # must be a string
    broken["services"]["proxy"]["portz"] = []  # unknown key
    validator = Draft7Validator(json.loads(SCHEMA.read_text("utf-8")))
    assert len(list(validator.iter_errors(broken))) >= 2


def test_migrate_once_then_two_instances_behind_one_port() -> None:
    services = compose()["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["migrate"] and migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    instances = [name for name, s in services.items() if s.get("command") == ["serve"]]
    assert instances == ["chatcrm-1", "chatcrm-2"]
    for name in instances:
        waits = services[name]["depends_on"]
        assert waits["migrate"]["condition"] == "service_completed_successfully"
        assert "ports" not in services[name]  # reached only through the proxy
        url = services[name]["environment"]["CHATCRM_DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://") and "@postgres:5432/" in url
    [published] = [s["ports"] for s in services.values() if "ports" in s]
    assert len(published) == 1
    caddy = (ROOT / "deploy" / "Caddyfile").read_text("utf-8")
    assert re.search(r"reverse_proxy chatcrm-1:8080 chatcrm-2:8080", caddy)
    assert "health_uri /readyz" in caddy
    assert set(compose()["volumes"]) >= {"pgdata", "redisdata"}


def test_env_example_names_only_real_settings() -> None:
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
    compose_only = {"POSTGRES_PASSWORD", "CHATCRM_PORT"}
    text = (ROOT / ".env.example").read_text("utf-8")
    names = re.findall(r"^([A-Z_]+)=", text, flags=re.MULTILINE)
    assert names and set(names) - compose_only <= known, set(names) - compose_only - known
