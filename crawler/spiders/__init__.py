"""One spider per operator; each is a few attributes on a base class for its publishing style."""
