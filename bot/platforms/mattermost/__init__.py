"""The Mattermost adapter (issue #15, in progress): so far the rendering of the message
model as Mattermost markdown, with user text neutralised."""
