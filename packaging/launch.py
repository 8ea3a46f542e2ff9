"""Entry script for the frozen build: the same main() as the `renstra-desktop` command."""
import sys

if sys.argv[1:2] == ["--audit-buckets"]:        # audit verify's second process (core/audit_aside.py)
    from renstra_desktop.core.audit_aside import main
elif sys.argv[1:2] == ["--merge-prepare"]:      # a large merge's second process (core/packages/merge_aside.py)
    from renstra_desktop.core.packages.merge_aside import main
else:
    from renstra_desktop.cli import main

sys.exit(main())
