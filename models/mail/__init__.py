"""Outgoing email: templates, delivery from the outbox, state for staff, demo server.

- `render`: Jinja2 templates in mail_templates/ -> one multipart/alternative message.
- `deliver`: claim due outbox rows and send them with yagmail (`DeliveryWorker`
  runs that in a background thread).
- `state`: "Queued" / "Sent ..." / "Retrying at ... — why" / "Failed — reply".
- `local_server`: aiosmtpd on 127.0.0.1 filing into a Maildir (the demo).

Import the submodules directly; this package imports nothing heavy itself.
"""
