"""Telegram handlers, one module per feature. Each parses the update, calls a service and
renders the answer; none holds SQL."""
