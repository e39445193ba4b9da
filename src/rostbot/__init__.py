"""rostbot: consent, feedback flows and meeting booking over Telegram."""

__version__ = "0.1.0"
