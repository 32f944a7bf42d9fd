"""Build pipeline of the book: sync and execute chapter notebooks, then build the HTML strictly."""
