"""The offline demo simulates a class (issue 14): a trainer links a demo group to a cohort,
runs a class quiz, the class answers each quiz poll, the group gets the debrief and the
trainer the results with refreshers for those who missed (``docs/demo-class.txt``)."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.config import PROJECT_ROOT


def test_demo_class_story(tmp_path):
    script = (PROJECT_ROOT / "docs" / "demo-class.txt").read_text()
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "demo.sqlite3"),
           "TELEGRAM_BOT_TOKEN": "", "ADMIN_IDS": "1001"}
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--user-id", "1001"],
                            input=script, capture_output=True, text=True, cwd=PROJECT_ROOT,
                            env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "(user 2001 adds the bot to the class group)" in out
    assert out.count("(quiz poll, open 20 s)") == 5
    assert out.count("members answered; the poll closes") == 5
    assert "Результаты теста в классе" in out  # the group's debrief, in the group's language
    assert "Обсудить вместе" in out
    assert "bot → 2001: Тест в классе" in out  # the trainer's results, privately
    assert "bot → 3001: 🔁" in out and "bot → 3002: 🔁" in out  # refreshers, in Persian/Uzbek
    assert "План занятия" in out  # /teach
