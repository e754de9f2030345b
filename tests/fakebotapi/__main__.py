"""Run the fake Bot API standalone: ``python -m tests.fakebotapi --port 0``.

Prints the base URL (one line, flushed) once it listens, then serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from .server import FakeBotAPI


async def _serve(host: str, port: int, per_chat: int | None, global_limit: int | None) -> None:
    fake = FakeBotAPI(host=host, port=port)
    if per_chat is not None or global_limit is not None:
        fake.set_rate_limits(per_chat, global_limit)
    await fake.start()
    print(fake.base_url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakebotapi", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--per-chat-limit", type=int, default=None, help="messages/s per chat")
    parser.add_argument("--global-limit", type=int, default=None, help="messages/s overall")
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.host, args.port, args.per_chat_limit, args.global_limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
