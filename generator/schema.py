"""Write JSON Schemas of the content files from the models: ``python -m generator.schema``.

Editors with the YAML language server read the ``# yaml-language-server: $schema=``
header of a content file and then complete keys and flag mistakes as authors type.
The files are generated, never edited by hand; a test checks they match the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generator.content_types import CONTENT_TYPES

SCHEMA_DIR = Path("schemas")


def schemas() -> dict[str, str]:
    """File name to JSON text, one schema per content type, named after its model."""
    result = {}
    for kind in CONTENT_TYPES:
        schema = kind.model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        name = f"{kind.model.__name__.lower()}.schema.json"
        result[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return result


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_DIR
    for path in write(target):
        print(f"wrote {path}")
