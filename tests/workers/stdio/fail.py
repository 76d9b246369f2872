"""Exits with code 2 without any output."""
import sys

sys.exit(2)
