"""The offline demo driven by another program, as a newcomer would drive it."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT
from bot.demo import plain
from bot.handlers.common import menu_text
from bot.i18n import RTL_LOCALES


def _demo(tmp_path, lines: list[str], *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "demo.sqlite3"),
           "TELEGRAM_BOT_TOKEN": ""}
    return subprocess.run([sys.executable, "-m", "bot", "demo", *args],
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=env, timeout=60)


class _Ctx:
    def __init__(self, t):
        self.t = t


@pytest.mark.parametrize("lang", ["ru", "ps"])
def test_demo_completes_onboarding_in_the_users_language(tmp_path, catalogs, lang):
    # /start, the suggested language (first in reading order: the first button, or the
    # second in a right-to-left locale, whose rows are sent reversed), a country, accept
    suggested = "2" if lang in RTL_LOCALES else "1"
    result = _demo(tmp_path, ["/start", suggested, "1", "1"], "--lang", lang)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] " in out and "bot (edited):" in out
    expected = plain(menu_text(_Ctx(catalogs.get(lang))))
    assert expected != plain(menu_text(_Ctx(catalogs.get("en"))))
    assert expected in out


def test_demo_presses_buttons_by_number_and_reports_a_missing_one(tmp_path):
    result = _demo(tmp_path, ["/start", "2", "99"], "--lang", "en")
    assert result.returncode == 0
    assert "(there is no button 99)" in result.stdout
    assert "[11] " in result.stdout  # eleven languages numbered


def test_demo_keeps_its_state_between_runs(tmp_path):
    _demo(tmp_path, ["/start", "1", "1", "1"], "--lang", "en")
    again = _demo(tmp_path, ["/start"], "--lang", "en")
    assert "Main menu" in again.stdout


def test_fresh_demo_behaves_the_same_on_every_run(tmp_path):
    """The README's piped example, twice: with --fresh both runs start from nothing, and the
    state in DATABASE_PATH is neither read nor written."""
    lines = ["/start", "1", "1", "1"]
    first = _demo(tmp_path, lines, "--lang", "ps", "--fresh")
    second = _demo(tmp_path, lines, "--lang", "ps", "--fresh")
    assert first.returncode == second.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert "[11] " in first.stdout  # the language question: a new user both times
    assert not (tmp_path / "demo.sqlite3").exists()


def test_demo_presses_buttons_numbered_in_any_script(tmp_path):
    result = _demo(tmp_path, ["/start", "۲", "²"], "--lang", "en", "--fresh")
    assert result.returncode == 0, result.stderr
    assert "Русский" in result.stdout.split("bot (edited)", 1)[0]  # the first message
    assert "bot (edited)" in result.stdout  # ۲ (Persian 2) pressed the second language
    assert "Traceback" not in result.stderr  # ² is no number: sent as text


def test_unusable_database_path_is_a_clear_startup_error(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    env = {**os.environ, "DATABASE_PATH": str(not_a_folder / "bot.sqlite3"),
           "TELEGRAM_BOT_TOKEN": ""}
    result = subprocess.run([sys.executable, "-m", "bot", "demo"], input="/start\n",
                            capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=60)
    assert result.returncode == 2
    assert "Cannot open the database" in result.stderr and "DATABASE_PATH" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_saves_a_chart_and_a_csv_and_names_the_files(tmp_path, monkeypatch):
    """Issue 12's done-when: as admin, a chart saved to a file the demo names, and a CSV."""
    monkeypatch.setenv("ADMIN_IDS", "1001")
    result = _demo(tmp_path, ["/start", "1", "1", "1", "/charts", "2", "/export", "1"],
                   "--lang", "en", "--user-id", "1001", "--files", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    saved = re.findall(r"^\(file saved: (.+)\)$", result.stdout, flags=re.M)
    assert [p.rsplit(".", 1)[-1] for p in saved] == ["png", "csv"]
    png, csv_file = (open(p, "rb").read() for p in saved)
    assert png.startswith(b"\x89PNG") and csv_file.startswith("\ufeffofficer,".encode())
