"""Rules: triggers on ticket events, time-based automations and signed outbound webhooks (docs/rules.md)."""
