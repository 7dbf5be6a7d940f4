"""The staff app's screens."""
