from openness.cli import main

raise SystemExit(main())
