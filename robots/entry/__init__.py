"""転記 robot: enter rows from a workbook into a web business system, once each, verified, resumable."""
