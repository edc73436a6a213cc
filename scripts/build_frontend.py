"""Copy the front-end packages installed by ``npm ci --prefix frontend`` into ``renkou/web/static/vendor/``.

The browser never fetches a library from a CDN: the set-up runs ``npm ci --prefix frontend`` (the versions pinned by
``frontend/package-lock.json``) and then this script, which copies the built files each page loads and the packages'
licence texts, and writes ``vendor/manifest.json`` (package -> version) that the pages use to version asset URLs.
No network is used here. Run from anywhere: ``.venv/bin/python scripts/build_frontend.py``.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "frontend" / "node_modules"
VENDOR = ROOT / "renkou" / "web" / "static" / "vendor"


@dataclass(frozen=True)
class Asset:
    """Files of one npm package that the pages need (paths relative to the package folder)."""

    package: str
    files: tuple[str, ...]
    licences: tuple[str, ...] = ("LICENSE", "NOTICE")


# echarts.min.js is the complete build (all chart types, the map series and the canvas renderer).
ASSETS = (
    Asset("echarts", ("dist/echarts.min.js",), ("LICENSE", "NOTICE", "licenses/LICENSE-d3")),
    # Bundled inside echarts.min.js: only their licence texts are copied.
    Asset("zrender", (), ("LICENSE",)),
    Asset("tslib", (), ("LICENSE.txt",)),
)


class BuildError(Exception):
    """The installed packages are missing or incomplete (npm ci has not run)."""


def package_version(folder: Path) -> str:
    """The version in an installed package's package.json."""
    try:
        return str(json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError) as error:
        raise BuildError(f"cannot read the version of {folder}: {error}") from None


def build(node_modules: Path = NODE_MODULES, vendor: Path = VENDOR) -> dict[str, str]:
    """Copy every asset into ``vendor`` (replacing what was there); return package -> version."""
    if not node_modules.is_dir():
        raise BuildError(f"{node_modules} is missing: run `npm ci --prefix frontend` first")
    versions: dict[str, str] = {}
    staging = vendor.with_name(vendor.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for asset in ASSETS:
        source = node_modules / asset.package
        versions[asset.package] = package_version(source)
        target = staging / asset.package
        target.mkdir(parents=True)
        for relative in asset.files:
            found = source / relative
            if not found.is_file():
                raise BuildError(f"{found} is missing: the installed {asset.package} is incomplete; re-run npm ci")
            shutil.copy2(found, target / found.name)
        for licence in asset.licences:
            if (source / licence).is_file():
                shutil.copy2(source / licence, target / Path(licence).name)
    (staging / "manifest.json").write_text(json.dumps(versions, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    # Swap in the new folder only when every copy succeeded, so a failed build never leaves half a vendor folder.
    shutil.rmtree(vendor, ignore_errors=True)
    staging.rename(vendor)
    return versions


def main() -> int:
    """Build, print what was copied, exit 1 with a one-line reason when npm ci has not run."""
    try:
        versions = build()
    except BuildError as error:
        print(f"错误 / error: {error}", file=sys.stderr)
        return 1
    listed = ", ".join(f"{name} {version}" for name, version in versions.items())
    print(f"前端资源已复制 / front-end assets copied to {VENDOR.relative_to(ROOT)}: {listed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
