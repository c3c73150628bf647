"""Table robot: combine and summarise tables."""

COUNTED = "kyodo_counted"  # DataFrame.attrs flag: these rows are already in 処理件数 (set by kyodo.runner.checkpoints too)
