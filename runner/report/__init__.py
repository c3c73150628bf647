"""Reports for staff: the effect (hours saved) report."""
