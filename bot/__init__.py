"""ShopGuard's Telegram adapter: routers, keyboards, texts and middlewares over the core."""
