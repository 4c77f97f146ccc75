from django.core.management.base import BaseCommand
from django_otp.oath import totp

from commune.accounts import demo
from commune.tenants.demo import TOWNS


class Command(BaseCommand):
    help = "Print the demo addresses, accounts, password and the current second-factor code."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, base_url, **options):
        out = self.stdout.write
        out("")
        out(f"commune is served at {base_url}/")
        for spec in TOWNS:
            out(f"  {spec['name']}: {base_url}/{spec['slug']}/")
        out(f"  health: {base_url}/healthz   platform admin: {base_url}/admin/")
        out("")
        out(f"Demo accounts (password for all: {demo.DEMO_PASSWORD})")
        for email, what in demo.accounts_table():
            out(f"  {email:45} {what}")
        out("")
        out("Staff log in with a second factor. Add this key to an authenticator app:")
        out(f"  {demo.DEMO_TOTP_BASE32}")
        code = totp(bytes.fromhex(demo.DEMO_TOTP_KEY))
        out(
            f"  or type the current code ({code:06d}); `./manage.py demo_accounts` prints it again."
        )
        out("Ctrl-C stops the server and the worker.")
