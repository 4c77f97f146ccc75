"""Neighbourhood help (module `help`): offers and requests between verified neighbours, with
a phone and counter channel run by the town's social service."""
