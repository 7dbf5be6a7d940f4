"""The demo mailbox viewer (`portal mailbox`)."""
