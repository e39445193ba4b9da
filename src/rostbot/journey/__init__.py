"""The respondent's journey: consent, answering, rights. Talks to store and crypto, not Telegram.

Entry points take a `Person` and return `Reply` objects; `rostbot.telegram`
turns updates into calls and replies into Bot API requests.
"""
