"""`python -m redline.cli`."""

from redline.cli.app import main

main()
