"""Domain services: the rules of the bot, between handlers and the store."""
