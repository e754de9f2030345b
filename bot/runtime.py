"""Background work of a running bot: the reminder dispatcher and its ticker, and the price
watches (价保) on the same scheduler and sender."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.price_alerts import price_watch_job, schedule_price_watches
from bot.reminder_notifier import TelegramNotifier
from bot.sender import ProactiveSender
from shopguard.clock import Clock
from shopguard.ratelimit import SendScheduler
from shopguard.reminders.dispatch import DispatchSettings, ReminderDispatcher
from shopguard.reminders.ticker import ReminderTicker
from shopguard.settings import Settings


def instance_name(settings: Settings) -> str:
    return (settings.instance_name or f"{socket.gethostname()}-{os.getpid()}")[:80]


def start_reminders(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    bot: Bot,
    clock: Clock,
    dispatcher: Dispatcher,
) -> ReminderTicker:
    """Start delivering reminders through ``bot``; handlers find the ticker in their context."""
    sender = ProactiveSender(bot, SendScheduler(settings.send_rate, settings.send_chat_interval))
    notifier = TelegramNotifier(sender, sessions, settings, clock)
    reminder_dispatcher = ReminderDispatcher(
        sessions,
        notifier,
        clock,
        DispatchSettings(
            owner=instance_name(settings),
            lease=timedelta(seconds=settings.reminder_lease_seconds),
            batch=settings.reminder_batch,
        ),
    )
    ticker = ReminderTicker(
        reminder_dispatcher, sessions, period=timedelta(seconds=settings.reminder_tick_seconds)
    )
    dispatcher["reminder_ticker"] = ticker
    ticker.start()
    # price watches (价保) tick on the same scheduler and speak through the same sender
    price_job = price_watch_job(settings, sessions, sender, clock, instance_name(settings))
    schedule_price_watches(ticker.scheduler, price_job)
    return ticker
