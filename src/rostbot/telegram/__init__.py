"""Thin adapters between python-telegram-bot updates and the core."""
