"""Widgets of the staff app: the chart room's tabs and the Chart Owner box."""
