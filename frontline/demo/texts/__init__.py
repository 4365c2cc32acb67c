"""What the demo desk's customers and agents write, in English (en) and Russian (ru)."""
