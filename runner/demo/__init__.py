"""The demo: a bundled e-application portal and sample data for Yamaguchi's 19 municipalities."""
