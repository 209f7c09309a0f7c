from logwatch_tui.cli import main

raise SystemExit(main())
