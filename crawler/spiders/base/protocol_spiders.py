"""Spider classes for operator accounts: the account's protocol base, its settings."""

import importlib
import logging

from crawler.accounts import OperatorAccount, load_accounts
from crawler.spiders.base.search_api import POLITE_SETTINGS, SANDBOX_SETTINGS, SearchApiSpider

# protocol -> (module in crawler/spiders/base/, its base spider class)
PROTOCOL_BASES = {
    "tourvisor": ("tourvisor", "TourvisorSpider"),
    "mastertour": ("mastertour", "MasterTourSpider"),
    "teztour": ("teztour", "TezTourSpider"),
}
logger = logging.getLogger(__name__)


def protocol_base(protocol: str) -> type[SearchApiSpider]:
    module, name = PROTOCOL_BASES[protocol]
    return getattr(importlib.import_module(f"crawler.spiders.base.{module}"), name)


def spider_class(account: OperatorAccount, module: str) -> type[SearchApiSpider]:
    base = protocol_base(account.protocol)
    class_name = "".join(part.capitalize() for part in account.code.split("_")) + "Spider"
    settings = SANDBOX_SETTINGS if account.on_sandbox else POLITE_SETTINGS
    return type(
        class_name,
        (base,),
        {
            "__module__": module,
            "name": account.code,
            "operator_name": account.name,
            "account": account,
            "crawl_interval_minutes": account.crawl_interval_minutes,
            "custom_settings": {**(base.custom_settings or {}), **settings},
        },
    )


def account_spider_classes(module: str) -> list[type[SearchApiSpider]]:
    """A spider per readable account; an account whose protocol fails to load is left out."""
    classes = []
    for account in load_accounts().accounts.values():
        try:
            classes.append(spider_class(account, module))
        except (ImportError, AttributeError) as error:
            logger.error("Operator account %s left out: %s", account.code, error)
    return classes
