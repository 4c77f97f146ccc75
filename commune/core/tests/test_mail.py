from commune.core.mail import mail_send


def test_mail_goes_over_smtp_in_the_recipients_language(smtp_server, settings, tmp_path):
    # given: a template that says "Page not found" (translated by the catalogue)
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "probe.subject.txt").write_text(
        '{% load i18n %}{% translate "Page not found" %}'
    )
    (tmp_path / "emails" / "probe.txt").write_text("Bonjour {{ name }}")
    (tmp_path / "emails" / "probe.html").write_text("<p>Bonjour {{ name }}</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    # when
    sent = mail_send(
        to="marie@example.ch", template="probe", context={"name": "Marie"}, language="fr"
    )
    # then
    assert sent == 1
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Page introuvable"
    assert message["To"] == "marie@example.ch"
    assert smtp_server.text_of(message).strip() == "Bonjour Marie"
    assert "<p>Bonjour Marie</p>" in smtp_server.html_of(message)
