"""The protocol operators: one spider class per operator account, found here by Scrapy.

Each account of tourscope/config/operator_accounts.yaml (and of TOURSCOPE_ACCOUNTS_FILE) becomes a
subclass of its protocol's base spider named after the account. An account that cannot
be read is left out (`tourscope operators` says why); the other spiders load regardless.
"""

from crawler.spiders.base.protocol_spiders import account_spider_classes

globals().update({spider.__name__: spider for spider in account_spider_classes(__name__)})
