"""Frontline: an open-source customer-support desk."""
