"""Helpers that more than one integration uses (each module says which), kept once here."""
