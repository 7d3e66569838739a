"""Views: keyboards as pure functions and the callback-data codec."""
