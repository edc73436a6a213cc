"""scripts/build_frontend.py: copies the pinned packages' built files and licences, all or nothing."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_frontend.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_frontend", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def fake_node_modules(root: Path, *, complete: bool = True) -> Path:
    """node_modules with the packages the script copies (tiny stand-ins for the real files)."""
    modules = root / "node_modules"
    for package, version in (("echarts", "6.1.0"), ("zrender", "6.1.0"), ("tslib", "2.3.0")):
        folder = modules / package
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"name": package, "version": version}), encoding="utf-8")
        (folder / "LICENSE").write_text(f"{package} licence", encoding="utf-8")
        (folder / "LICENSE.txt").write_text(f"{package} licence", encoding="utf-8")
    if complete:
        (modules / "echarts" / "dist").mkdir()
        (modules / "echarts" / "dist" / "echarts.min.js").write_text("/* echarts */", encoding="utf-8")
    return modules


def test_build_copies_files_licences_and_writes_the_manifest(tmp_path: Path) -> None:
    build = load()
    vendor = tmp_path / "static" / "vendor"
    versions = build.build(fake_node_modules(tmp_path), vendor)
    assert versions == {"echarts": "6.1.0", "zrender": "6.1.0", "tslib": "2.3.0"}
    assert (vendor / "echarts" / "echarts.min.js").read_text(encoding="utf-8") == "/* echarts */"
    assert (vendor / "echarts" / "LICENSE").is_file() and (vendor / "zrender" / "LICENSE").is_file()
    assert json.loads((vendor / "manifest.json").read_text(encoding="utf-8")) == versions


def test_a_failed_build_leaves_the_previous_vendor_folder(tmp_path: Path) -> None:
    build = load()
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "kept.txt").write_text("previous build", encoding="utf-8")
    with pytest.raises(build.BuildError, match=r"echarts\.min\.js is missing"):
        build.build(fake_node_modules(tmp_path, complete=False), vendor)
    assert (vendor / "kept.txt").read_text(encoding="utf-8") == "previous build"
    with pytest.raises(build.BuildError, match="npm ci --prefix frontend"):
        build.build(tmp_path / "absent", vendor)


def test_the_lock_file_pins_what_the_script_copies() -> None:
    lock = json.loads((SCRIPT.parents[1] / "frontend" / "package-lock.json").read_text(encoding="utf-8"))
    pinned = {path.removeprefix("node_modules/"): entry["version"] for path, entry in lock["packages"].items() if path}
    assert {asset.package for asset in load().ASSETS} <= set(pinned)
    assert all(
        entry.get("resolved", "").startswith("https://registry.npmjs.org/")
        for entry in lock["packages"].values()
        if entry.get("resolved")
    )
