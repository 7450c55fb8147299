"""Static reference data for Jakarta: its administrative areas, agencies, report categories and channels."""
