"""The offline demo walks the whole trainer story: admin makes a trainer, the trainer makes a
cohort, two officers in other languages join by its link, and a broadcast reaches each in his
or her own language (the script newcomers are pointed to in the README)."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.config import PROJECT_ROOT


def test_demo_trainer_story(tmp_path):
    script = (PROJECT_ROOT / "docs" / "demo-trainers.txt").read_text()
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "demo.sqlite3"),
           "TELEGRAM_BOT_TOKEN": "", "ADMIN_IDS": "1001"}
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--user-id", "1001"],
                            input=script, capture_output=True, text=True, cwd=PROJECT_ROOT,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bot → 2001: 🎓" in out  # the new trainer is told, in Russian
    assert "(opening the invite link: /start co_" in out
    assert "User 2001" in out  # officers are told which trainer's cohort they joined
    persian = next(line for line in out.splitlines() if line.startswith("bot → 3001: 🏁"))
    uzbek = next(line for line in out.splitlines() if line.startswith("bot → 3002: 🏁"))
    assert "درس" in persian and "darsdan" in uzbek
    assert "Рассылка #1" in out and "Отправлено: 2" in out  # the trainer's final report
