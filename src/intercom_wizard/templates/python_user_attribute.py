def user_attribute(user: object, *names: str) -> str | None:
    """The first of `names` the user has a value for: an attribute, a key or a method
    such as get_full_name(). Read at run time, so properties, mixins and dynamic models
    count too."""
    for name in names:
        if isinstance(user, dict):
            value = user.get(name)
        elif hasattr(user, "keys") and hasattr(user, "__getitem__"):
            value = user[name] if name in user.keys() else None
        else:
            value = getattr(user, name, None)
        if callable(value):
            value = value()
        if value:
            return str(value)
    return None
