"""Base spiders, one per way operators publish their offers."""
