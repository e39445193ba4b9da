"""The only code that touches keys: HPKE sealing, pseudonyms, at-rest encryption."""
