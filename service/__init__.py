"""The HTTP service of complaint_nlp: build it with :func:`service.app.create_app`."""
