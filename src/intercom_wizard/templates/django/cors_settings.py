
# The pages are served from another origin: let exactly that one fetch the Intercom
# token.
CORS_ALLOWED_ORIGINS = ["__IW_FRONTEND_ORIGIN__"]
CORS_ALLOW_CREDENTIALS = __IW_CREDENTIALS__
CORS_URLS_REGEX = r"^/__IW_ENDPOINT__$"
