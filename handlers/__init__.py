"""One module per command family: parse → one service call → one Message."""
