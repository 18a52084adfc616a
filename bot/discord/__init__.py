"""The Discord adapter: the application (:mod:`.app`), the executor that turns cases into
API calls (:mod:`.executor`) and the member-facing views (:mod:`.views`).

The only package in ``bot`` that imports discord.py. Modules here use absolute imports, so
``import discord`` always means the library, never this package.
"""
