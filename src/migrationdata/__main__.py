from migrationdata.cli import main

raise SystemExit(main())
