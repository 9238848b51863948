"""Chart functions, one module per lesson topic: each takes data (and ax=None) and returns Axes."""
