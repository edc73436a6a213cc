"""Reading the part's YAML rule files: the shared reader (renkou.yamlfile), raising DisclosureError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from renkou.disclosure.text import DisclosureError
from renkou.yamlfile import ModelT
from renkou.yamlfile import read_yaml as _read_yaml
from renkou.yamlfile import validate as _validate


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; unreadable or malformed files become a bilingual DisclosureError naming the file."""
    return _read_yaml(path, error=DisclosureError)


def validate(model: type[ModelT], data: Any, path: Path) -> ModelT:
    """Validate parsed YAML against a pydantic model; the first problem becomes a one-line DisclosureError."""
    return _validate(model, data, path, error=DisclosureError)
