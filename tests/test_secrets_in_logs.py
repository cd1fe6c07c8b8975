"""``relance --debug`` shows libraries' logs; no secret may appear in them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROGRAM = """
import logging, sys
from relance.cli.app import main
from relance.secrets import remember_secret

main(["--debug", "plugins"])
remember_secret("KEYVALUE123")
logging.getLogger("urllib3.connectionpool").debug(
    'http://127.0.0.1:8089 "POST /send?key=KEYVALUE123 HTTP/1.1" 200 2'
)
"""


def test_a_secret_in_a_library_s_debug_log_is_scrubbed(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )

    assert 'DEBUG urllib3.connectionpool: http://127.0.0.1:8089 "POST /send?key=*** HTTP/1.1"' in (
        done.stderr
    ), done.stderr
    assert "KEYVALUE123" not in done.stdout + done.stderr
