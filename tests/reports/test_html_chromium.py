"""The HTML report, loaded in a real headless Chromium: no script error, a screenshot.

The page records any script error (and any ``console.error``) in ``<body data-check>``;
the test reads the DOM Chromium built and its console log. Chromium is optional for the
tests: without it this module is skipped, saying so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import DEMO_TODAY

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)"
)


def chromium(page: Path, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--hide-scrollbars", *arguments, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def check(page: Path, tmp_path: Path) -> tuple[str, str]:
    """The page's self-check verdict and Chromium's console messages."""
    done = chromium(page, tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr
    verdict = re.search(r'<body[^>]*data-check="([^"]*)"', done.stdout)
    assert verdict is not None, done.stdout[:500]
    console = "\n".join(line for line in done.stderr.splitlines() if "CONSOLE" in line)
    return verdict.group(1), console


def test_the_report_renders_without_errors(cli, demo: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = cli("report", "html", "--config", str(demo), "--today", DEMO_TODAY, "-o", str(page))
    assert result.code == 0, result.err
    html = page.read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html
    verdict, console = check(page, tmp_path)
    # Aged balance (one currency), DSO trend (one currency), score distribution.
    assert verdict == "ok 3 charts"
    assert console == ""
    shot = tmp_path / "report.png"
    done = chromium(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2400")
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


def test_a_script_error_is_caught(cli, demo: Path, tmp_path: Path) -> None:
    """The check can fail: a page with a broken script is reported as such."""
    page = tmp_path / "report.html"
    assert cli("report", "aging", "--config", str(demo), "--today", DEMO_TODAY,
               "--format", "html", "-o", str(page)).code == 0  # fmt: skip
    broken = page.read_text(encoding="utf-8").replace(
        "</body>", "<script>undefinedFunction();</script></body>"
    )
    page.write_text(broken, encoding="utf-8")
    verdict, console = check(page, tmp_path)
    assert verdict.startswith("errors: ")
    assert "undefinedFunction" in verdict
    assert "undefinedFunction" in console
