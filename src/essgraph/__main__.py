import sys

from essgraph.cli import main

sys.exit(main())
