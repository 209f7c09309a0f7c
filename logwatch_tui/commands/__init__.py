"""One module per subcommand (argument parsing, output, exit codes)."""
