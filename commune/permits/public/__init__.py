"""The public side of the e-permis de fouille: works layer, OGC API, calendar, verification."""
