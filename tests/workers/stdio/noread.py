"""Never reads stdin: answers at once and exits."""
import sys

sys.stdout.write("hi\n")
sys.stdout.flush()
