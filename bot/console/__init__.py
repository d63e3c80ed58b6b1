"""The console channel: a terminal chat on the local database, no tokens needed."""
