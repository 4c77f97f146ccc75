"""The mobility app's pages: file imports (imports.py), the analysts' observatory and its
exports (observatory.py), intervention evaluations (evaluations.py), and the public open data
(opendata.py). Interfaces only: they parse the request, call one selector or service, render."""
