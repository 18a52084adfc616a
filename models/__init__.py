"""Vigil's models: toxicity, spam and stance scoring on a MiniLM backbone.

This package knows torch, transformers and numpy only; it never imports ``bot``,
``cogs`` or ``discord`` so that it can move to its own process unchanged.
"""
