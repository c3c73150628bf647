"""A second demo e-application product (e-Shinsei クラウド), built differently from the first on purpose."""
