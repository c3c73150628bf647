"""Overtime robot: department overtime workbooks (any layout) in, the legal limit checks out."""
