"""parallel: Arabic news articles to English, and an Arabic-English parallel corpus."""

__version__ = "0.1.0"
TOOL_NAME = "parallel"
