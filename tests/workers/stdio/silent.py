"""Exits with code 0 without any output."""
