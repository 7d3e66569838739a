"""The search words the bot suggests ("send me a word, for example: overdose").

Each is one translatable word, so that its translation can be checked: the suggested word of
every locale must find the reference cards it names in that locale's course (tests/
test_search_scripts.py). Translators: use the word the course translation itself uses.
"""

from __future__ import annotations

from bot.i18n import N_

# NOTE: A search word the bot suggests. Write the word an officer would type for "overdose"
# NOTE: that the translated reference cards on overdose contain (title or keywords).
OVERDOSE = N_("overdose")
# NOTE: A search word the bot suggests. Write the word an officer would type for "needle"
# NOTE: that the translated reference card on needle-stick injuries contains.
NEEDLE = N_("needle")
#: reference cards each suggested word must find
FINDS = {OVERDOSE: ("overdose-signs", "overdose-response"), NEEDLE: ("needlestick",)}
