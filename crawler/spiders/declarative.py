"""The declarative operators: one spider class per YAML file, found here by Scrapy.

Scrapy's spider loader imports this module and collects the Spider subclasses in its
globals; each file in crawler/operators/ (and in TOURSCOPE_OPERATORS_DIR) adds one.
"""

from crawler.spiders.base.declarative import operator_spider_classes

globals().update({spider.__name__: spider for spider in operator_spider_classes(__name__)})
