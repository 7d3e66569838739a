"""Search: free text and ``/search words`` in the private chat, and inline mode anywhere.

Inline results are messages the officer sends into another chat, and Telegram cannot protect
those from forwarding: sensitive cards are never offered inline. When a query matches some,
one result says so and points to the bot, where they are shown protected; it names no card.
"""

from __future__ import annotations

import re

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler, InlineQueryHandler, filters

from bot.context import BotContext
from bot.course.model import ReferenceCard
from bot.handlers import fallback, search_pages
from bot.handlers.common import Page, show
from bot.handlers.reference import card_text
from bot.services.reference import CardView
from bot.services.search_text import plain
from bot.ui import examples
from bot.ui import reference as kb

#: How much of the query the answer repeats.
QUERY_SHOWN = 60
INLINE_RESULTS = 10
INLINE_CACHE_SECONDS = 10
DESCRIPTION = 120
#: The id of the inline result that stands for protected cards (card ids have no colon).
PROTECTED_ID = "protected:cards"
_SPACE = re.compile(r"\s+")


def _shown_query(text: str) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= QUERY_SHOWN else text[: QUERY_SHOWN - 1] + "…"


async def answer(update: Update, context: BotContext, text: str) -> None:
    """Search and show the results, or a helpful answer with the topics."""
    t, page = context.t, Page(context)
    results = await context.services.search.search(text, t.locale, limit=None)
    if results.found:
        recent: search_pages.RecentResults = context.bot_data[search_pages.RECENT]
        key = recent.remember(update.effective_user.id, search_pages.refs_of(results.items))
        await search_pages.show_page(update, context, results.items, key, 0,
                                     _shown_query(text), edit=False)
        return
    markup = kb.topics(t, [(topic.module.id, page(topic.module.title))
                           for topic in context.services.reference.topics()])
    reply = t._("🔎 <b>Search</b>\nSend me the words you are looking for, for example "
                "<i>{example}</i> or <i>{example2}</i>, or choose a topic:",
                example=t.label(examples.OVERDOSE), example2=t.label(examples.NEEDLE)) \
        if results.query.empty else \
        t._("🔎 I found nothing for “{query}”.\nTry another or a shorter word, or choose "
            "a topic below. In an emergency, call for help first: /emergency",
            query=_shown_query(text))
    await show(update, context, reply + page.notice(), markup, edit=False)


async def search_command(update: Update, context: BotContext) -> None:
    words = (update.effective_message.text or "").partition(" ")[2]
    await answer(update, context, words[: fallback.MAX_TEXT])


async def read_text(update: Update, context: BotContext) -> bool:
    """The free-text reader: anything an onboarded officer types is a search."""
    text = update.effective_message.text or ""
    if context.user is None or not context.user.onboarded or text.startswith("/"):
        return False
    await answer(update, context, text)
    return True


# --- inline mode ---------------------------------------------------------------------------
def _mention(context: BotContext) -> str:
    """``@username`` as one value: an isolate between ``@`` and the name would unlink it."""
    return f"@{context.bot.username}"


def _article(context: BotContext, view: CardView) -> InlineQueryResultArticle:
    page = Page(context)
    title = page(view.card.title)
    body = _SPACE.sub(" ", plain(page(view.card.body))).strip()
    description = body if len(body) <= DESCRIPTION else body[: DESCRIPTION - 1] + "…"
    message = card_text(context, page, view) + "\n\n" + context.t._(
        "<i>Shared from Toolkit Companion: {bot}</i>", bot=_mention(context))
    return InlineQueryResultArticle(
        id=view.card.id, title=title, description=description,
        input_message_content=InputTextMessageContent(context.t.layout(message),
                                                      parse_mode=ParseMode.HTML))


def _protected(context: BotContext, count: int) -> InlineQueryResultArticle:
    t = context.t
    return InlineQueryResultArticle(
        id=PROTECTED_ID, title="🔒 " + t.nlabel(
            "{n} protected card: open it in the bot", "{n} protected cards: open them in the bot",
            count),
        description=t.label("Protected guidance is shown only inside the bot."),
        input_message_content=InputTextMessageContent(t.layout(t._(
            "🔒 Some guidance is shown only inside the bot, where it cannot be forwarded. "
            "Open {bot} and choose Reference.", bot=_mention(context))),
            parse_mode=ParseMode.HTML))


async def inline_query(update: Update, context: BotContext) -> None:
    inline = update.inline_query
    reference = context.services.reference
    if inline.query.strip():
        results = await context.services.search.search(
            inline.query, context.t.locale, limit=INLINE_RESULTS * 2, kinds=("ref",))
        cards = [c for c in results.items if isinstance(c, ReferenceCard)]
    else:
        cards = reference.top_cards()
    protected = sum(1 for c in cards if c.sensitive)
    views = [v for c in cards if not c.sensitive and (v := reference.card(c.id)) is not None]
    articles = [_article(context, v) for v in views[:INLINE_RESULTS]]
    if protected:
        articles.append(_protected(context, protected))
    await inline.answer(articles, cache_time=INLINE_CACHE_SECONDS, is_personal=True)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("search", search_command, filters=filters.ChatType.PRIVATE))
    search_pages.register(app)
    app.add_handler(InlineQueryHandler(inline_query))
    app.bot_data[fallback.TEXT_READERS].append(read_text)

