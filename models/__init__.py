"""The portal's domain: tables and rules, no UI (see README "Layout")."""
