"""`portal staff`: the Textual app for staff at a terminal workstation."""
