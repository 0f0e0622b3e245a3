"""The README's first command: the demo installs into the bundled sample, serves it and checks it."""

import subprocess
import sys


def test_demo_passes_end_to_end():
    completed = subprocess.run(
        [sys.executable, "-m", "intercom_wizard", "demo"], capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    output = completed.stdout + completed.stderr
    assert "Demo passed." in output
    assert "FAIL" not in output
