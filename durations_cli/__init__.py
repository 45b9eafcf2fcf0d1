"""Command line client of the query API: ``lambda-durations`` (see ``lambda-durations --help``)."""
