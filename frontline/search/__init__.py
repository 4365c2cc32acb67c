"""Full-text search over tickets, messages and contacts: the index (models, queries), its upkeep on every write
and the search itself (service). The text lives only in its own table (ticket subject, message body, contact);
the index keeps terms, never a second copy of the text."""
