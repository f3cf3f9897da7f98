"""The self-hosted HTTPS way in: settings, the Flask app, Amazon's request verification, gunicorn.

Import order never matters here: `sdk_compat` is the one importer of flask_ask_sdk and
ask_sdk_webservice_support, `settings` (standard library only) imports nothing from this package,
`verification` imports `settings` and `sdk_compat`, `app` imports all three, and `server` runs
gunicorn with `app`. The skill itself (skill/builder.py and below) imports nothing from here.
"""
