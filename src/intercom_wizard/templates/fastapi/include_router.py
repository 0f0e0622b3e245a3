# iw:if placement=module_end
# Imported here, not at the top: intercom_jwt uses __IW_DEPENDENCY__ from this module.
__IW_ROUTER_IMPORT__  # noqa: E402
# iw:end
# iw:if placement=factory
__IW_ROUTER_IMPORT__
# iw:end

__IW_APP_VAR__.include_router(intercom_jwt.router)
