"""One router per part of the site."""
