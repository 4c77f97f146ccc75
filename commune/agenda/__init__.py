"""The community agenda and the neighbourhood help (modules `agenda` and `help`)."""
