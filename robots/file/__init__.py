"""File robot: list, copy, move and archive the files a scenario works on, inside allowed folders only."""
