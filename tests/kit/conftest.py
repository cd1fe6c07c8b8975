"""Installing a connector package the way its author would, without touching the venv.

The package is built and installed (no dependencies, no index, no build isolation:
this works offline) into a folder of its own, which is then put on ``PYTHONPATH`` of
subprocesses only: the test environment itself never sees it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Installed:
    """A connector package installed into ``site``."""

    project: Path
    site: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env["PYTHONPATH"] = str(self.site)
        env["RELANCE_LANG"] = "en"
        return env

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def plugins(self, cwd: Path) -> dict[str, dict[str, object]]:
        """What ``relance plugins --json`` says, by plugin name."""
        done = self.run("-m", "relance", "plugins", "--json", cwd=cwd)
        assert done.returncode == 0, done.stderr
        return {p["name"]: p for p in json.loads(done.stdout)["plugins"]}

    def pytest(self) -> subprocess.CompletedProcess[str]:
        """The package's own test suite, run from its folder."""
        return self.run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=self.project)


def install(project: Path, work: Path) -> Installed:
    """Copy ``project`` into ``work`` (building writes next to the sources), install it there."""
    copy = work / project.name
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    site = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "--target",
            str(site),
            str(copy),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return Installed(project=copy, site=site)
