"""Analyses of the micro-work book: data loading and validation, chapter models, chart theme."""
