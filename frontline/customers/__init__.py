"""Customers as agents manage them: the REST API over contacts and organisations (contacts/), which also ends
a contact's portal sessions and customer links (portal/, tickets/links.py), so it sits above both."""
