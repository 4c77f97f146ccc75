import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from commune.accounts.models import Membership, Organisation, OrganisationMember, User
from commune.tenants.scoping import current_municipality

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.ch")
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    municipality = factory.LazyFunction(current_municipality)
    user = factory.SubFactory(UserFactory, kind=User.Kind.STAFF)
    role = "permit_officer"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Entreprise {n} SA")
    # Nine digits from the sequence: still 15 characters past the 900th organisation of a run.
    uid = factory.Sequence(
        lambda n: f"CHE-{n // 10**6 % 1000:03d}.{n // 1000 % 1000:03d}.{n % 1000:03d}"
    )


def add_member(org: Organisation, user: User, *, manager: bool = False) -> OrganisationMember:
    return OrganisationMember.objects.create(organisation=org, user=user, is_manager=manager)


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)
