"""Writing a run's event log to CSV (for spreadsheets) or JSON (for tools)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from designer.runs.formatting import describe_event

CSV_COLUMNS = ("run", "seq", "time", "actor", "event", "details", "payload")


def write_csv(run_id: str, events: Iterable[Mapping[str, Any]], path: Path | str) -> None:
    """One row per event; `payload` keeps the full data as JSON, `details` the readable line."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for event in events:
            _title, details = describe_event(dict(event))
            writer.writerow(
                [
                    run_id,
                    event["seq"],
                    event["time"],
                    event.get("actor") or "",
                    event["type"],
                    details,
                    json.dumps(event.get("payload") or {}, sort_keys=True, default=str),
                ]
            )


def write_json(run_id: str, events: Iterable[Mapping[str, Any]], path: Path | str) -> None:
    """`{"run": id, "events": [...]}` with events exactly as the engine logged them."""
    document = {"run": run_id, "events": [dict(e) for e in events]}
    Path(path).write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
