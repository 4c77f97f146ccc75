"""/api/v1/<town>/…: one town's API. The town is resolved and scoped by TownMiddleware
before any endpoint runs; each domain app adds a router here."""

from ninja import Router, Schema

router = Router(tags=["town"])


class TownInfo(Schema):
    slug: str
    name: str
    canton: str
    modules: list[str]
    contact_email: str


@router.get("/", response=TownInfo, summary="This municipality")
def town_info(request):
    return request.municipality
