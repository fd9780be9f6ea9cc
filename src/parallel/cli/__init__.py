"""The command line: options, one-line errors and exit codes; each command calls one library function."""
