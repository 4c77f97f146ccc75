import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commune.mobility.mqtt import Subscriber


class Command(BaseCommand):
    help = (
        "Store real-time sensor readings from the MQTT broker (MQTT_URL): each message once, "
        "malformed ones in quarantine. Runs until stopped (Ctrl-C or SIGTERM)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="Broker URL (default: MQTT_URL).")
        parser.add_argument(
            "--client-id",
            default=None,
            help="Fixed client id naming the persistent session (default: MQTT_CLIENT_ID).",
        )

    def handle(self, *args, **options):
        url = options["url"] or settings.MQTT_URL
        if not url:
            raise CommandError("MQTT_URL is not set (e.g. MQTT_URL=mqtt://127.0.0.1:1883).")
        try:
            subscriber = Subscriber(
                url=url, client_id=options["client_id"] or settings.MQTT_CLIENT_ID
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

        def stop(signum, frame):
            subscriber.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(
            f"Subscribed to {subscriber.topic} on {subscriber.address.host}:"
            f"{subscriber.address.port} as {subscriber.client_id}"
        )
        subscriber.run()
        self.stdout.write(f"Stopped: {dict(subscriber.stats)}")
