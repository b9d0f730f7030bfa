"""The Scrapy project that collects tour operators' offers into the catalogue."""
