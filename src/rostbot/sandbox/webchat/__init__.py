"""The sandbox's web chat page: a phone-like chat with the real bot, in a browser.

`server` serves the page and its small JSON/event API; `chats` keeps the simulated people
and what their chats show; `flow_preview` opens and reloads flows; `stored_view` shows
what the database holds and opens it with the demo key. `static/` holds the page itself
(plain HTML, CSS and JavaScript: no build step, nothing fetched from the internet).
"""
