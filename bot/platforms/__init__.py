"""Platform adapters: verify, identify, parse into core events, render the replies."""
