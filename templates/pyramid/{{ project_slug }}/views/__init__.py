"""Views, one module per feature; `config.scan()` in main() registers them."""
