"""Regiobot: the application core and, at its edge, the platform adapters."""
