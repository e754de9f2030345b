"""ShopGuard core: cases, evidence, complaints, deadlines and escalation — no Telegram here."""

__version__ = "0.1.0"
