"""/api/v1/towns: the municipalities served by this installation (public)."""

from ninja import Router, Schema

from commune.tenants.selectors import municipality_list

router = Router(tags=["towns"])


class TownOut(Schema):
    slug: str
    name: str
    ofs_number: int
    canton: str
    modules: list[str]
    languages: list[str]


@router.get("/towns", response=list[TownOut], summary="The municipalities on this installation")
def towns(request):
    return list(municipality_list())
