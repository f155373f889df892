"""Django-aware helpers every app may use (fast row inserts, download responses): the floor between
``lib`` (plain Python, no Django) and ``org``. No models, no views of its own."""
