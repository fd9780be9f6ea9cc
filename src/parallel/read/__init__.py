"""Reading: articles from text files and saved web pages, their boilerplate, fetching pages politely."""
