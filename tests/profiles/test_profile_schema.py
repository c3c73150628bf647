"""The profile JSON Schema (editor completion, and the format a scenario recorder emits) matches the code."""

import json
from pathlib import Path

import jsonschema
import yaml

from kyodo.runner.scenario.schema import dumps, profile_schema


def test_committed_profile_schema_matches_and_validates_the_shipped_profiles():
    text = Path("docs/profile.schema.json").read_text(encoding="utf-8")
    assert text == dumps(profile_schema()), "run: kyodo scenario schema --profile -o docs/profile.schema.json"
    v = jsonschema.Draft7Validator(json.loads(text))
    files = sorted(Path("config/profiles").glob("*.yaml"))
    assert len(files) >= 4
    for f in files:
        assert f.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../docs/profile.schema.json")
        assert not list(v.iter_errors(yaml.safe_load(f.read_text(encoding="utf-8")))), f
    assert list(v.iter_errors({"export": {"mode": "csv"}})), "a wrong export mode is caught in the editor"
