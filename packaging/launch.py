"""Entry script for the frozen build: the same main() as the `renstra-desktop` command."""
import sys

from renstra_desktop.cli import main

sys.exit(main())
