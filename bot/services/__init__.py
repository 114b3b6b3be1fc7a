"""Platform-neutral services: rules, permissions, audit and outbox, one unit of work each."""
