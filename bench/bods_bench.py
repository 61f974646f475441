"""BODS conversion with and without the BODS 0.4 schema check, printed as figures.

The eight published examples (`tests/data/interop/bods`) are copied `--copies` times into
one JSON-lines file, every record id, statement id and identifier made unique per copy.
`bods.convert` runs on it in alternating rounds with the schema check and with the check
replaced by a no-op (the baseline), timed in CPU seconds (the machine is shared; wall time
wanders); then the check alone.

Usage:
    python bench/bods_bench.py --copies 2000 --rounds 6
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

from credtrace.ingest import bods, bods_schema

EXAMPLES = Path(__file__).parent.parent / "tests" / "data" / "interop" / "bods"


def _copy(statement: dict[str, Any], tag: str) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(statement))
    copy["statementId"] = str(uuid.uuid5(uuid.NAMESPACE_URL, copy["statementId"] + tag))
    copy["recordId"] += tag
    if "declarationSubject" in copy:
        copy["declarationSubject"] += tag
    details = copy["recordDetails"]
    for name in ("subject", "interestedParty"):
        if isinstance(details.get(name), str):
            details[name] += tag
    details["componentRecords"] = [r + tag for r in details.get("componentRecords", [])]
    for ident in details.get("identifiers", []):
        ident["id"] = ident.get("id", "") + tag
    return copy


def scaled(copies: int, path: Path) -> list[dict[str, Any]]:
    """The examples `copies` times over, written to `path` (JSON lines) and returned."""
    files = sorted(EXAMPLES.glob("*.json"))
    statements = [_copy(st, f"-{f}-{k}") for k in range(copies)
                  for f, file in enumerate(files) for st in json.loads(file.read_text())]
    path.write_text("".join(json.dumps(st, ensure_ascii=False) + "\n" for st in statements),
                    "utf-8")
    return statements


def cpu(run: Any) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statements.jsonl"
        statements = scaled(args.copies, path)
        times: dict[str, list[float]] = {"checked": [], "baseline": []}
        for k in range(args.rounds):
            for name in (("checked", "baseline") if k % 2 == 0 else ("baseline", "checked")):
                if name == "checked":
                    times[name].append(cpu(lambda: bods.convert(path)))
                    continue
                with mock.patch.object(bods, "violations", lambda statement: []):
                    times[name].append(cpu(lambda: bods.convert(path)))
    alone = cpu(lambda: [bods_schema.violations(st) for st in statements])
    print(f"{len(statements):,} statements, {args.rounds} rounds, CPU seconds")
    for name, values in times.items():
        print(f"  convert, {name:8}: median {statistics.median(values):.2f} s, "
              f"min {min(values):.2f} s")
    ratio = statistics.median(times["checked"]) / statistics.median(times["baseline"])
    print(f"  checked / baseline: {ratio:.2f} (medians)")
    print(f"  the schema check alone: {alone:.2f} s, "
          f"{alone / len(statements) * 1e6:.1f} µs a statement")


if __name__ == "__main__":
    main()
