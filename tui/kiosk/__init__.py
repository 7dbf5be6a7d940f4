"""The client kiosk app (`portal kiosk`)."""
