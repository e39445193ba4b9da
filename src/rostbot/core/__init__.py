"""Pure logic with no I/O: flow model and engine, consent texts, rules."""
