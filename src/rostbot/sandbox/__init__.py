"""A local stand-in for the Telegram Bot API, used by `rostbot sandbox`, tests and benchmarks."""
