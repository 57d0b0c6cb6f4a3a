"""The shared results file: one JSON record per run (dataset, K, seed, variant, metrics, wall time, package version,
git commit), appended by every benchmark, read by ``python -m spacy_tkre report``."""
import datetime
import json
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Union

from . import __version__


def git_commit(repo: Union[str, Path] = Path(__file__).parent) -> str:
    """The checked-out commit of the package's repository, ``"unknown"`` outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def make_record(dataset: str, variant: str, metrics: Dict[str, Any], wall_time: float, k: Optional[int] = None, seed: Optional[int] = None, **extra: Any) -> Dict[str, Any]:
    return {
        "dataset": dataset, "k": k, "seed": seed, "variant": variant, "metrics": metrics,
        "wall_time": round(wall_time, 1), "package_version": __version__, "git_commit": git_commit(),
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), **extra,
    }


def append_record(path: Union[str, Path], record: Dict[str, Any]) -> None:
    """Append one record as a JSON line; the file is created with its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf8") as file:
        file.write(json.dumps(record) + "\n")


def read_records(paths: Iterable[Union[str, Path]]) -> List[Dict[str, Any]]:
    """All records of the given files; a line that is not JSON raises, naming file and line."""
    records = []
    for path in paths:
        for number, line in enumerate(Path(path).read_text(encoding="utf8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}, line {number}: not a JSON record ({error}). Remove or fix the line.") from None
    return records
