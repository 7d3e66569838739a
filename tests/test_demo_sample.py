"""The demo's sample officers: an admin's /report in the offline demo shows real figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from bot.config import PROJECT_ROOT


def _demo(tmp_path, lines: list[str], *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "demo.sqlite3"),
           "TELEGRAM_BOT_TOKEN": "", "ADMIN_IDS": "1001"}
    return subprocess.run([sys.executable, "-m", "bot", "demo", "--user-id", "1001", *args],
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=env, timeout=60)


def test_an_admins_report_in_the_demo_shows_the_sample_officers(tmp_path):
    result = _demo(tmp_path, ["/start", "1", "1", "1", "/report", "/reach"], "--sample")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "(sample data: 26 simulated officers and trainers added)" in out
    answers = re.search(r"✅ ([\d,]+) quiz answers in the period, (\d+)% correct", out)
    assert answers and int(answers.group(1).replace(",", "")) > 100
    assert re.search(r"recall \d+%", out)  # recall measured in at least one module
    assert "Questions most often answered wrong" in out
    assert "Kazakhstan: cohorts 1" in out and "Trainer 910901: cohorts 2" in out
    again = _demo(tmp_path, ["/report"], "--sample")  # the same database: not added twice
    assert "(sample data: already in this database)" in again.stdout
    assert re.search(r"👥 (\d+) officers registered", again.stdout).group(1) == \
        re.search(r"👥 (\d+) officers registered", out).group(1)
