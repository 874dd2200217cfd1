"""`python -m redline.cli`."""

from redline.cli import main

main()
