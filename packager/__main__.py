"""`python -m packager` runs the command line."""

from packager.cli import main

main()
