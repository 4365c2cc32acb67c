"""The customer portal's own state: one-time login codes, customer sessions, and the mail sent on submission."""
