def town(request):
    return {"town": getattr(request, "municipality", None)}
