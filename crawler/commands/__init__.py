"""finnews's Scrapy commands (COMMANDS_MODULE): `crawl` with exit statuses that mean something."""
