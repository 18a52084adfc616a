"""Vigil's scorer as an HTTP service: Ray Serve deployment, Perspective API drop-in.

``python -m models.serve`` (see __main__), the app in :mod:`models.serve.app`, the request
shapes in :mod:`models.serve.wire` (Vigil's) and :mod:`models.serve.perspective`.
Ray, Starlette and uvicorn come with the ``serve`` extra; nothing here is imported by the
bot except the wire format, which needs numpy only.
"""
