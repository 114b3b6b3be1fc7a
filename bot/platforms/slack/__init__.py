"""The Slack adapter: Bolt listeners, Block Kit rendering, the outbox sender."""
