"""The client's forms at the kiosk: the dashboard's Forms pane and the screens
that fill a form in (imported when a form is first opened, see ../app.py)."""
