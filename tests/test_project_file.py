"""project.yml as weasel reads it: every dependency and output is one resolved path.

confection merges a list item that is exactly `${var}` into the item before it when that one ends in a variable
(`"./${vars.a}", "${vars.b}"` becomes `"./a, b"`), and weasel then stops the workflow on a missing dependency
only when it reaches that step. This catches it without running the workflow."""
from pathlib import Path

from weasel.util import load_project_config

ROOT = Path(__file__).resolve().parents[1]


def test_every_dependency_and_output_is_one_resolved_path():
    config = load_project_config(ROOT)
    bad = [(command["name"], path) for command in config["commands"]
           for path in command.get("deps", []) + command.get("outputs", [])
           if ", " in path or "${" in path]
    assert bad == []


def test_the_config_files_that_commands_depend_on_exist():
    config = load_project_config(ROOT)
    missing = [(command["name"], path) for command in config["commands"] for path in command.get("deps", [])
               if Path(path).parts and Path(path).parts[0] == "configs" and not (ROOT / path).exists()]
    assert missing == []
